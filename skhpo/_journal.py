"""The search journal: what a search evaluated, on disk, so that a killed search resumes.

A journal is a JSON-lines file (format in the user guide, "Journal and
resume"). Its first line describes the search that wrote it
(:func:`describe_search`); each further line is one evaluated batch: its
budget and, per candidate, the candidate in the search space's JSON form
(:meth:`skhpo.space.SearchSpace.to_json`: numbers as numbers, categorical
choices, estimators included, by their index) and what scikit-learn's
``_fit_and_score`` returned for each split. A batch is appended, flushed
and synced to disk before the next batch starts.

Resuming runs the search again from the start: a batch the search asks for
that the journal holds (same candidates, same budget) is replayed from the
file instead of being fitted, so with the same ``random_state`` the search
retraces its steps exactly and then goes on. Nothing read from a journal is
unpickled or evaluated: it is JSON, and choices are looked up in the space.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Iterable

import numpy as np

from ._warn import warn_user

__all__: list[str] = []

FORMAT = "skhpo-journal/1"


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, default=_json_default, sort_keys=True)


def candidate_key(candidate_json: dict, budget: Any) -> str:
    """The identity of one evaluation in a journal: the candidate and its budget."""
    return _dumps({"candidate": candidate_json, "budget": budget})


def describe_search(
    *,
    searcher: str,
    estimator: Any,
    space: Any,
    scoring: Any,
    splits: list,
    X: Any,
    y: Any,
    fit_params: dict,
    settings: dict,
) -> dict:
    """The facts a journal must share with the search resuming it, as JSON values.

    ``splits`` are the search's CV splits ``[(train, test), ...]``: their
    indices are hashed, so a splitter that shuffles differently is caught.
    The estimator's parameters, the data and the ``fit`` parameters are
    compared by a digest of their contents (:func:`joblib.hash`).
    """
    digest = hashlib.sha1()
    for train, test in splits:
        digest.update(np.asarray(train, dtype=np.int64).tobytes())
        digest.update(b"|")
        digest.update(np.asarray(test, dtype=np.int64).tobytes())
        digest.update(b";")
    return {
        "searcher": searcher,
        "estimator": f"{_estimator_type(estimator)}, parameters {_digest(_params_of(estimator))}",
        # The repr abbreviates long lists of values; the digest of every
        # dimension's full identity does not.
        "search space": f"{space!r}, sha1 {_space_digest(space)}",
        "scoring": _scoring_repr(scoring),
        "cv splits": f"{len(splits)} splits, sha1 {digest.hexdigest()[:16]}",
        "data": f"X {_shape(X)} {_digest(X)}, y {_shape(y)} {_digest(y)}",
        "fit parameters": ", ".join(f"{k} {_digest(v)}" for k, v in sorted(fit_params.items())) or "none",
        "settings": settings,
    }


def _digest(obj: Any) -> str:
    """A short digest of ``obj``'s contents (arrays by their bytes), for comparison only."""
    import joblib

    try:
        return joblib.hash(obj)[:16]
    except Exception:  # unpicklable contents: their text
        return hashlib.sha1(repr(obj).encode()).hexdigest()[:16]


def _space_digest(space: Any) -> str:
    """A digest of every sub-space's names, dimension types and full identities."""
    ident = [
        [(name, type(dim).__name__, repr(dim._key())) for name, dim in sorted(sub.items())]
        for sub in space.subspaces
    ]
    return hashlib.sha1(repr(ident).encode()).hexdigest()[:16]


def _params_of(est: Any) -> Any:
    try:
        return est.get_params(deep=False)
    except Exception:  # not an estimator's get_params: compare its text
        return repr(est)


def _estimator_type(est: Any) -> str:
    """The estimator's class, and those of a pipeline's steps."""
    name = f"{type(est).__module__}.{type(est).__qualname__}"
    steps = getattr(est, "steps", None)
    if isinstance(steps, list):
        inner = ", ".join(f"{s[0]}={_estimator_type(s[1])}" for s in steps if isinstance(s, tuple) and len(s) == 2)
        return f"{name}({inner})"
    return name


def _scoring_repr(scoring: Any) -> str:
    if scoring is None or isinstance(scoring, str):
        return repr(scoring)
    if isinstance(scoring, dict):
        return "{" + ", ".join(f"{k!r}: {_scoring_repr(v)}" for k, v in scoring.items()) + "}"
    if isinstance(scoring, (list, tuple, set)):
        return repr(sorted(scoring)) if isinstance(scoring, set) else repr(list(scoring))
    if hasattr(scoring, "_score_func"):  # a make_scorer scorer: its repr shows the metric, sign and kwargs
        return repr(scoring)
    name = f"{getattr(scoring, '__module__', '')}.{getattr(scoring, '__qualname__', type(scoring).__qualname__)}"
    if "<" in name:  # a lambda or a local function: its name does not identify it
        warn_user(
            f"scoring={scoring!r} is a lambda or a local function, so the journal cannot check that a "
            "resumed search scores the same way; make sure it does (or use a named function)."
        )
    return name


def _shape(a: Any) -> str:
    if a is None:
        return "None"
    shape = getattr(a, "shape", None)
    if shape is None:
        shape = (len(a),)
    return "(" + ", ".join(str(int(n)) for n in shape) + ")"


