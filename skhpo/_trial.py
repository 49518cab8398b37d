"""How one fit of one candidate on one split runs during a skhpo search.

scikit-learn's ``BaseSearchCV.fit`` dispatches every (candidate, split) to
``_fit_and_score``. While a skhpo search that needs it runs, the name that
``evaluate_candidates`` calls is replaced by :func:`_guarded_fit_and_score`
(see :class:`_Patch`). Candidates that need special handling are handed to
``evaluate_candidates`` as a :class:`_Trial`, a ``dict`` of their
parameters that also carries how to evaluate them:

* ``replay``: the results of a journaled evaluation, returned as they were
  recorded instead of fitting again (resuming a search);
* ``failure``: a candidate known to take down its worker process is not
  fitted again; its fits fail at once with this message;
* ``timeout``: fit and score of one split must finish within this many
  seconds (``trial_timeout``); past it, the fit fails with
  :class:`TrialTimeoutError`, and a worker process that does not come back
  from native code is stopped.

Every other call (plain ``dict`` parameters: other searches, scikit-learn's
own) goes to scikit-learn's function unchanged, so searches running in
other threads are not affected. The original is looked up in
``sklearn.model_selection._validation``, which is also what runs in worker
processes, where nothing is patched.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from typing import Any, Iterator

import numpy as np

from .exceptions import TrialTimeoutError, WorkerDiedError

__all__: list[str] = []

#: Seconds a worker process may run past its time limit before it is stopped.
_GRACE_MIN = 2.0
#: Seconds between repeated interruptions of a fit past its time limit.
_REPEAT = 0.5


class _Trial(dict):
    """The parameters of one candidate, plus how to evaluate them (see the module docstring)."""

    def __init__(
        self,
        params: dict,
        *,
        replay: list | None = None,
        failure: str | None = None,
        timeout: float | None = None,
        marker: str | None = None,
        main_pid: int | None = None,
    ) -> None:
        super().__init__(params)
        self.replay = replay
        self.failure = failure
        self.timeout = timeout
        self.marker = marker  # file written when the worker is stopped for time
        self.main_pid = os.getpid() if main_pid is None else main_pid

    def __reduce__(self) -> tuple:
        return (
            _rebuild_trial,
            (dict(self), self.replay, self.failure, self.timeout, self.marker, self.main_pid),
        )


def _rebuild_trial(params: dict, replay: Any, failure: Any, timeout: Any, marker: Any, main_pid: int) -> _Trial:
    return _Trial(params, replay=replay, failure=failure, timeout=timeout, marker=marker, main_pid=main_pid)


def _original_fit_and_score() -> Any:
    from sklearn.model_selection import _validation

    return _validation._fit_and_score


def _guarded_fit_and_score(*args: Any, **kwargs: Any) -> dict:
    """Stand-in for scikit-learn's ``_fit_and_score`` (see the module docstring)."""
    trial = kwargs.get("parameters")
    original = _original_fit_and_score()
    if not isinstance(trial, _Trial):
        return original(*args, **kwargs)
    kwargs["parameters"] = dict(trial)
    if trial.replay is not None:
        split = (kwargs.get("split_progress") or (0, 1))[0]
        return _replayed(trial.replay[split], kwargs)
    if trial.failure is not None:
        return original(_failing_estimator(trial.failure), *args[1:], **kwargs)
    if trial.timeout is None:
        return original(*args, **kwargs)
    message = f"fit and score of one split timed out after {trial.timeout:g} s (trial_timeout={trial.timeout:g})"
    start = time.monotonic()
    try:
        with _time_limit(trial.timeout, message, hard=os.getpid() != trial.main_pid, marker=trial.marker):
            out = original(*args, **kwargs)
    except TrialTimeoutError:
        out = None  # the limit struck outside the fit and the scorer, which record their own errors
    if out is None or time.monotonic() - start > trial.timeout:
        # Past the limit, whatever the fit did with the interruption (code
        # that catches every exception may have swallowed it): a failed fit.
        return original(_failing_estimator(message, TrialTimeoutError), *args[1:], **kwargs)
    return out


def _replayed(split: dict, kwargs: dict) -> dict:
    """A journaled result of one split, in the form ``_fit_and_score`` returns."""
    error_score = kwargs.get("error_score", np.nan)
    if isinstance(error_score, str) and (split["fit_error"] is not None or _has_none(split["test_scores"])):
        what = f"failed fit:\n{split['fit_error']}" if split["fit_error"] is not None else "scorer that raised"
        raise ValueError(
            f"The journal records that this candidate failed, and error_score={error_score!r} stops at "
            f"the first failure. It recorded a {what}"
        )
    out: dict = {}
    if kwargs.get("return_train_score"):
        out["train_scores"] = _scores_from_json(split["train_scores"], error_score)
    out["test_scores"] = _scores_from_json(split["test_scores"], error_score)
    if kwargs.get("return_n_test_samples"):
        out["n_test_samples"] = split["n_test_samples"]
    if kwargs.get("return_times"):
        out["fit_time"] = split["fit_time"]
        out["score_time"] = split["score_time"]
    if kwargs.get("return_parameters"):
        out["parameters"] = kwargs["parameters"]
    if kwargs.get("return_estimator"):
        out["estimator"] = None
    out["fit_error"] = split["fit_error"]
    return out


def _has_none(scores: Any) -> bool:
    """Whether journaled scores hold an ``error_score`` entry (``None``)."""
    if isinstance(scores, dict):
        return any(v is None for v in scores.values())
    return scores is None


