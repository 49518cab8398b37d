"""The parameter fidelity: models continued from one rung to the next.

With ``resource="n_estimators"`` (or ``max_iter``, ``clf__n_estimators``, ...)
a rung sets that parameter, and a candidate promoted to the next rung would
normally be retrained from scratch on the same fold with more rounds. Here it
is **continued** instead: :class:`ContinuedEstimator` wraps the search's
estimator, saves every fold model it fits in a :class:`ContinuationStore`
(a temporary directory, written with :mod:`joblib`) and, when the same
candidate comes back on the same fold with a larger resource, loads that
model and trains only the missing rounds or trees.

What is continued, by capability rather than class name (so subclasses and
look-alikes work), see :func:`continuation_kind`:

* ``"xgboost"``: a ``fit`` that takes ``xgb_model=`` (xgboost's scikit-learn
  API) with ``n_estimators``: the booster is trained further.
* ``"lightgbm"``: a ``fit`` that takes ``init_model=`` (lightgbm's
  scikit-learn API) with ``n_estimators``: training goes on from the model.
* ``"warm_start"``: a ``warm_start`` parameter with ``n_estimators``
  (random forests, extra trees, gradient boosting, bagging) or with
  ``max_iter`` on a tree-boosting estimator (one with ``max_leaf_nodes``, as
  the histogram gradient boosting estimators): ``warm_start=True`` and the
  larger value add the missing trees or iterations.
* the last step of a :class:`~sklearn.pipeline.Pipeline` of one of these:
  the earlier steps fitted at the previous rung are reused as they are.

Anything else is retrained at every rung. ``max_iter`` of estimators that
run ``max_iter`` more iterations on every warm-started ``fit``
(``LogisticRegression``, ``MLPClassifier``, ``SGDClassifier``) is not a
total to continue to, so they are retrained too.

Which fit is "the same candidate on the same fold" is told from what the
wrapper sees: the candidate by all the wrapped estimator's parameters except
the resource (so it survives the clones scikit-learn makes), the fold by a
fingerprint of the training data. In every doubt the model is retrained,
which is always correct, only slower.
"""

from __future__ import annotations

import hashlib
import numbers
import os
import pickle
import shutil
import tempfile
import uuid
import weakref
from inspect import signature
from typing import Any, Iterable, NamedTuple

import joblib
import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import available_if

from .._params import _params_key

__all__ = ["ContinuationStore", "ContinuedEstimator", "continuation_kind"]

_OWN_PARAMS = ("estimator", "resource", "store")
_ROUTED_METHODS = ("fit", "predict", "predict_proba", "predict_log_proba", "decision_function", "score", "transform")


# ----------------------------------------------------------------------------
# What can be continued
# ----------------------------------------------------------------------------


def continuation_kind(estimator: Any, resource: str) -> str | None:
    """How an estimator's models are continued when ``resource`` grows.

    Parameters
    ----------
    estimator : estimator instance
        The estimator of the search, possibly a
        :class:`~sklearn.pipeline.Pipeline`.
    resource : str
        The parameter a rung sets, in the search's names: ``"n_estimators"``,
        ``"max_iter"``, or ``"clf__n_estimators"`` for the last step ``clf``
        of a Pipeline.

    Returns
    -------
    kind : {"xgboost", "lightgbm", "warm_start"} or None
        ``"xgboost"`` when ``fit`` takes ``xgb_model=`` and the resource is
        ``n_estimators``; ``"lightgbm"`` when ``fit`` takes ``init_model=``
        and the resource is ``n_estimators``; ``"warm_start"`` when the
        estimator has ``warm_start`` and the resource is ``n_estimators``, or
        ``max_iter`` of a tree-boosting estimator (one with
        ``max_leaf_nodes``); for a Pipeline, the kind of its last step when
        the resource is one of that step's parameters. ``None`` means the
        estimator is retrained at every rung.

    Examples
    --------
    >>> from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> continuation_kind(RandomForestClassifier(), "n_estimators")
    'warm_start'
    >>> continuation_kind(HistGradientBoostingClassifier(), "max_iter")
    'warm_start'
    >>> continuation_kind(LogisticRegression(), "max_iter") is None
    True
    >>> pipe = make_pipeline(StandardScaler(), RandomForestClassifier())
    >>> continuation_kind(pipe, "randomforestclassifier__n_estimators")
    'warm_start'
    """
    if isinstance(estimator, Pipeline):
        last_name, last = estimator.steps[-1]
        prefix = f"{last_name}__"
        if not resource.startswith(prefix) or not hasattr(last, "get_params"):
            return None
        return continuation_kind(last, resource[len(prefix) :])
    if "__" in resource or not hasattr(estimator, "get_params"):
        return None
    params = estimator.get_params(deep=False)
    if resource not in params:
        return None
    fit_args = _fit_arguments(estimator)
    if resource == "n_estimators" and "xgb_model" in fit_args and hasattr(estimator, "get_booster"):
        return "xgboost"
    if resource == "n_estimators" and "init_model" in fit_args:
        return "lightgbm"
    if "warm_start" in params and (
        resource == "n_estimators" or (resource == "max_iter" and "max_leaf_nodes" in params)
    ):
        return "warm_start"
    return None


