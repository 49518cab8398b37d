"""Warnings that point at the user's line, not at library internals.

A searcher's warnings are issued deep inside ``fit`` (skhpo's driver, called
by scikit-learn's ``BaseSearchCV.fit``, maybe inside joblib and
``cross_validate``). A fixed ``stacklevel`` would name one of those files; the
user wants the line of their own code that called ``fit``. Python 3.12 has
``warnings.warn(skip_file_prefixes=...)`` for this; we support 3.10, so the
level is counted here.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__: list[str] = []


def _package_dir(module_name: str) -> str | None:
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return os.path.dirname(os.path.abspath(path)) + os.sep if path else None


def _internal_prefixes() -> tuple[str, ...]:
    """Directories whose frames are library internals (skhpo, scikit-learn, joblib)."""
    dirs = (_package_dir(name) for name in ("skhpo", "sklearn", "joblib"))
    return tuple(d for d in dirs if d)


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` attributed to the first frame of user code.

    The first frame outside skhpo, scikit-learn and joblib; the outermost
    frame when there is none (e.g. in a worker process).

    Examples
    --------
    >>> import warnings
    >>> from skhpo._warn import warn_user
    >>> with warnings.catch_warnings(record=True) as record:
    ...     warnings.simplefilter("always")
    ...     warn_user("look here")
    >>> record[0].filename.endswith("_warn.py")
    False
    """
    prefixes = _internal_prefixes()
    frame = sys._getframe(1)  # the caller: stacklevel=2
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(prefixes):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
