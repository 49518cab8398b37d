"""The Matérn 5/2 kernel with one length scale per input dimension (ARD).

For inputs ``a`` and ``b`` with length scales ``ell`` and signal variance
``s2``, let ``r = || (a - b) / ell ||``. The kernel is

.. math::

    k(a, b) = s2 \\, (1 + \\sqrt{5} r + 5 r^2 / 3) \\, e^{-\\sqrt{5} r}

(Rasmussen & Williams, 2006, eq. 4.17). Snoek, Larochelle & Adams (2012)
recommend it over the squared exponential for hyperparameter optimisation:
its sample paths are twice differentiable, not infinitely smooth.

The one quantity every derivative needs is

.. math::

    g(r) = s2 \\, \\tfrac{5}{3} (1 + \\sqrt{5} r) \\, e^{-\\sqrt{5} r},

because ``dk/dr = -r g(r)``; it has no singularity at ``r = 0``. Its own
derivative with respect to ``r^2`` is

.. math::

    h(r) = \\frac{d g}{d (r^2)} = -s2 \\, \\tfrac{25}{6} \\, e^{-\\sqrt{5} r},

which gives the covariances of partial derivatives of a GP sample path
(Rasmussen & Williams, 2006, sec. 9.4; Solak et al., 2003): with
``D = a - b``,

.. math::

    \\operatorname{cov}\\big(f(a), \\partial_j f(b)\\big) = g \\, D_j / \\ell_j^2,
    \\qquad
    \\operatorname{cov}\\big(\\partial_i f(a), \\partial_j f(b)\\big)
        = g \\, \\delta_{ij} / \\ell_i^2 + 2 h \\, D_i D_j / (\\ell_i^2 \\ell_j^2).

References
----------
C. E. Rasmussen and C. K. I. Williams, *Gaussian Processes for Machine
Learning*, MIT Press, 2006.

J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian Optimization of
Machine Learning Algorithms", NeurIPS 2012.

E. Solak, R. Murray-Smith, W. E. Leithead, D. J. Leith and C. E. Rasmussen,
"Derivative Observations in Gaussian Process Models of Dynamic Systems",
NeurIPS 2003.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cross_covariance", "matern52", "matern52_and_g", "matern52_g", "matern52_h", "scaled_sqdist"]

_SQRT5 = np.sqrt(5.0)


def scaled_sqdist(A: np.ndarray, B: np.ndarray, lengthscales: np.ndarray) -> np.ndarray:
    """Squared distances between rows after dividing each column by its length scale.

    Parameters
    ----------
    A : ndarray of shape (n, d)
    B : ndarray of shape (m, d)
    lengthscales : ndarray of shape (d,)

    Returns
    -------
    ndarray of shape (n, m)
        Non-negative squared scaled distances.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._kernel import scaled_sqdist
    >>> scaled_sqdist(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]]), np.array([1.0, 2.0]))
    array([[2.]])
    """
    As = A / lengthscales  # (n, d)
    Bs = B / lengthscales  # (m, d)
    d2 = (As * As).sum(1)[:, None] + (Bs * Bs).sum(1)[None, :] - 2.0 * (As @ Bs.T)  # (n, m)
    return np.maximum(d2, 0.0, out=d2)


def matern52(r2: np.ndarray, variance: float) -> np.ndarray:
    """Matérn 5/2 kernel values from squared scaled distances.

    Parameters
    ----------
    r2 : ndarray
        Squared scaled distances (any shape).
    variance : float
        Signal variance ``s2``.

    Returns
    -------
    ndarray of the shape of ``r2``

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._kernel import matern52
    >>> matern52(np.array([0.0, 1.0]), 2.0).round(6)
    array([2.      , 1.047988])
    """
    r = np.sqrt(r2)
    sr = _SQRT5 * r
    return variance * (1.0 + sr + (5.0 / 3.0) * r2) * np.exp(-sr)


def matern52_g(r2: np.ndarray, variance: float) -> np.ndarray:
    """The derivative factor ``g = -(dk/dr) / r`` of the Matérn 5/2 kernel.

    The gradient of ``k`` with respect to an input coordinate ``a_d`` is
    ``-g (a_d - b_d) / ell_d**2``, and with respect to ``log ell_d`` it is
    ``g (a_d - b_d)**2 / ell_d**2``.

    Parameters
    ----------
    r2 : ndarray
        Squared scaled distances.
    variance : float

    Returns
    -------
    ndarray of the shape of ``r2``

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._kernel import matern52_g
    >>> float(matern52_g(np.array(0.0), 3.0))
    5.0
    """
    sr = _SQRT5 * np.sqrt(r2)
    return variance * (5.0 / 3.0) * (1.0 + sr) * np.exp(-sr)


def matern52_and_g(r2: np.ndarray, variance: float) -> tuple[np.ndarray, np.ndarray]:
    """Kernel values and the derivative factor ``g``, sharing one exponential.

    Parameters
    ----------
    r2 : ndarray
        Squared scaled distances.
    variance : float

    Returns
    -------
    k, g : ndarray of the shape of ``r2``
        As :func:`matern52` and :func:`matern52_g`.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._kernel import matern52_and_g
    >>> k, g = matern52_and_g(np.array([0.0, 1.0]), 2.0)
    >>> k.round(6).tolist(), g.round(6).tolist()
    ([2.0, 1.047988], [3.333333, 1.152881])
    """
    sr = _SQRT5 * np.sqrt(r2)
    e = variance * np.exp(-sr)
    g = (5.0 / 3.0) * (1.0 + sr) * e
    k = (1.0 + sr) * e + (5.0 / 3.0) * r2 * e
    return k, g


def matern52_h(r2: np.ndarray, variance: float) -> np.ndarray:
    """The derivative ``h = dg / d(r^2)`` of the Matérn 5/2 factor ``g``.

    Parameters
    ----------
    r2 : ndarray
        Squared scaled distances.
    variance : float

    Returns
    -------
    ndarray of the shape of ``r2``
        Non-positive.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._kernel import matern52_h
    >>> round(float(matern52_h(np.array(0.0), 6.0)), 6)
    -25.0
    """
    return -variance * (25.0 / 6.0) * np.exp(-_SQRT5 * np.sqrt(r2))


def cross_covariance(
    A: np.ndarray,
    dims_a: np.ndarray,
    B: np.ndarray,
    dims_b: np.ndarray,
    lengthscales: np.ndarray,
    variance: float,
) -> np.ndarray:
    """Covariances between function values and partial derivatives of a GP.

    Row ``i`` of ``A`` stands for ``f(A[i])`` when ``dims_a[i] < 0`` and for
    the partial derivative ``df/dx_j`` at ``A[i]`` when ``dims_a[i] = j``;
    the same for ``B``.

    Parameters
    ----------
    A : ndarray of shape (n, d)
    dims_a : ndarray of int of shape (n,)
    B : ndarray of shape (m, d)
    dims_b : ndarray of int of shape (m,)
    lengthscales : ndarray of shape (d,)
    variance : float

    Returns
    -------
    ndarray of shape (n, m)

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._kernel import cross_covariance
    >>> A = np.array([[0.2], [0.2]]); dims = np.array([-1, 0])
    >>> C = cross_covariance(A, dims, A, dims, np.array([0.5]), 1.0)  # var of df/dx: 5 / (3 ell^2)
    >>> np.abs(C).round(6)
    array([[1.      , 0.      ],
           [0.      , 6.666667]])
    """
    dims_a = np.asarray(dims_a, dtype=int)
    dims_b = np.asarray(dims_b, dtype=int)
    r2 = scaled_sqdist(A, B, lengthscales)  # (n, m)
    out, g = matern52_and_g(r2, variance)
    da = np.flatnonzero(dims_a >= 0)
    db = np.flatnonzero(dims_b >= 0)
    if len(da) == 0 and len(db) == 0:
        return out
    ell2 = lengthscales**2  # (d,)
    if len(db):
        jb = dims_b[db]
        out[:, db] = g[:, db] * (A[:, jb] - B[db, jb][None, :]) / ell2[jb]  # (n, qb)
    if len(da):
        ia = dims_a[da]
        out[da, :] = -g[da, :] * (A[da, ia][:, None] - B[:, ia].T) / ell2[ia][:, None]  # (qa, m)
    if len(da) and len(db):
        ia, jb = dims_a[da], dims_b[db]
        D = A[da][:, None, :] - B[db][None, :, :]  # (qa, qb, d)
        rows = np.arange(len(da))[:, None]
        cols = np.arange(len(db))[None, :]
        Di = D[rows, cols, ia[:, None]] / ell2[ia][:, None]  # (qa, qb)
        Dj = D[rows, cols, jb[None, :]] / ell2[jb][None, :]  # (qa, qb)
        gab = g[np.ix_(da, db)]
        hab = matern52_h(r2[np.ix_(da, db)], variance)
        same = ia[:, None] == jb[None, :]
        out[np.ix_(da, db)] = np.where(same, gab / ell2[ia][:, None], 0.0) + 2.0 * hab * Di * Dj
    return out