def _fit_arguments(estimator: Any) -> set[str]:
    try:
        return set(signature(estimator.fit).parameters)
    except (TypeError, ValueError, AttributeError):
        return set()


def _n_units(model: Any, kind: str | None, resource: str, n_resources: int) -> int:
    """Rounds, trees or iterations a fitted (non-Pipeline) model holds."""
    if kind == "xgboost":
        return int(model.get_booster().num_boosted_rounds())
    if kind == "lightgbm":
        return int(model.booster_.current_iteration())
    if kind == "warm_start":
        if resource == "max_iter" and hasattr(model, "n_iter_"):
            return int(model.n_iter_)
        return len(model.estimators_)
    return int(n_resources)


# ----------------------------------------------------------------------------
# Identity of a fold and of a candidate
# ----------------------------------------------------------------------------


def _fold_fingerprint(X: Any, y: Any, fit_params: dict) -> str | None:
    """A digest of the training data: equal digests, the same fold.

    Shape plus a hash of the rows (numpy arrays, pandas DataFrames column by
    column with their names, dtypes and index, scipy sparse matrices by
    their arrays), of ``y`` and of the fit parameters. ``None`` when some
    part cannot be hashed: the fit is then retrained.
    """
    try:
        parts = [_data_digest(X), _data_digest(y), joblib.hash(sorted(fit_params.items(), key=lambda kv: kv[0]))]
    except Exception:  # an unhashable fit parameter or data container
        return None
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def _data_digest(data: Any) -> str:
    if data is None:
        return "none"
    if hasattr(data, "columns") and hasattr(data, "dtypes") and hasattr(data, "index"):  # a DataFrame
        cols = [(str(c), str(data[c].dtype), np.asarray(data[c])) for c in data.columns]
        return joblib.hash((data.shape, np.asarray(data.index), cols))
    if hasattr(data, "tocsr") and hasattr(data, "nnz"):  # scipy sparse
        m = data.tocsr()
        return joblib.hash((m.shape, str(m.dtype), m.data, m.indices, m.indptr))
    if hasattr(data, "dtype") and hasattr(data, "index"):  # a Series
        return joblib.hash((str(data.dtype), np.asarray(data.index), np.asarray(data)))
    return joblib.hash((np.shape(data), np.asarray(data)))


def _candidate_digest(params: dict) -> str:
    """A digest of a candidate's parameters, the same in every process.

    Values compare as the driver compares them (``_params_key``: estimators
    by class and parameters); a value the driver can only tell by identity
    (an array, say) is hashed by content here, since identities differ
    between processes.
    """
    key = tuple(
        (name, joblib.hash(params[name]) if _by_identity(k) else k) for name, k in _params_key(params)
    )
    return joblib.hash(key)


def _by_identity(key: Any) -> bool:
    if isinstance(key, tuple):
        if len(key) == 2 and key[0] == "id":
            return True
        return any(_by_identity(k) for k in key)
    return False


def _config(estimator: Any, resource: str) -> Any:
    """An unfitted copy of ``estimator`` with the resource blanked: the candidate."""
    config = clone(estimator)
    config.set_params(**{resource: None})
    return config


def _config_digest(config: Any) -> str:
    return _candidate_digest(config.get_params(deep=False))


def _matches(config: Any, resource: str, params: dict) -> bool:
    """Whether a candidate's configuration has these (search) parameter values."""
    values = config.get_params(deep=True)
    return all(name == resource or (name in values and _equal(values[name], v)) for name, v in params.items())


