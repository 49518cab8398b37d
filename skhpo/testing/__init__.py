"""Utilities to test optimizers against the ask/tell protocol.

:func:`optimizer_checks` yields the conformance checks of one optimizer,
:func:`parametrize_optimizer_checks` turns them into pytest cases, and
:func:`check_optimizer` runs them all. An optimizer is given by a factory,
``factory(space, random_state)``, that builds a fresh one.
"""

from ._optimizer_checks import check_optimizer, optimizer_checks, parametrize_optimizer_checks

__all__ = ["check_optimizer", "optimizer_checks", "parametrize_optimizer_checks"]
