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

because ``dk/dr = -r g(r)``; it has no singularity at ``r = 0``.

References
----------
C. E. Rasmussen and C. K. I. Williams, *Gaussian Processes for Machine
Learning*, MIT Press, 2006.

J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian Optimization of
Machine Learning Algorithms", NeurIPS 2012.
"""

from __future__ import annotations

import numpy as np

__all__ = ["matern52", "matern52_and_g", "matern52_g", "scaled_sqdist"]

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
