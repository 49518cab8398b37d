"""Journal and resume, per-trial time limits and crashed worker processes (issue 18).

Every searcher shares these through the driver; the journal tests run each
public searcher, the others mostly TPESearchCV (the mechanism is the same).
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

import skhpo._search_base as driver
from skhpo._params import _params_key, _value_key
from skhpo import BayesSearchCV, EvolutionSearchCV, HalvingBOHBSearchCV, TPESearchCV

X_IRIS, Y_IRIS = load_iris(return_X_y=True)


def _same_results(a, b):
    """cv_results_ equal apart from times; the same best candidate."""
    assert set(a.cv_results_) == set(b.cv_results_)
    for key in a.cv_results_:
        if "time" in key:
            continue
        va, vb = a.cv_results_[key], b.cv_results_[key]
        if key == "params":
            assert [_params_key(p) for p in va] == [_params_key(p) for p in vb]
        elif np.ma.isMaskedArray(va):  # param_* columns; only unmasked entries mean anything
            mask = np.ma.getmaskarray(va)
            np.testing.assert_array_equal(mask, np.ma.getmaskarray(vb), err_msg=key)
            # estimators compare by class and parameters
            assert [_value_key(v) for v in np.asarray(va)[~mask]] == [_value_key(v) for v in np.asarray(vb)[~mask]]
        else:
            assert np.asarray(va).dtype == np.asarray(vb).dtype, key
            np.testing.assert_array_equal(np.asarray(va), np.asarray(vb), err_msg=key)
    assert _params_key(a.best_params_) == _params_key(b.best_params_)
    assert a.best_index_ == b.best_index_


class CountingClassifier(ClassifierMixin, BaseEstimator):
    """Predicts the class of the nearest class mean scaled by ``a``; counts its fits."""

    n_fits = 0

    def __init__(self, a=1.0, fail_above=None):
        self.a = a
        self.fail_above = fail_above

    def fit(self, X, y):
        type(self).n_fits += 1
        if self.fail_above is not None and self.a > self.fail_above:
            raise ValueError("deliberate failure")
        self.classes_ = np.unique(y)
        self.means_ = np.array([X[y == c].mean(axis=0) for c in self.classes_]) * self.a
        return self

    def predict(self, X):
        d = ((X[:, None, :] - self.means_[None]) ** 2).sum(axis=2)
        return self.classes_[d.argmin(axis=1)]


SEARCHERS = {
    "tpe": lambda **kw: TPESearchCV(
        SVC(), {"C": (1e-2, 1e2, "log-uniform"), "kernel": ["rbf", "linear"]}, cv=3, random_state=0, **kw
    ),
    "gp": lambda **kw: BayesSearchCV(
        SVC(), {"C": (1e-2, 1e2, "log-uniform"), "gamma": (1e-3, 1.0, "log-uniform")}, cv=3,
        random_state=0, n_initial_points=3, **kw
    ),
    "evolution": lambda **kw: EvolutionSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": (1, 8), "min_samples_leaf": (1, 20)},
        cv=3, random_state=0, population_size=4, **kw
    ),
    "cash": lambda **kw: TPESearchCV(
        Pipeline([("scale", StandardScaler()), ("clf", SVC())]),
        [
            {"clf": [SVC()], "clf__C": (1e-2, 1e2, "log-uniform")},
            {"clf": [LogisticRegression(max_iter=300)], "clf__C": (1e-2, 1e2, "log-uniform")},
            {"clf": [DecisionTreeClassifier(random_state=0)], "clf__max_depth": (1, 6)},
        ],
        cv=3, random_state=0, n_points=2, **kw
    ),
}


@pytest.mark.parametrize("name", sorted(SEARCHERS))
def test_a_resumed_search_equals_an_uninterrupted_one(name, tmp_path):
    make = SEARCHERS[name]
    path = tmp_path / "search.jsonl"
    full = make(n_iter=10).fit(X_IRIS, Y_IRIS)
    make(n_iter=5, journal=path).fit(X_IRIS, Y_IRIS)
    resumed = make(n_iter=10, journal=path).fit(X_IRIS, Y_IRIS)
    _same_results(full, resumed)
    # Every evaluation is in the file once: a header, then one line per batch.
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "skhpo-journal/1"
    assert sum(len(json.loads(ln)["candidates"]) for ln in lines[1:]) == len(full.cv_results_["params"])


def test_resumed_candidates_are_not_fitted_again(tmp_path):
    path = tmp_path / "j.jsonl"
    space = {"a": (0.5, 2.0)}
    kw = dict(cv=3, random_state=1, journal=path)
    CountingClassifier.n_fits = 0
    first = TPESearchCV(CountingClassifier(), space, n_iter=6, refit=False, **kw).fit(X_IRIS, Y_IRIS)
    assert CountingClassifier.n_fits == 6 * 3
    CountingClassifier.n_fits = 0
    again = TPESearchCV(CountingClassifier(), space, n_iter=6, refit=False, **kw).fit(X_IRIS, Y_IRIS)
    assert CountingClassifier.n_fits == 0  # everything came from the journal
    _same_results(first, again)
    CountingClassifier.n_fits = 0
    more = TPESearchCV(CountingClassifier(), space, n_iter=8, refit=False, **kw).fit(X_IRIS, Y_IRIS)
    assert CountingClassifier.n_fits == 2 * 3  # only the two new candidates
    assert more.cv_results_["params"][:6] == first.cv_results_["params"]


def test_failures_are_journaled_and_replayed_with_the_current_error_score(tmp_path):
    path = tmp_path / "j.jsonl"
    kw = dict(cv=3, random_state=0, journal=path, n_iter=8)
    est = CountingClassifier(fail_above=1.2)
    with pytest.warns(FitFailedWarning):
        first = TPESearchCV(est, {"a": (0.5, 2.0)}, **kw).fit(X_IRIS, Y_IRIS)
    failed = np.isnan(first.cv_results_["mean_test_score"])
    assert 0 < failed.sum() < 8
    with pytest.warns(FitFailedWarning):
        again = TPESearchCV(est, {"a": (0.5, 2.0)}, error_score=-1.0, **kw).fit(X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(again.cv_results_["mean_test_score"][failed], -1.0)
    assert again.best_params_ == first.best_params_
    records = [json.loads(ln) for ln in path.read_text().splitlines()[1:]]
    errors = [s["fit_error"] for r in records for c in r["candidates"] for s in c["splits"]]
    assert sum(e is not None and "deliberate failure" in e for e in errors) == 3 * failed.sum()


def test_estimator_choices_are_stored_by_index_and_the_file_is_plain_json(tmp_path):
    path = tmp_path / "j.jsonl"
    SEARCHERS["cash"](n_iter=6, journal=path).fit(X_IRIS, Y_IRIS)
    for line in path.read_text().splitlines()[1:]:
        for cand in json.loads(line)["candidates"]:
            assert isinstance(cand["candidate"]["params"]["clf"], int)
            assert all(isinstance(v, (int, float)) for v in cand["candidate"]["params"].values())


def test_a_multi_fidelity_search_resumes_rung_by_rung(tmp_path):
    path = tmp_path / "j.jsonl"

    def make(**kw):
        return HalvingBOHBSearchCV(
            DecisionTreeClassifier(random_state=0), {"max_depth": (1, 8), "min_samples_leaf": (1, 10)},
            n_iter=6, cv=3, random_state=0, min_resources=20, **kw,
        )

    full = make(journal=path).fit(X_IRIS, Y_IRIS)
    lines = path.read_text().splitlines(keepends=True)
    budgets = [json.loads(ln)["budget"] for ln in lines[1:]]
    assert len(set(budgets)) > 1  # rungs at several budgets were journaled
    for keep in (2, len(lines) // 2, len(lines) - 1):  # killed after keep - 1 rungs
        path.write_text("".join(lines[:keep]))
        _same_results(full, make(journal=path).fit(X_IRIS, Y_IRIS))
        again = path.read_text().splitlines()
        assert [_untimed(ln) for ln in again] == [_untimed(ln) for ln in lines]  # the same rungs again


def _untimed(line):
    rec = json.loads(line)
    for cand in rec.get("candidates", ()):
        for split in cand["splits"]:
            del split["fit_time"], split["score_time"]
    return rec


def test_parallel_search_resumes_to_the_same_result(tmp_path):
    path = tmp_path / "j.jsonl"
    make = SEARCHERS["cash"]
    full = make(n_iter=8).fit(X_IRIS, Y_IRIS)
    make(n_iter=4, journal=path, n_jobs=2).fit(X_IRIS, Y_IRIS)
    resumed = make(n_iter=8, journal=path, n_jobs=2).fit(X_IRIS, Y_IRIS)
    _same_results(full, resumed)


@pytest.mark.parametrize(
    "change, what",
    [
        (dict(search_spaces={"C": (1e-3, 1e2, "log-uniform"), "kernel": ["rbf", "linear"]}), "search space"),
        (dict(estimator=LogisticRegression(), search_spaces={"C": (1e-2, 1e2, "log-uniform")}), "estimator"),
        (dict(scoring="balanced_accuracy"), "scoring"),
        (dict(cv=KFold(3, shuffle=True, random_state=1)), "cv splits"),
        (dict(random_state=1), "settings"),
        (dict(n_points=2), "settings"),
    ],
)
def test_a_journal_of_another_search_is_refused_naming_what_differs(tmp_path, change, what):
    path = tmp_path / "j.jsonl"
    SEARCHERS["tpe"](n_iter=3, journal=path).fit(X_IRIS, Y_IRIS)
    before = path.read_text()
    search = SEARCHERS["tpe"](n_iter=3, journal=path).set_params(**change)
    CountingClassifier.n_fits = 0
    with pytest.raises(ValueError, match=f"different search.*{what}"):
        search.fit(X_IRIS, Y_IRIS)
    assert path.read_text() == before  # nothing mixed in


def test_a_journal_of_other_data_is_refused(tmp_path):
    path = tmp_path / "j.jsonl"
    SEARCHERS["tpe"](n_iter=3, journal=path).fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match=r"data differs.*X \(150, 3\)"):
        SEARCHERS["tpe"](n_iter=3, journal=path).fit(X_IRIS[:, :3], Y_IRIS)


def test_a_torn_last_line_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "j.jsonl"
    full = SEARCHERS["tpe"](n_iter=6).fit(X_IRIS, Y_IRIS)
    SEARCHERS["tpe"](n_iter=4, journal=path).fit(X_IRIS, Y_IRIS)
    text = path.read_text()
    path.write_text(text[: len(text) - 40])  # killed while writing the last batch
    with pytest.warns(UserWarning, match="last line is incomplete"):
        resumed = SEARCHERS["tpe"](n_iter=6, journal=path).fit(X_IRIS, Y_IRIS)
    _same_results(full, resumed)
    for line in path.read_text().splitlines():  # the torn bytes are gone from the file
        json.loads(line)


def test_a_corrupt_middle_line_is_an_error(tmp_path):
    path = tmp_path / "j.jsonl"
    SEARCHERS["tpe"](n_iter=4, journal=path).fit(X_IRIS, Y_IRIS)
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = "{not json\n"
    path.write_text("".join(lines))
    with pytest.raises(ValueError, match="line 2 is not valid JSON"):
        SEARCHERS["tpe"](n_iter=4, journal=path).fit(X_IRIS, Y_IRIS)


def test_a_file_that_is_not_a_journal_is_refused(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": 1}\n')
    with pytest.raises(ValueError, match="not a skhpo journal header"):
        SEARCHERS["tpe"](n_iter=2, journal=path).fit(X_IRIS, Y_IRIS)


@pytest.mark.parametrize(
    "kw, err, match",
    [
        (dict(journal="j.jsonl", random_state=None), ValueError, "journal needs random_state set to an int"),
        (dict(journal="j.jsonl", random_state=np.random.RandomState(0)), ValueError, "random_state"),
        (dict(journal=3), TypeError, "journal must be None or a file path"),
        (dict(journal=""), TypeError, "journal must be None or a file path"),
        (dict(trial_timeout=0), ValueError, "trial_timeout must be None or a number of seconds > 0"),
        (dict(trial_timeout=-1.0), ValueError, "trial_timeout"),
        (dict(trial_timeout=float("inf")), ValueError, "trial_timeout"),
        (dict(trial_timeout="10"), ValueError, "trial_timeout"),
        (dict(trial_timeout=True), ValueError, "trial_timeout"),
    ],
)
def test_bad_reliability_parameters_fail_before_any_fit(tmp_path, monkeypatch, kw, err, match):
    monkeypatch.chdir(tmp_path)
    CountingClassifier.n_fits = 0
    search = TPESearchCV(CountingClassifier(), {"a": (0.5, 2.0)}, n_iter=2, cv=3, random_state=0)
    with pytest.raises(err, match=match):
        search.set_params(**kw).fit(X_IRIS, Y_IRIS)
    assert CountingClassifier.n_fits == 0
    assert not (tmp_path / "j.jsonl").exists()


def test_without_scikit_learns_fit_and_score_journal_and_timeout_are_refused(monkeypatch, tmp_path):
    # A scikit-learn whose search module does not call _fit_and_score by that
    # name: the guard cannot be installed. journal/trial_timeout say so before
    # any fit; a search without them runs as before.
    monkeypatch.setattr(driver, "_FIT_AND_SCORE_NAME", "_a_name_scikit_learn_does_not_have")
    for kw in (dict(journal=tmp_path / "j.jsonl"), dict(trial_timeout=5)):
        with pytest.raises(RuntimeError, match="journal and trial_timeout need scikit-learn's"):
            SEARCHERS["tpe"](n_iter=2, **kw).fit(X_IRIS, Y_IRIS)
    search = SEARCHERS["tpe"](n_iter=3).fit(X_IRIS, Y_IRIS)
    assert len(search.cv_results_["params"]) == 3


def test_scikit_learn_is_restored_after_the_search(tmp_path):
    from sklearn.model_selection import _search as sk_search

    original = sk_search._fit_and_score
    SEARCHERS["tpe"](n_iter=2, journal=tmp_path / "j.jsonl", trial_timeout=30).fit(X_IRIS, Y_IRIS)
    assert sk_search._fit_and_score is original
    with pytest.raises(ValueError):
        SEARCHERS["tpe"](n_iter=2, scoring="no such metric").fit(X_IRIS, Y_IRIS)
    assert sk_search._fit_and_score is original


# ------------------------------------------------------------ killed searches
_KILLED_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC
    from skhpo import TPESearchCV
    X, y = load_iris(return_X_y=True)
    search = TPESearchCV(SVC(), {{"C": (1e-2, 1e2, "log-uniform"), "kernel": ["rbf", "linear"]}},
                         n_iter=200, cv=3, random_state=0, journal=sys.argv[1])
    search.fit(X, y)
    """
)


