"""Acquisition functions, written for *minimisation* of a GP-modelled ``f``.

The optimizer minimises ``f = -score``. Every function here returns a
utility to *maximise* together with its derivatives with respect to the
posterior mean ``mu`` and standard deviation ``sigma``, so that the chain
rule through the GP gives input gradients for local refinement:

* ``log_ei``: the logarithm of expected improvement
  ``EI = sigma * h(z)``, ``h(z) = phi(z) + z Phi(z)``,
  ``z = (best - mu - xi) / sigma`` (Jones, Schonlau & Welch, 1998), computed
  in log space so that it stays finite and accurate far in the tail, where
  ``EI`` itself underflows (Ament et al., 2023);
* ``log_pi``: the logarithm of the probability of improvement
  ``Phi(z)`` (Kushner, 1964), via :func:`scipy.special.log_ndtr`;
* ``neg_lcb``: minus the lower confidence bound, ``kappa * sigma - mu``
  (Srinivas et al., 2010).

References
----------
D. R. Jones, M. Schonlau and W. J. Welch, "Efficient Global Optimization of
Expensive Black-Box Functions", J. Global Optimization 13, 1998.

S. Ament, S. Daulton, D. Eriksson, M. Balandat and E. Bakshy, "Unexpected
Improvements to Expected Improvement for Bayesian Optimization",
NeurIPS 2023.

H. J. Kushner, "A New Method of Locating the Maximum Point of an Arbitrary
Multipeak Curve in the Presence of Noise", J. Basic Engineering 86, 1964.

N. Srinivas, A. Krause, S. Kakade and M. Seeger, "Gaussian Process
Optimization in the Bandit Setting", ICML 2010.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

__all__ = ["log_h", "log_ei", "expected_improvement", "log_pi", "neg_lcb"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
# Beyond this |z| the two-term asymptotic series of log h is exact to double precision.
_Z_ASYMPTOTIC = 1e4


def _log_phi(z: np.ndarray) -> np.ndarray:
    return -0.5 * z * z - _LOG_SQRT_2PI


def log_h(z: np.ndarray) -> np.ndarray:
    """``log(phi(z) + z Phi(z))``, accurate for every finite ``z``.

    For ``z > -1`` the sum is computed directly. Below, it is rewritten with
    the Mills ratio ``Phi(z) / phi(z) = sqrt(pi/2) erfcx(-z / sqrt 2)`` as
    ``log phi(z) + log1p(-|z| sqrt(pi/2) erfcx(|z| / sqrt 2))``, which never
    forms the underflowing ``phi(z)``; for ``z < -1e4`` the asymptotic
    series ``log phi(z) - 2 log|z| + log1p(-3 / z^2)`` is used.

    Parameters
    ----------
    z : ndarray

    Returns
    -------
    ndarray of the shape of ``z``

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._acquisition import log_h
    >>> float(np.exp(log_h(np.array(0.0))))  # phi(0)
    0.3989422804014327
    >>> bool(np.isfinite(log_h(np.array(-40.0))))
    True
    """
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    mid = z > -1.0
    zm = z[mid]
    out[mid] = np.log(np.exp(_log_phi(zm)) + zm * ndtr(zm))
    tail = ~mid & (z >= -_Z_ASYMPTOTIC)
    zt = -z[tail]  # positive
    out[tail] = _log_phi(zt) + np.log1p(-zt * _SQRT_HALF_PI * erfcx(zt * _INV_SQRT2))
    far = z < -_Z_ASYMPTOTIC
    zf = z[far]
    out[far] = _log_phi(zf) - 2.0 * np.log(-zf) + np.log1p(-3.0 / (zf * zf))
    return out


def _improvement_z(mu: np.ndarray, sigma: np.ndarray, best: float, xi: float) -> np.ndarray:
    return (best - xi - mu) / sigma


def log_ei(
    mu: np.ndarray, sigma: np.ndarray, best: float, xi: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log expected improvement over ``best`` when minimising.

    Parameters
    ----------
    mu, sigma : ndarray of shape (m,)
        Posterior mean and (positive) standard deviation.
    best : float
        Incumbent value (lowest observed ``f``).
    xi : float, default=0.0
        Required improvement margin, in the units of ``f``.

    Returns
    -------
    value : ndarray of shape (m,)
        ``log EI``.
    d_mu, d_sigma : ndarray of shape (m,)
        Derivatives of ``log EI`` with respect to ``mu`` and ``sigma``.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._acquisition import log_ei
    >>> v, _, _ = log_ei(np.array([0.0]), np.array([1.0]), best=0.0)
    >>> float(np.exp(v[0]))  # sigma * phi(0)
    0.3989422804014327
    """
    sigma = np.asarray(sigma, dtype=float)
    z = _improvement_z(np.asarray(mu, dtype=float), sigma, best, xi)
    lh = log_h(z)
    value = np.log(sigma) + lh
    # dEI/dmu = -Phi(z), dEI/dsigma = phi(z); divide by EI = sigma h(z) in log space.
    d_mu = -np.exp(log_ndtr(z) - lh) / sigma
    d_sigma = np.exp(_log_phi(z) - lh) / sigma
    return value, d_mu, d_sigma


def expected_improvement(mu: np.ndarray, sigma: np.ndarray, best: float, xi: float = 0.0) -> np.ndarray:
    """Expected improvement over ``best`` when minimising (may underflow to 0).

    Parameters
    ----------
    mu, sigma : ndarray of shape (m,)
    best : float
    xi : float, default=0.0

    Returns
    -------
    ndarray of shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._acquisition import expected_improvement
    >>> float(expected_improvement(np.array([1.0]), np.array([1.0]), best=0.0)[0])
    0.08331547058768...
    """
    return np.exp(log_ei(mu, sigma, best, xi)[0])


def log_pi(
    mu: np.ndarray, sigma: np.ndarray, best: float, xi: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log probability of improving on ``best`` by at least ``xi`` when minimising.

    Parameters
    ----------
    mu, sigma : ndarray of shape (m,)
    best : float
    xi : float, default=0.0

    Returns
    -------
    value, d_mu, d_sigma : ndarray of shape (m,)
        ``log Phi(z)`` and its derivatives with respect to ``mu``, ``sigma``.

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._acquisition import log_pi
    >>> float(np.exp(log_pi(np.array([0.0]), np.array([2.0]), best=0.0)[0][0]))
    0.5
    """
    sigma = np.asarray(sigma, dtype=float)
    z = _improvement_z(np.asarray(mu, dtype=float), sigma, best, xi)
    value = log_ndtr(z)
    ratio = np.exp(_log_phi(z) - value)  # phi / Phi, stable
    return value, -ratio / sigma, -ratio * z / sigma


def neg_lcb(
    mu: np.ndarray, sigma: np.ndarray, kappa: float = 1.96
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minus the lower confidence bound ``mu - kappa * sigma``.

    Parameters
    ----------
    mu, sigma : ndarray of shape (m,)
    kappa : float, default=1.96

    Returns
    -------
    value, d_mu, d_sigma : ndarray of shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp._acquisition import neg_lcb
    >>> float(neg_lcb(np.array([1.0]), np.array([0.5]), kappa=2.0)[0][0])
    0.0
    """
    mu = np.asarray(mu, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    return kappa * sigma - mu, np.full_like(mu, -1.0), np.full_like(sigma, kappa)
