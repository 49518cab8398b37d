"""Errors that skhpo raises inside a candidate's fit.

Like any error of a fit, they are recorded per ``error_score`` (a
``FitFailedWarning`` shows the first of each kind, and the search goes on);
with ``error_score="raise"`` they end the search, and can be caught.
"""

from __future__ import annotations

__all__ = ["TrialTimeoutError", "WorkerDiedError"]


class TrialTimeoutError(TimeoutError):
    """Fitting and scoring one candidate on one split ran past ``trial_timeout``.

    Examples
    --------
    >>> from skhpo.exceptions import TrialTimeoutError
    >>> issubclass(TrialTimeoutError, TimeoutError)
    True
    """


class WorkerDiedError(RuntimeError):
    """A candidate's fit took down the worker process that ran it (``n_jobs > 1``).

    The candidate is recorded as failed with this error, without another fit,
    once it has taken its worker down twice when evaluated on its own.

    Examples
    --------
    >>> from skhpo.exceptions import WorkerDiedError
    >>> issubclass(WorkerDiedError, RuntimeError)
    True
    """