@pytest.mark.parametrize("kill_after", [2, 5, 9])
def test_a_search_killed_with_sigkill_resumes_to_the_same_result(tmp_path, kill_after):
    path = tmp_path / "j.jsonl"
    script = tmp_path / "search.py"
    script.write_text(_KILLED_SCRIPT.format(root=os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    proc = subprocess.Popen([sys.executable, str(script), str(path)], env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists() and path.read_bytes().count(b"\n") >= kill_after + 1:
                break
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    n_batches = path.read_bytes().count(b"\n") - 1
    assert kill_after <= n_batches < 200
    n_iter = n_batches + 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a torn last line, if killed mid-write
        resumed = SEARCHERS["tpe"](n_iter=n_iter, journal=path).fit(X_IRIS, Y_IRIS)
    _same_results(SEARCHERS["tpe"](n_iter=n_iter).fit(X_IRIS, Y_IRIS), resumed)


# ---------------------------------------------------------------- time limits
class Sleeper(ClassifierMixin, BaseEstimator):
    """Fits at once for ``a <= 0.7``; above, sleeps (or spins, or ignores alarms) for a minute."""

    def __init__(self, a=0.5, mode="sleep"):
        self.a = a
        self.mode = mode

    def fit(self, X, y):
        if self.a > 0.7:
            if self.mode == "sleep":
                time.sleep(60)
            elif self.mode == "spin":
                end = time.monotonic() + 60
                while time.monotonic() < end:
                    pass
            elif self.mode == "deaf":  # stands for native code that never returns to Python
                signal.signal(signal.SIGALRM, signal.SIG_IGN)
                time.sleep(60)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _timed_search(mode, n_jobs, **kw):
    # Three candidates, one of them slow.
    search = TPESearchCV(
        Sleeper(mode=mode), {"a": [0.2, 0.5, 0.9]}, n_iter=3, cv=2, random_state=0, n_jobs=n_jobs,
        trial_timeout=1.0, **kw,
    )
    start = time.monotonic()
    with pytest.warns(FitFailedWarning, match="timed out after 1 s") as record:
        search.fit(X_IRIS, Y_IRIS)
    return search, time.monotonic() - start, record


@pytest.mark.parametrize("mode, n_jobs", [("sleep", 1), ("spin", 1), ("sleep", 2)])
def test_a_hung_fit_costs_one_candidate(mode, n_jobs):
    search, elapsed, _ = _timed_search(mode, n_jobs)
    a = np.array([p["a"] for p in search.cv_results_["params"]])
    scores = search.cv_results_["mean_test_score"]
    np.testing.assert_array_equal(np.isnan(scores), a > 0.7)  # exactly the slow one failed
    assert search.best_params_["a"] <= 0.7
    # Without the limit one slow fit alone takes 60 s (a correctness check, not a benchmark).
    assert elapsed < 50


def test_a_worker_stopped_for_time_says_so(tmp_path):
    # SIGALRM ignored: only the watchdog can free the worker; the failure says why.
    search, _, record = _timed_search("deaf", 2, journal=tmp_path / "j.jsonl")
    messages = " ".join(str(w.message) for w in record)
    assert "its worker process was stopped" in messages
    records = [json.loads(ln) for ln in (tmp_path / "j.jsonl").read_text().splitlines()[1:]]
    assert sum(len(r["candidates"]) for r in records) == len(search.cv_results_["params"])


def test_a_time_limit_in_a_thread_other_than_the_main_one():
    # No SIGALRM outside the main thread: Python code is interrupted at its next instruction.
    box = {}

    def run():
        box["search"] = TPESearchCV(
            Sleeper(mode="spin"), {"a": (0.0, 1.0)}, n_iter=5, cv=2, random_state=0, trial_timeout=1.0,
        )
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            box["search"].fit(X_IRIS, Y_IRIS)
        box["warnings"] = [str(x.message) for x in w]

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert not thread.is_alive()
    search = box["search"]
    a = np.array([p["a"] for p in search.cv_results_["params"]])
    np.testing.assert_array_equal(np.isnan(search.cv_results_["mean_test_score"]), a > 0.7)
    assert any("timed out after 1 s" in m for m in box["warnings"])


# ------------------------------------------------------------- crashed workers
class Crasher(ClassifierMixin, BaseEstimator):
    """Takes its worker process down (``os._exit``) for ``a > 0.7``."""

    def __init__(self, a=0.5):
        self.a = a

    def fit(self, X, y):
        if self.a > 0.7:
            os._exit(3)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


@pytest.mark.parametrize("n_points", [1, 3])
def test_a_fit_that_kills_its_worker_costs_only_its_candidate(tmp_path, n_points):
    path = tmp_path / "j.jsonl"
    # Three candidates, one of which takes its worker down.
    search = TPESearchCV(
        Crasher(), {"a": [0.2, 0.5, 0.9]}, n_iter=3, cv=2, random_state=0, n_jobs=2, n_points=n_points, journal=path,
    )
    with pytest.warns(FitFailedWarning, match="worker process fitting this candidate died"):
        search.fit(X_IRIS, Y_IRIS)
    a = np.array([p["a"] for p in search.cv_results_["params"]])
    assert len(a) == 3
    np.testing.assert_array_equal(np.isnan(search.cv_results_["mean_test_score"]), a > 0.7)
    # The journal keeps everything, the failures too; resuming refits nothing.
    records = [json.loads(ln) for ln in path.read_text().splitlines()[1:]]
    assert sum(len(r["candidates"]) for r in records) == 3
    with pytest.warns(FitFailedWarning):
        again = TPESearchCV(
            Crasher(), {"a": [0.2, 0.5, 0.9]}, n_iter=3, cv=2, random_state=0, n_jobs=1, n_points=n_points, journal=path,
        ).fit(X_IRIS, Y_IRIS)  # n_jobs=1: a refit crasher would kill this test process
    _same_results(search, again)


def _accuracy_and_f1(est, X, y):
    from sklearn.metrics import accuracy_score, f1_score

    pred = est.predict(X)
    return {"acc": accuracy_score(y, pred), "f1": f1_score(y, pred, average="macro")}


@pytest.mark.parametrize(
    "make",
    [
        # Several metrics with train scores; a callable returning a dict.
        lambda **kw: TPESearchCV(
            SVC(), {"C": (1e-2, 1e2, "log-uniform")}, scoring=["accuracy", "f1_macro"], refit="f1_macro",
            return_train_score=True, n_iter=6, cv=3, random_state=0, **kw,
        ),
        lambda **kw: TPESearchCV(
            SVC(), {"C": (1e-2, 1e2, "log-uniform")}, scoring=_accuracy_and_f1, refit="acc",
            n_iter=6, cv=3, random_state=0, **kw,
        ),
        # Models continued from rung to rung: a replayed rung leaves no model to continue.
        lambda **kw: HalvingBOHBSearchCV(
            _forest(), {"max_depth": (2, 8)}, resource="n_estimators", min_resources=3, max_resources=27,
            n_iter=4, cv=3, random_state=0, **kw,
        ),
    ],
    ids=["multimetric", "callable-dict", "continued-forest"],
)
def test_resume_with_several_metrics_and_continued_models(tmp_path, make):
    path = tmp_path / "j.jsonl"
    full = make(journal=path).fit(X_IRIS, Y_IRIS)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2 + 1]))
    _same_results(full, make(journal=path).fit(X_IRIS, Y_IRIS))