def _scores_from_json(obj: Any, error_score: Any) -> Any:
    """Inverse of the journal's score encoding: ``None`` stands for ``error_score``."""
    if isinstance(obj, dict):
        return {name: _scores_from_json(v, error_score) for name, v in obj.items()}
    return error_score if obj is None else float(obj)


def _failing_estimator(message: str, error: type = WorkerDiedError) -> Any:
    """An estimator whose fit raises ``error(message)``: how a candidate fails without a fit."""
    from sklearn.base import BaseEstimator

    class _FailingEstimator(BaseEstimator):
        def set_params(self, **params: Any) -> "_FailingEstimator":
            return self

        def fit(self, *args: Any, **kwargs: Any) -> None:
            raise error(message)

    return _FailingEstimator()


# ----------------------------------------------------------------- time limits
@contextlib.contextmanager
def _time_limit(seconds: float, message: str, *, hard: bool, marker: str | None) -> Iterator[None]:
    """Raise :class:`TrialTimeoutError` in this thread if the block runs past ``seconds``.

    In a process's main thread (Unix), a ``SIGALRM`` timer: it interrupts
    sleeps and blocking calls, and Python code at once. In other threads, an
    asynchronous exception, raised at the thread's next Python instruction.
    Both strike again every :data:`_REPEAT` seconds until the block ends, in
    case the code catches the first one (the caller also fails a result that
    came back late). Neither can stop native code that never returns to
    Python; so in a worker process (``hard``), a watchdog ends the process
    ``_GRACE_MIN`` seconds (or a quarter of the limit) later, after writing
    ``marker``, and the driver records the candidate as timed out.
    """
    use_alarm = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0.0  # no limit of an outer search running
    )
    armed = [True]  # read by the handlers: nothing is raised once the block has ended
    lock = threading.Lock()
    watchers: list = []
    target = threading.get_ident()
    previous: Any = None
    if use_alarm:

        def on_alarm(signum: int, frame: Any) -> None:
            if armed[0]:
                raise TrialTimeoutError(message)

        previous = signal.signal(signal.SIGALRM, on_alarm)
    else:

        def interrupt() -> None:
            with lock:
                if not armed[0]:
                    return
                _raise_in_thread(target, _timeout_class(message))
                again = threading.Timer(min(_REPEAT, seconds), interrupt)
                again.daemon = True
                watchers.append(again)
                again.start()

        watchers.append(threading.Timer(seconds, interrupt))
    if hard:

        def stop_worker() -> None:
            if not armed[0]:
                return
            if marker is not None:
                with contextlib.suppress(OSError), open(marker, "w") as f:
                    f.write(message)
            os._exit(70)

        watchers.append(threading.Timer(seconds + max(_GRACE_MIN, 0.25 * seconds), stop_worker))
    for w in list(watchers):
        w.daemon = True
        w.start()
    try:
        if use_alarm:  # armed last, inside the try: the cleanup below always follows
            signal.setitimer(signal.ITIMER_REAL, seconds, min(_REPEAT, seconds))
        yield
    finally:
        # An interruption may strike while this cleanup runs (before the
        # first statement of _disarm): run it again until it completes.
        while True:
            try:
                _disarm(armed, lock, use_alarm, previous, watchers, target)
                break
            except TrialTimeoutError:
                continue


def _disarm(armed: list, lock: Any, use_alarm: bool, previous: Any, watchers: list, target: int) -> None:
    """End a time limit (see :func:`_time_limit`); every step may be repeated."""
    armed[0] = False
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)
    else:
        with lock:
            _raise_in_thread(target, None)  # drop one not yet raised
    for w in list(watchers):
        w.cancel()


def _timeout_class(message: str) -> type:
    """A :class:`TrialTimeoutError` subclass whose no-argument instances carry ``message``.

    An asynchronous exception is given as a class and raised without
    arguments, so the message travels with the class.
    """
    return type(
        "TrialTimeoutError",
        (TrialTimeoutError,),
        {"__init__": lambda self: TrialTimeoutError.__init__(self, message), "__module__": TrialTimeoutError.__module__},
    )


def _raise_in_thread(ident: int, exc_type: type | None) -> None:
    """Raise ``exc_type`` in thread ``ident`` at its next instruction (None: cancel)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exc_type) if exc_type is not None else None
    )


# ------------------------------------------------------ patching scikit-learn
class _Patch:
    """Replace ``module.name`` by ``replacement`` while at least one user needs it.

    Counted across threads: the first user installs, the last one restores,
    so outside a running skhpo search scikit-learn is exactly as shipped.
    ``with patch as ok`` yields False (and changes nothing) when the module
    has no such name (another scikit-learn version): the caller falls back.
    """

    def __init__(self, module: Any, name: str, replacement: Any) -> None:
        self.module, self.name, self.replacement = module, name, replacement
        self.original: Any = None
        self.n_users = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def installed(self) -> Iterator[bool]:
        with self._lock:
            current = getattr(self.module, self.name, None)
            if self.n_users == 0:
                ok = current is not None
                if ok:
                    self.original = current
                    setattr(self.module, self.name, self.replacement)
            else:
                ok = current is self.replacement
            if ok:
                self.n_users += 1
        try:
            yield ok
        finally:
            if ok:
                with self._lock:
                    self.n_users -= 1
                    if self.n_users == 0:
                        setattr(self.module, self.name, self.original)
                        self.original = None