def _equal(u: Any, v: Any) -> bool:
    if hasattr(u, "get_params") and not isinstance(u, type):
        return type(u) is type(v) and _equal(u.get_params(deep=False), v.get_params(deep=False))
    if isinstance(u, dict):
        return isinstance(v, dict) and u.keys() == v.keys() and all(_equal(u[k], v[k]) for k in u)
    if isinstance(u, (list, tuple)):
        return type(u) is type(v) and len(u) == len(v) and all(_equal(x, z) for x, z in zip(u, v))
    if isinstance(u, np.ndarray) or isinstance(v, np.ndarray):
        return np.array_equal(u, v, equal_nan=np.asarray(u).dtype.kind == "f")
    if isinstance(u, float) and isinstance(v, float) and u != u and v != v:
        return True
    try:
        return type(u) is type(v) and bool(u == v)
    except Exception:
        return u is v


# ----------------------------------------------------------------------------
# The store
# ----------------------------------------------------------------------------


class _Saved(NamedTuple):
    n_resources: int
    model: Any


class ContinuationStore:
    """A temporary directory of the fold models a search may continue.

    One store serves one search. :class:`ContinuedEstimator` saves in it,
    after each fit below ``max_resources``, the fitted model of that
    (candidate, fold), and loads it when the candidate comes back on the
    fold with a larger resource. Models are written with :mod:`joblib`,
    atomically (a temporary file, then :func:`os.replace`), so a reader
    never sees half a file. Because they live on disk, continuation works
    across joblib worker processes (``n_jobs > 1`` with the default loky
    backend), threads, and any joblib backend whose workers see the same
    filesystem (a Dask cluster on one machine, or with ``dir`` on a shared
    filesystem); a worker that cannot see the directory simply retrains.

    Parameters
    ----------
    max_resources : int, default=None
        The largest resource of the schedule. A fit at (or above) it is the
        candidate's last, so its model is not saved. ``None`` saves every
        fit.
    dir : str, default=None
        Where the temporary directory is created; ``None`` is the system's
        default (:func:`tempfile.mkdtemp`).

    Attributes
    ----------
    path : str
        The store's directory, created with the store.
    n_units_trained_ : int
        Rounds, trees or iterations trained so far by every fit that used
        this store, in every process (a retrained fit counts its whole
        resource).

    See Also
    --------
    ContinuedEstimator : the estimator wrapper that saves and continues.

    Notes
    -----
    The directory is removed by :meth:`close`, on leaving a ``with`` block
    (also on an exception or ``KeyboardInterrupt``), or when the store is
    garbage collected or the interpreter exits. Copies of the store made by
    pickling (the ones joblib sends to workers) share the directory but
    never remove it; ``copy.deepcopy`` (and so :func:`~sklearn.base.clone`
    of a wrapper) returns the store itself.

    Examples
    --------
    >>> import os
    >>> with ContinuationStore(max_resources=81) as store:
    ...     os.path.isdir(store.path), store.n_units_trained_
    (True, 0)
    >>> os.path.exists(store.path)
    False
    """

    def __init__(self, max_resources: int | None = None, *, dir: str | None = None) -> None:
        self.max_resources = max_resources
        self.path = tempfile.mkdtemp(prefix="skhpo-continuation-", dir=dir)
        os.mkdir(os.path.join(self.path, "_units"))
        self._finalizer = weakref.finalize(self, _remove_tree, self.path)

    # -- lifetime ------------------------------------------------------------

    def __enter__(self) -> ContinuationStore:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Remove the directory and everything saved in it.

        Examples
        --------
        >>> store = ContinuationStore()
        >>> store.close()
        >>> store.closed
        True
        """
        if self._finalizer is not None:
            self._finalizer()
        else:
            raise RuntimeError("Only the process that created a ContinuationStore can close it.")

    @property
    def closed(self) -> bool:
        """Whether the directory is gone."""
        return not os.path.isdir(self.path)

    def __getstate__(self) -> dict:
        return {"max_resources": self.max_resources, "path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._finalizer = None  # a copy in a worker never removes the directory

    def __deepcopy__(self, memo: dict) -> ContinuationStore:
        return self

    def __repr__(self) -> str:
        return f"ContinuationStore(max_resources={self.max_resources!r}, path={self.path!r})"

    # -- what the driver calls ----------------------------------------------

    def keep_only(self, params_list: Iterable[dict]) -> None:
        """Drop the saved models of every candidate not in ``params_list``.

        Call it after each rung with the promoted candidates, so disk use is
        bounded by the survivors' fold models. Call it only between rungs,
        while no fit of this store runs.

        Parameters
        ----------
        params_list : iterable of dict
            The parameters of the candidates to keep, as the search sets
            them (the resource, if there, is ignored). A saved candidate is
            kept when its parameters have these values; estimator-valued
            parameters compare by class and parameters.

        Examples
        --------
        >>> with ContinuationStore() as store:
        ...     store.keep_only([{"max_depth": 3}])
        """
        params_list = list(params_list)
        for name in self._candidate_dirs():
            folder = os.path.join(self.path, name)
            try:
                resource, config = joblib.load(os.path.join(folder, "_config.joblib"))
                keep = any(_matches(config, resource, p) for p in params_list)
            except Exception:  # unreadable: drop it, a later fit retrains
                keep = False
            if not keep:
                _remove_tree(folder)

    @property
    def n_units_trained_(self) -> int:
        """Rounds, trees or iterations trained so far with this store, in every process."""
        total = 0
        units = os.path.join(self.path, "_units")
        for name in _listdir(units):
            if name.endswith(".n"):
                try:
                    with open(os.path.join(units, name)) as f:
                        total += int(f.read())
                except (OSError, ValueError):
                    pass
        return total

    # -- what the wrapper calls ---------------------------------------------

    def _candidate_dirs(self) -> list[str]:
        return [n for n in _listdir(self.path) if not n.startswith("_")]

    def _file(self, candidate: str, fold: str) -> str:
        return os.path.join(self.path, candidate, f"{fold}.joblib")

    def _load(self, candidate: str, fold: str) -> _Saved | None:
        try:
            saved = joblib.load(self._file(candidate, fold))
        except Exception:  # missing, dropped, or unreadable: retrain
            return None
        return saved if isinstance(saved, _Saved) else None

    def _save(self, candidate: str, fold: str, saved: _Saved, config: tuple[str, Any]) -> None:
        """Save a fold model; ``config`` is (resource, candidate) for :meth:`keep_only`."""
        if self.max_resources is not None and saved.n_resources >= self.max_resources:
            return
        folder = os.path.join(self.path, candidate)
        try:
            os.mkdir(folder)  # never makedirs: a closed store must not come back
        except FileExistsError:
            pass
        except OSError:
            return
        config_file = os.path.join(folder, "_config.joblib")
        if not os.path.exists(config_file):  # several folds may write it: same content
            _write_atomically(config_file, lambda f: joblib.dump(config, f))
        _write_atomically(self._file(candidate, fold), lambda f: joblib.dump(saved, f))

    def _count(self, n_units: int) -> None:
        name = os.path.join(self.path, "_units", f"{os.getpid()}-{uuid.uuid4().hex}.n")
        _write_atomically(name, lambda f: f.write(str(int(n_units)).encode()))


def _write_atomically(path: str, write: Any) -> None:
    """Write through a temporary file renamed onto ``path``.

    Skipped when the store is gone, and when the object cannot be pickled
    (e.g. a class defined inside a function): that model is then retrained
    at the next rung instead of continued.
    """
    folder = os.path.dirname(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    except OSError:  # the store was closed or the candidate dropped meanwhile
        return
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        _remove_file(tmp)
    except BaseException:
        _remove_file(tmp)
        raise


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _remove_file(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _remove_tree(path: str) -> None:
    for _ in range(3):  # a worker may still be writing; retry a little
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            return


# ----------------------------------------------------------------------------
# Continuing one model
# ----------------------------------------------------------------------------


def _continue(
    kind: str, old: Any, new: Any, resource: str, r0: int, r1: int, X: Any, y: Any, fit_params: dict
) -> tuple[Any, int]:
    """Train ``old`` (fitted at ``r0``) on to ``r1``; return it and the units trained.

    ``new`` is the unfitted estimator with the candidate's parameters at
    ``r1``. For a Pipeline, the fitted earlier steps of ``old`` transform
    ``X`` and only the last step goes on.
    """
    if isinstance(new, Pipeline):
        last_name = new.steps[-1][0]
        Xt = old[:-1].transform(X) if len(old.steps) > 1 else X
        last, units = _continue(
            kind, old.steps[-1][1], new.steps[-1][1], resource[len(last_name) + 2 :], r0, r1, Xt, y,
            _last_step_fit_params(new, fit_params),
        )
        result = clone(new)
        result.steps = list(old.steps[:-1]) + [(last_name, last)]
        return result, units
    before = _n_units(old, kind, resource, r0)
    if kind == "warm_start":
        model = old  # a private copy, just loaded
        warm_start = model.get_params()["warm_start"]
        model.set_params(warm_start=True, **{resource: r1})
        model.fit(X, y, **fit_params)
        model.set_params(warm_start=warm_start)
    else:
        model = clone(new).set_params(n_estimators=r1 - r0)
        previous = {"xgb_model": old.get_booster()} if kind == "xgboost" else {"init_model": old.booster_}
        model.fit(X, y, **previous, **fit_params)
        model.set_params(n_estimators=r1)
    return model, _n_units(model, kind, resource, r1) - before


def _last_step_fit_params(pipeline: Pipeline, fit_params: dict) -> dict:
    """The fit parameters a Pipeline would pass to its last step."""
    last_name = pipeline.steps[-1][0]
    if get_config().get("enable_metadata_routing", False):
        from sklearn.utils.metadata_routing import process_routing

        return dict(process_routing(pipeline, "fit", **fit_params)[last_name].fit)
    prefix = f"{last_name}__"
    return {k[len(prefix) :]: v for k, v in fit_params.items() if k.startswith(prefix)}


def _fit_units(model: Any, kind: str | None, resource: str, n_resources: int) -> int:
    while isinstance(model, Pipeline):
        name, model = model.steps[-1]
        resource = resource[len(name) + 2 :]
    return _n_units(model, kind, resource, n_resources)


# ----------------------------------------------------------------------------
# The wrapper
# ----------------------------------------------------------------------------


def _inner_has(method: str) -> Any:
    def check(self: ContinuedEstimator) -> bool:
        fitted = self.__dict__.get("estimator_")
        return hasattr(fitted if fitted is not None else self.estimator, method)

    return check


class ContinuedEstimator(MetaEstimatorMixin, BaseEstimator):
    """An estimator whose fits go on from the previous rung's model.

    The search uses it in place of its estimator while it runs a
    ``resource=<parameter>`` schedule. It behaves as the wrapped estimator
    to scikit-learn: :func:`~sklearn.base.clone`, ``set_params`` with the
    wrapped estimator's parameter names (``"max_depth"``, ``"clf__C"``,
    parameters taken through ``**kwargs``), ``is_classifier`` and tags,
    ``classes_`` and the other fitted attributes, and the prediction
    methods, so scorers and stratified CV work as without it.

    ``fit`` fits a clone of the wrapped estimator. With a ``store``, when
    the same candidate (all the wrapped estimator's parameters, except the
    resource) was fitted on the same training data (a fingerprint of ``X``, ``y`` and
    the fit parameters) with a smaller resource, that model is loaded and
    trained on to the new resource (see :func:`continuation_kind` for how);
    otherwise it is fitted from scratch. Below the store's
    ``max_resources`` the fitted model is saved for the next rung.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to fit, possibly a :class:`~sklearn.pipeline.Pipeline`.
    resource : str, default="n_estimators"
        The parameter a rung sets, in the search's names (``"max_iter"``,
        ``"clf__n_estimators"``).
    store : ContinuationStore, default=None
        Where fold models are saved and found. ``None`` retrains every fit.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted clone of ``estimator``.
    continued_from_ : int
        The resource of the model the last fit went on from; ``0`` when it
        was fitted from scratch.
    n_units_fit_ : int
        Rounds, trees or iterations trained by the last fit (a retrained
        fit counts its whole resource).

    Other fitted attributes (``classes_``, ``n_features_in_``,
    ``feature_importances_``, ...) are those of ``estimator_``.

    See Also
    --------
    ContinuationStore : the directory of saved fold models.
    continuation_kind : which estimators are continued, and how.

    Examples
    --------
    >>> from sklearn.base import clone
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> with ContinuationStore(max_resources=30) as store:
    ...     wrapped = ContinuedEstimator(RandomForestClassifier(random_state=0), store=store)
    ...     first = clone(wrapped).set_params(max_depth=3, n_estimators=10).fit(X, y)
    ...     second = clone(wrapped).set_params(max_depth=3, n_estimators=30).fit(X, y)
    ...     second.continued_from_, second.n_units_fit_, store.n_units_trained_
    (10, 20, 30)
    >>> second.estimator_.n_estimators, len(second.estimator_.estimators_)
    (30, 30)
    """

    def __init__(self, estimator: Any, resource: str = "n_estimators", store: ContinuationStore | None = None) -> None:
        self.estimator = estimator
        self.resource = resource
        self.store = store

    # -- parameters: the wrapped estimator's names --------------------------

    def get_params(self, deep: bool = True) -> dict:
        """Parameters of the wrapper and, with ``deep``, of the wrapped estimator.

        The wrapped estimator's parameters keep their own names (no
        ``estimator__`` prefix); they win over the wrapper's three names when
        both have one.

        Parameters
        ----------
        deep : bool, default=True
            Include the wrapped estimator's parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.

        Examples
        --------
        >>> from sklearn.svm import SVC
        >>> ContinuedEstimator(SVC(C=2.0), resource="max_iter").get_params()["C"]
        2.0
        """
        params = {name: getattr(self, name) for name in _OWN_PARAMS}
        if deep and hasattr(self.estimator, "get_params"):
            params.update(self.estimator.get_params(deep=True))
        return params

    def set_params(self, **params: Any) -> ContinuedEstimator:
        """Set parameters of the wrapper or, by their own names, of the wrapped estimator.

        The search calls it with its candidates' parameters, e.g.
        ``{"max_depth": 3, "n_estimators": 27}`` or ``{"clf__C": 1.0}``;
        they are forwarded to the wrapped estimator (which may accept names
        through ``**kwargs``).

        Parameters
        ----------
        **params : dict
            ``estimator``, ``resource``, ``store`` (unless the wrapped
            estimator has a parameter of that name), or parameters of the
            wrapped estimator.

        Returns
        -------
        self : ContinuedEstimator
            This estimator.

        Examples
        --------
        >>> from sklearn.svm import SVC
        >>> ContinuedEstimator(SVC(), resource="max_iter").set_params(C=3.0).estimator
        SVC(C=3.0)
        """
        inner_names = set(self.estimator.get_params(deep=True)) if hasattr(self.estimator, "get_params") else set()
        own = {k: params.pop(k) for k in _OWN_PARAMS if k in params and k not in inner_names}
        for name, value in own.items():
            setattr(self, name, value)
        if params:
            self.estimator.set_params(**params)
        return self

    # -- what the wrapped estimator is ---------------------------------------

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import get_tags

        return get_tags(self.estimator)

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        from sklearn.utils._tags import _safe_tags

        return dict(_safe_tags(self.estimator))

    @property
    def _estimator_type(self) -> str | None:  # scikit-learn < 1.6
        return getattr(self.estimator, "_estimator_type", None)

    def __sklearn_is_fitted__(self) -> bool:
        return "estimator_" in self.__dict__

    def __getattr__(self, name: str) -> Any:
        # Fitted attributes (classes_, n_features_in_, ...) come from estimator_.
        if name.endswith("_") and not name.startswith("__") and name != "estimator_":
            fitted = self.__dict__.get("estimator_")
            if fitted is not None:
                return getattr(fitted, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_metadata_routing(self) -> Any:
        """Route metadata as the wrapped estimator asks for it.

        Returns
        -------
        routing : MetadataRouter
            The wrapped estimator's requests, method for method.

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> routing = ContinuedEstimator(LogisticRegression(), "max_iter").get_metadata_routing()
        >>> type(routing).__name__
        'MetadataRouter'
        """
        from sklearn.utils.metadata_routing import MethodMapping, MetadataRouter

        mapping = MethodMapping()
        for method in _ROUTED_METHODS:
            mapping.add(caller=method, callee=method)
        return MetadataRouter(owner=type(self).__name__).add(estimator=self.estimator, method_mapping=mapping)

    # -- fit --------------------------------------------------------------------

    def fit(self, X: Any, y: Any = None, **fit_params: Any) -> ContinuedEstimator:
        """Fit the wrapped estimator, going on from a saved model when there is one.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), default=None
            Targets.
        **fit_params : dict
            Passed to the wrapped estimator's ``fit`` (routed, when metadata
            routing is enabled).

        Returns
        -------
        self : ContinuedEstimator
            The fitted wrapper.
        """
        inner_params = fit_params
        if get_config().get("enable_metadata_routing", False):
            from sklearn.utils.metadata_routing import process_routing

            inner_params = dict(process_routing(self, "fit", **fit_params).estimator.fit)
        n_resources = self._n_resources()
        kind = continuation_kind(self.estimator, self.resource)
        config = _config(self.estimator, self.resource) if kind is not None and self.store is not None else None
        slot = self._slot(config, X, y, inner_params) if config is not None else None
        saved = self.store._load(*slot) if slot is not None else None
        model, start, units = self._fit_or_continue(kind, saved, n_resources, X, y, inner_params)
        if slot is not None:
            self.store._save(*slot, _Saved(n_resources, model), (self.resource, config))
        if self.store is not None:
            self.store._count(units)
        self.estimator_ = model
        self.continued_from_ = start
        self.n_units_fit_ = units
        return self

    def _n_resources(self) -> Any:
        params = self.estimator.get_params(deep=True)
        if self.resource not in params:
            raise ValueError(
                f"resource={self.resource!r} is not a parameter of {type(self.estimator).__name__}; "
                "name one of its parameters, as in the search space (e.g. 'n_estimators' or "
                "'clf__n_estimators' for the step 'clf' of a Pipeline)."
            )
        return params[self.resource]

    def _slot(self, config: Any, X: Any, y: Any, fit_params: dict) -> tuple[str, str] | None:
        """(candidate, fold) digests naming the saved model; None: do not continue."""
        fold = _fold_fingerprint(X, y, fit_params)
        try:
            candidate = _config_digest(config)
        except Exception:  # an unpicklable parameter value: no continuation
            return None
        return (candidate, fold) if fold is not None else None

    def _fit_or_continue(
        self, kind: str | None, saved: _Saved | None, n_resources: Any, X: Any, y: Any, fit_params: dict
    ) -> tuple[Any, int, int]:
        """Return (fitted model, resource it went on from, units trained)."""
        usable = (
            saved is not None
            and _is_count(n_resources)
            and _is_count(saved.n_resources)
            and saved.n_resources <= n_resources
        )
        if usable and saved.n_resources == n_resources:  # a repeat: the model is there
            return saved.model, saved.n_resources, 0
        if usable:
            model, units = _continue(
                kind, saved.model, self.estimator, self.resource, saved.n_resources, n_resources, X, y, fit_params
            )
            return model, saved.n_resources, units
        model = clone(self.estimator).fit(X, y, **fit_params)
        units = _fit_units(model, kind, self.resource, n_resources) if kind is not None else n_resources
        return model, 0, units

    # -- predictions: the wrapped estimator's --------------------------------

    @available_if(_inner_has("predict"))
    def predict(self, X: Any, **params: Any) -> Any:
        """Predict with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        **params : dict
            Passed to ``estimator_.predict``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions.
        """
        return self.estimator_.predict(X, **params)

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X: Any, **params: Any) -> Any:
        """Class probabilities of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        **params : dict
            Passed to ``estimator_.predict_proba``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities.
        """
        return self.estimator_.predict_proba(X, **params)

    @available_if(_inner_has("predict_log_proba"))
    def predict_log_proba(self, X: Any, **params: Any) -> Any:
        """Log class probabilities of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        **params : dict
            Passed to ``estimator_.predict_log_proba``.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log probabilities.
        """
        return self.estimator_.predict_log_proba(X, **params)

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X: Any, **params: Any) -> Any:
        """Decision function of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        **params : dict
            Passed to ``estimator_.decision_function``.

        Returns
        -------
        scores : ndarray
            Decision values.
        """
        return self.estimator_.decision_function(X, **params)

    @available_if(_inner_has("transform"))
    def transform(self, X: Any, **params: Any) -> Any:
        """Transform with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        **params : dict
            Passed to ``estimator_.transform``.

        Returns
        -------
        Xt : array-like
            Transformed data.
        """
        return self.estimator_.transform(X, **params)

    @available_if(_inner_has("score"))
    def score(self, X: Any, y: Any = None, **params: Any) -> float:
        """Score of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : array-like of shape (n_samples,), default=None
            True targets.
        **params : dict
            Passed to ``estimator_.score``.

        Returns
        -------
        score : float
            The wrapped estimator's score.
        """
        return self.estimator_.score(X, y, **params)


def _is_count(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1