def _forest():
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(random_state=0, n_jobs=1)


# ------------------------------------------------------------ review findings
def test_cv_given_as_an_iterator_of_splits(tmp_path):
    # A generator of splits is read once, by scikit-learn and by the driver alike.
    def splits():
        return KFold(3, shuffle=True, random_state=0).split(X_IRIS)

    plain = SEARCHERS["tpe"](n_iter=3).set_params(cv=splits()).fit(X_IRIS, Y_IRIS)
    assert plain.n_splits_ == 3 and len(plain.cv_results_["params"]) == 3
    path = tmp_path / "j.jsonl"
    first = SEARCHERS["tpe"](n_iter=3, journal=path).set_params(cv=splits()).fit(X_IRIS, Y_IRIS)
    _same_results(first, SEARCHERS["tpe"](n_iter=3, journal=path).set_params(cv=splits()).fit(X_IRIS, Y_IRIS))


def _fbeta(beta):
    from sklearn.metrics import fbeta_score, make_scorer

    return make_scorer(fbeta_score, beta=beta, average="macro")


@pytest.mark.parametrize(
    "first, second, what",
    [
        (dict(), dict(estimator=SVC(gamma=0.5)), "estimator"),  # the estimator's own settings
        (dict(scoring=_fbeta(0.1)), dict(scoring=_fbeta(10.0)), "scoring"),  # a scorer's arguments
    ],
)
def test_a_journal_of_other_settings_is_refused(tmp_path, first, second, what):
    path = tmp_path / "j.jsonl"
    SEARCHERS["tpe"](n_iter=2, journal=path).set_params(**first).fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match=f"different search.*{what}"):
        SEARCHERS["tpe"](n_iter=2, journal=path).set_params(**second).fit(X_IRIS, Y_IRIS)


