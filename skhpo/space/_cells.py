"""Cells of a discrete unit coordinate: the one place their arithmetic lives.

A column with ``k`` values (the choices of a categorical or an ordinal, the
sub-spaces of a root column) splits ``[0, 1]`` into ``k`` equal cells: value
``i`` owns ``[i / k, (i + 1) / k)`` and its canonical coordinate is the
cell's middle, ``(i + 0.5) / k``. The space, its dimensions and every
optimizer that reads or writes such a column use these two functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["cell_index", "cell_middle"]


def cell_index(u: Any, k: Any) -> Any:
    """Index of the cell of ``k`` equal cells that holds each unit coordinate.

    Parameters
    ----------
    u : float or ndarray
        Unit coordinates; values outside ``[0, 1]`` fall in the end cells.
        ``NaN`` stays ``NaN``.
    k : int or ndarray
        Number of cells (broadcast against ``u``).

    Returns
    -------
    float or ndarray
        Whole numbers from ``0`` to ``k - 1``, as floats; cast them to
        ``int`` to index.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.space._cells import cell_index
    >>> cell_index(np.array([0.0, 0.33, 0.34, 1.0, 1.5]), 3).tolist()
    [0.0, 0.0, 1.0, 2.0, 2.0]
    """
    return np.minimum(np.maximum(np.floor(u * k), 0), k - 1)


def cell_middle(i: Any, k: Any) -> Any:
    """Canonical unit coordinate of value ``i`` of ``k``: the middle of its cell.

    Parameters
    ----------
    i : int or ndarray
        Value indices, ``0`` to ``k - 1``.
    k : int or ndarray
        Number of cells (broadcast against ``i``).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from skhpo.space._cells import cell_middle
    >>> cell_middle(1, 4)
    0.375
    """
    return (i + 0.5) / k