# ---------------------------------------------------------------- the file
class Journal:
    """An open journal: the evaluations it holds, and appending new ones.

    Parameters
    ----------
    path : str or path-like
        The file. Created with the header when missing or empty.
    header : dict
        :func:`describe_search` of the running search.
    """

    def __init__(self, path: Any, header: dict) -> None:
        self.path = os.fspath(path)
        self.header = header
        self.evaluations: dict[str, list] = {}  # candidate_key -> per-split results
        self.n_replayed = 0
        self._file: Any = None
        self._read()

    # -- reading
    def _read(self) -> None:
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            data = b""
        if not data.strip():
            self._open_for_append(truncate_to=0, header=True)
            return
        lines = data.split(b"\n")
        good_end = 0  # bytes up to the end of the last complete, valid line
        records = []
        for i, raw in enumerate(lines):
            complete = i < len(lines) - 1  # a line without its newline was cut short
            if not raw.strip():
                if complete:
                    good_end += len(raw) + 1
                continue
            try:
                if not complete:
                    raise ValueError("no newline")
                records.append(json.loads(raw))
            except ValueError:
                if any(ln.strip() for ln in lines[i + 1 :]):
                    raise ValueError(
                        f"journal={self.path!r}: line {i + 1} is not valid JSON and is not the last "
                        "line, so the file is not a journal written by skhpo (or was edited). Use "
                        "another path, or delete the file to start the search over."
                    ) from None
                warn_user(
                    f"journal={self.path!r}: its last line is incomplete (the search was stopped "
                    "while writing it); it is ignored and the batch it held will be evaluated again."
                )
                break
            good_end += len(raw) + 1
        if not records:
            self._open_for_append(truncate_to=0, header=True)
            return
        self._check_header(records[0])
        for i, rec in enumerate(records[1:], start=2):
            try:
                for cand in rec["candidates"]:
                    self.evaluations[candidate_key(cand["candidate"], rec["budget"])] = list(cand["splits"])
            except (TypeError, KeyError):
                raise ValueError(
                    f"journal={self.path!r}: record {i} is not a batch of a skhpo journal (or was edited). "
                    "Use another path, or delete the file to start the search over."
                ) from None
        self._open_for_append(truncate_to=good_end, header=False)

    def _check_header(self, found: Any) -> None:
        if not isinstance(found, dict) or found.get("format") != FORMAT:
            raise ValueError(
                f"journal={self.path!r} exists but its first line is not a skhpo journal header "
                f"(format {FORMAT!r}). Use another path, or delete the file to start over."
            )
        written = found.get("search", {})
        differ = [k for k in self.header if written.get(k) != self.header[k]]
        if differ:
            details = "; ".join(
                f"{k}: the journal has {written.get(k)!r}, this search has {self.header[k]!r}" for k in differ
            )
            raise ValueError(
                f"journal={self.path!r} was written by a different search, so its results cannot be "
                f"reused ({', '.join(differ)} differ{'s' if len(differ) == 1 else ''}): {details}. "
                "Use another journal path for this search, or delete the file to start over."
            )

    def _open_for_append(self, *, truncate_to: int, header: bool) -> None:
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        self._file = open(self.path, "ab")
        try:
            self._file.truncate(truncate_to)
            if header:
                self._write({"format": FORMAT, "search": self.header})
        except BaseException:
            self.close()
            raise

    # -- replay and append
    def lookup(self, key: str) -> list | None:
        """The per-split results of a journaled evaluation, or None."""
        return self.evaluations.get(key)

    def append(self, budget: Any, candidates: Iterable[tuple[str, dict, list]]) -> None:
        """Write one evaluated batch and make it durable (flush and fsync).

        ``candidates`` are ``(key, candidate_json, splits)`` with ``splits``
        the ``_fit_and_score`` results of that candidate, in split order.
        """
        cands = []
        for key, cand_json, outs in candidates:
            splits = [_split_to_json(out) for out in outs]
            self.evaluations[key] = splits
            cands.append({"candidate": cand_json, "splits": splits})
        if cands:
            self._write({"budget": budget, "candidates": cands})

    def _write(self, record: dict) -> None:
        self._file.write((_dumps(record) + "\n").encode())
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _split_to_json(out: dict) -> dict:
    """One ``_fit_and_score`` result as JSON: ``None`` stands for ``error_score``."""
    return {
        "test_scores": _scores_to_json(out.get("test_scores")),
        "train_scores": _scores_to_json(out.get("train_scores")),
        "n_test_samples": int(out["n_test_samples"]) if "n_test_samples" in out else None,
        "fit_time": float(out.get("fit_time", 0.0)),
        "score_time": float(out.get("score_time", 0.0)),
        "fit_error": out.get("fit_error"),
    }


def _scores_to_json(scores: Any) -> Any:
    from ._search_base import _ErrorScore  # the marker of scores scikit-learn filled with error_score

    if scores is None:
        return None
    if isinstance(scores, dict):
        return {name: _scores_to_json(v) for name, v in scores.items()}
    if isinstance(scores, _ErrorScore):
        return None
    return float(scores)