def test_a_journal_of_other_data_or_fit_parameters_is_refused(tmp_path):
    path = tmp_path / "j.jsonl"
    est = LogisticRegression(max_iter=300)
    make = lambda: TPESearchCV(est, {"C": (1e-2, 1e2, "log-uniform")}, n_iter=2, cv=3, random_state=0, journal=path)  # noqa: E731
    make().fit(X_IRIS, Y_IRIS)
    X_other = X_IRIS + 1.0  # the same shape, other values
    with pytest.raises(ValueError, match="different search.*data"):
        make().fit(X_other, Y_IRIS)
    with pytest.raises(ValueError, match="different search.*fit parameters"):
        make().fit(X_IRIS, Y_IRIS, sample_weight=np.linspace(1, 2, len(Y_IRIS)))


class ScorerBreaks(ClassifierMixin, BaseEstimator):
    """Fits, but its predictions make the scorer raise for ``a > 0.7``."""

    def __init__(self, a=0.5):
        self.a = a

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        if self.a > 0.7:
            raise RuntimeError("scorer broke")
        return np.full(len(X), self.classes_[0])


def test_a_journaled_scorer_failure_stops_a_search_with_error_score_raise(tmp_path):
    path = tmp_path / "j.jsonl"
    kw = dict(n_iter=3, cv=2, random_state=0, journal=path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        TPESearchCV(ScorerBreaks(), {"a": [0.2, 0.5, 0.9]}, **kw).fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match="journal records that this candidate failed.*scorer that raised"):
        TPESearchCV(ScorerBreaks(), {"a": [0.2, 0.5, 0.9]}, error_score="raise", **kw).fit(X_IRIS, Y_IRIS)


class Swallower(ClassifierMixin, BaseEstimator):
    """For ``a > 0.7``, runs 4 s catching every exception (as a nested search may)."""

    def __init__(self, a=0.5):
        self.a = a

    def fit(self, X, y):
        if self.a > 0.7:
            end = time.monotonic() + 4
            while time.monotonic() < end:
                try:
                    time.sleep(0.05)
                except Exception:
                    pass
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_a_fit_that_swallows_the_interruption_still_fails_for_time():
    search = TPESearchCV(Swallower(), {"a": [0.2, 0.5, 0.9]}, n_iter=3, cv=2, random_state=0, trial_timeout=0.5)
    with pytest.warns(FitFailedWarning, match="timed out after 0.5 s"):
        search.fit(X_IRIS, Y_IRIS)
    a = np.array([p["a"] for p in search.cv_results_["params"]])
    np.testing.assert_array_equal(np.isnan(search.cv_results_["mean_test_score"]), a > 0.7)


def test_a_time_limit_always_cleans_up():
    # Limits that strike at every stage, also during their own cleanup: the
    # alarm handler and timer are restored each time and nothing else escapes.
    from skhpo._trial import _time_limit
    from skhpo.exceptions import TrialTimeoutError

    handler = signal.getsignal(signal.SIGALRM)
    n_struck = 0
    for _ in range(300):
        try:
            with _time_limit(0.002, "t", hard=False, marker=None):
                end = time.perf_counter() + 0.002
                while time.perf_counter() < end:
                    pass
        except TrialTimeoutError:
            n_struck += 1
        assert signal.getsignal(signal.SIGALRM) is handler
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert n_struck > 0


def test_spaces_whose_text_is_abbreviated_the_same_are_told_apart(tmp_path):
    from sklearn.neighbors import KNeighborsClassifier

    path = tmp_path / "j.jsonl"
    every = list(range(1, 20))
    but_ten = [v for v in every if v != 10]  # the same first and last values, as the repr shows them
    TPESearchCV(KNeighborsClassifier(), {"n_neighbors": every}, n_iter=2, cv=3, random_state=0, journal=path).fit(
        X_IRIS, Y_IRIS
    )
    with pytest.raises(ValueError, match="different search.*search space"):
        TPESearchCV(
            KNeighborsClassifier(), {"n_neighbors": but_ten}, n_iter=2, cv=3, random_state=0, journal=path
        ).fit(X_IRIS, Y_IRIS)
