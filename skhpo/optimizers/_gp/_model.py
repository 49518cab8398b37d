"""Gaussian-process regression with a Matérn 5/2 ARD kernel.

The model is the textbook one (Rasmussen & Williams, 2006, ch. 2 and 5):
a zero-mean GP on standardised targets, Matérn 5/2 covariance with one length
scale per input feature, a constant signal variance and a Gaussian noise
variance. The kernel hyperparameters are fitted by maximising the log
marginal likelihood plus weak log-normal priors (a MAP estimate), with
L-BFGS-B on the logarithms of the hyperparameters and analytic gradients:

.. math::

    \\frac{\\partial \\log p(y)}{\\partial \\theta_j}
        = \\tfrac12 \\operatorname{tr}\\big((\\alpha\\alpha^\\top - K^{-1})
          \\, \\partial K / \\partial \\theta_j\\big),
    \\qquad \\alpha = K^{-1} y

(Rasmussen & Williams, 2006, eq. 5.9). Everything goes through one Cholesky
factor per evaluation.

Once fitted, the model can also be conditioned on observations of partial
derivatives of ``f`` (:meth:`GaussianProcess.condition_on_derivatives`),
with the covariances between values and derivatives of a GP (Solak et al.,
2003); the optimizer uses them for virtual derivative signs at the bounds
(Siivola et al., 2018).

References
----------
C. E. Rasmussen and C. K. I. Williams, *Gaussian Processes for Machine
Learning*, MIT Press, 2006.

J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian Optimization of
Machine Learning Algorithms", NeurIPS 2012.

E. Solak, R. Murray-Smith, W. E. Leithead, D. J. Leith and C. E. Rasmussen,
"Derivative Observations in Gaussian Process Models of Dynamic Systems",
NeurIPS 2003.

E. Siivola, A. Vehtari, J. Vanhatalo, J. González and M. R. Andersen,
"Correcting Boundary Over-Exploration Deficiencies in Bayesian Optimization
with Virtual Derivative Sign Observations", IEEE MLSP 2018.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.linalg import cho_solve, solve_triangular
from scipy.linalg.lapack import dpotrf, dpotri, dpotrs, dtrtrs
from scipy.optimize import minimize

from ._kernel import cross_covariance, matern52, matern52_and_g, matern52_h, scaled_sqdist

__all__ = ["GaussianProcess"]

_LOG_2PI = math.log(2.0 * math.pi)
# Added to the diagonal on top of the noise, for numerical safety only.
_JITTER = 1e-9


def _cholesky(K: np.ndarray) -> np.ndarray | None:
    """Lower Cholesky factor of ``K`` (n, n), or None if not positive definite."""
    L, info = dpotrf(K, lower=1, clean=1, overwrite_a=0)
    return L if info == 0 else None


def _cho_solve(L: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``K^-1 B`` from the lower Cholesky factor ``L`` of ``K``.

    LAPACK's ``potrs``, as :func:`scipy.linalg.cho_solve` calls it, without
    that function's input checks: they cost more than the solve at the
    sizes of a hyperparameter search, and ``L`` comes from ``potrf`` here.
    """
    X, info = dpotrs(L, B, lower=1)
    if info != 0:  # pragma: no cover - only for malformed arguments
        raise np.linalg.LinAlgError(f"potrs failed (info={info})")
    return X


def _tri_solve(L: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``L^-1 B`` for a lower-triangular ``L`` (LAPACK's ``trtrs``, unchecked as :func:`_cho_solve`)."""
    X, info = dtrtrs(L, B, lower=1)
    if info != 0:  # pragma: no cover - a zero on the diagonal of a Cholesky factor
        raise np.linalg.LinAlgError(f"trtrs failed (info={info})")
    return X


class _TrainingRows(NamedTuple):
    """Training-row arrays a fitted GP reuses in every prediction.

    ``qd`` (indices of derivative rows), ``jd`` (their dimensions), ``Xd``,
    ``xd_j`` (each derivative row's own coordinate) and ``alpha_d`` are None
    when every row is a function value.
    """

    Xs: np.ndarray  # (N, d) inputs over length scales
    sqnorm: np.ndarray  # (N,) squared norms of Xs
    inv_ell2: np.ndarray  # (d,)
    vm: np.ndarray  # (N,) value-row mask
    Xv: np.ndarray  # (n, d) value rows
    alpha_v: np.ndarray  # (n,)
    qd: np.ndarray | None
    jd: np.ndarray | None
    Xd: np.ndarray | None
    xd_j: np.ndarray | None
    alpha_d: np.ndarray | None


class GaussianProcess:
    """GP regression with a Matérn 5/2 ARD kernel and MAP-fitted hyperparameters.

    The targets are standardised internally; :meth:`predict` answers in the
    units of the targets given to :meth:`fit`. Hyperparameters are
    ``theta = [log ell_1, ..., log ell_d, log signal_variance, log noise]``,
    the variances being those of the standardised targets.

    Parameters
    ----------
    lengthscale_bounds : tuple of float, default=(0.01, 100.0)
        Bounds on every length scale (inputs are expected in ``[0, 1]``).
    lengthscale_prior : tuple of float, default=(0.0, 1.5)
        Mean and standard deviation of a normal prior on ``log ell``.
    variance_bounds : tuple of float, default=(0.05, 20.0)
        Bounds on the signal variance of the standardised targets.
    noise_bounds : tuple of float, default=(1e-6, 1.0)
        Bounds on the noise variance of the standardised targets.
    noise_prior : tuple of float, default=(log(1e-3), 3.0)
        Mean and standard deviation of a normal prior on ``log noise``.
    maxiter : int, default=100
        Iteration cap of each L-BFGS-B run.
    ftol : float, default=1e-6
        Relative-decrease stopping tolerance of L-BFGS-B; the acquisition
        does not need the hyperparameters more precisely.

    Attributes
    ----------
    theta_ : ndarray of shape (d + 2,)
        Fitted log hyperparameters.
    lengthscales_ : ndarray of shape (d,)
    variance_ : float
        Signal variance (standardised units).
    noise_ : float
        Noise variance (standardised units).

    Examples
    --------
    >>> import numpy as np
    >>> from skhpo.optimizers._gp import GaussianProcess
    >>> X = np.linspace(0, 1, 8)[:, None]
    >>> gp = GaussianProcess().fit(X, np.sin(6 * X[:, 0]))
    >>> mean, std = gp.predict(np.array([[0.5]]))
    >>> bool(abs(mean[0] - np.sin(3.0)) < 0.05), bool(std[0] < 0.1)
    (True, True)
    """

    def __init__(
        self,
        *,
        lengthscale_bounds: tuple[float, float] = (0.01, 100.0),
        lengthscale_prior: tuple[float, float] = (0.0, 1.5),
        variance_bounds: tuple[float, float] = (0.05, 20.0),
        noise_bounds: tuple[float, float] = (1e-6, 1.0),
        noise_prior: tuple[float, float] = (math.log(1e-3), 3.0),
        maxiter: int = 100,
        ftol: float = 1e-6,
    ) -> None:
        self.lengthscale_bounds = lengthscale_bounds
        self.lengthscale_prior = lengthscale_prior
        self.variance_bounds = variance_bounds
        self.noise_bounds = noise_bounds
        self.noise_prior = noise_prior
        self.maxiter = maxiter
        self.ftol = ftol

    # --------------------------------------------------------------- setup
    def default_theta(self, d: int) -> np.ndarray:
        """The prior-mode starting point for ``d`` input features.

        Parameters
        ----------
        d : int

        Returns
        -------
        ndarray of shape (d + 2,)
        """
        b = self._bounds(d)
        lo, hi = b[:, 0], b[:, 1]
        theta = np.concatenate([np.full(d, self.lengthscale_prior[0]), [0.0], [self.noise_prior[0]]])
        return np.clip(theta, lo, hi)

    def _bounds(self, d: int) -> np.ndarray:
        """Bounds on ``theta`` (d + 2, 2)."""
        lb = np.log(self.lengthscale_bounds)
        vb = np.log(self.variance_bounds)
        nb = np.log(self.noise_bounds)
        return np.vstack([np.tile(lb, (d, 1)), vb, nb])

    def _set_theta(self, theta: np.ndarray) -> None:
        d = len(theta) - 2
        self.theta_ = np.asarray(theta, dtype=float).copy()
        self.lengthscales_ = np.exp(self.theta_[:d])
        self.variance_ = float(np.exp(self.theta_[d]))
        self.noise_ = float(np.exp(self.theta_[d + 1]))

    # ----------------------------------------------------------- objective
    def log_marginal_likelihood(
        self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, *, eval_gradient: bool = True
    ) -> tuple[float, np.ndarray] | float:
        """Log marginal likelihood of standardised targets and its gradient.

        Parameters
        ----------
        theta : ndarray of shape (d + 2,)
            ``[log ell_1..d, log signal_variance, log noise]``.
        X : ndarray of shape (n, d)
        y : ndarray of shape (n,)
            Targets, used as given (no standardisation here).
        eval_gradient : bool, default=True

        Returns
        -------
        lml : float
            ``-inf`` when the covariance is numerically not positive definite.
        grad : ndarray of shape (d + 2,)
            Only when ``eval_gradient``.

        Examples
        --------
        >>> import numpy as np
        >>> from skhpo.optimizers._gp import GaussianProcess
        >>> gp = GaussianProcess()
        >>> X = np.array([[0.0], [0.5], [1.0]]); y = np.array([1.0, -1.0, 0.5])
        >>> lml, grad = gp.log_marginal_likelihood(np.zeros(3), X, y)
        >>> grad.shape
        (3,)
        """
        n, d = X.shape
        ell = np.exp(theta[:d])
        s2 = math.exp(theta[d])
        sn2 = math.exp(theta[d + 1])
        r2 = scaled_sqdist(X, X, ell)  # (n, n)
        Kf, G = matern52_and_g(r2, s2)  # (n, n) each
        K = Kf.copy()
        K.flat[:: n + 1] += sn2 + _JITTER
        L = _cholesky(K)
        if L is None:
            return (-np.inf, np.zeros(d + 2)) if eval_gradient else -np.inf
        alpha = _cho_solve(L, y)  # (n,)
        lml = -0.5 * float(y @ alpha) - float(np.log(np.diag(L)).sum()) - 0.5 * n * _LOG_2PI
        if not eval_gradient:
            return lml
        Kinv, info = dpotri(L, lower=1)  # lower triangle of K^-1; L's upper triangle is zero
        Kinv += np.tril(Kinv, -1).T  # (n, n)
        W = np.outer(alpha, alpha) - Kinv  # (n, n)
        WG = W * G  # (n, n)
        Xs = X / ell  # (n, d)
        rs = WG.sum(1)  # (n,)
        grad_ell = (rs @ (Xs * Xs)) - (Xs * (WG @ Xs)).sum(0)  # (d,)
        grad = np.empty(d + 2)
        grad[:d] = grad_ell
        grad[d] = 0.5 * float((W * Kf).sum())
        grad[d + 1] = 0.5 * sn2 * float(np.trace(W))
        return lml, grad

    def _log_prior(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        d = len(theta) - 2
        m, s = self.lengthscale_prior
        nm, ns = self.noise_prior
        # A weak prior keeps the signal variance near the standardised scale.
        vm, vs = 0.0, 1.5
        dz = np.empty_like(theta)
        dz[:d] = (theta[:d] - m) / s**2
        dz[d] = (theta[d] - vm) / vs**2
        dz[d + 1] = (theta[d + 1] - nm) / ns**2
        lp = -0.5 * (
            float(((theta[:d] - m) ** 2).sum()) / s**2
            + (theta[d] - vm) ** 2 / vs**2
            + (theta[d + 1] - nm) ** 2 / ns**2
        )
        return lp, -dz

    # ----------------------------------------------------------------- fit
    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        theta0: np.ndarray | None = None,
        n_restarts: int = 0,
        rng: np.random.Generator | None = None,
        optimize: bool = True,
    ) -> "GaussianProcess":
        """Fit the hyperparameters and condition on the data.

        Parameters
        ----------
        X : ndarray of shape (n, d)
            Inputs, best scaled to ``[0, 1]``.
        y : ndarray of shape (n,)
            Finite targets.
        theta0 : ndarray of shape (d + 2,) or None
            Warm start (e.g. the previous fit); the prior mode when None.
        n_restarts : int, default=0
            Extra L-BFGS-B runs from points drawn around the prior mode.
        rng : numpy.random.Generator or None
            Draws the restart points.
        optimize : bool, default=True
            If False, keep ``theta0`` (or the prior mode) as is.

        Returns
        -------
        self
        """
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float).ravel()
        n, d = X.shape
        # Standardise in units of the largest |y| when scores are huge: the
        # mean, the std and y - mean of scores near the float maximum overflow.
        c = float(np.abs(y).max()) if n else 0.0
        c = c if 1e150 < c < np.inf else 1.0
        yc = y / c
        mean_c = float(yc.mean()) if n else 0.0
        sd = float(yc.std()) * c if n > 1 else 0.0
        self.y_mean_ = mean_c * c
        self.y_scale_ = sd if sd > 1e-12 else 1.0
        ys = (yc - mean_c) / (self.y_scale_ / c)  # (n,)
        bounds = self._bounds(d)
        start = self.default_theta(d) if theta0 is None or len(theta0) != d + 2 else np.asarray(theta0, float)
        start = np.clip(start, bounds[:, 0], bounds[:, 1])
        best_theta, best_val = start, np.inf
        if optimize and n >= 2:
            starts = [start]
            if n_restarts > 0:
                rng = np.random.default_rng() if rng is None else rng
                base = self.default_theta(d)
                for _ in range(n_restarts):
                    t = base + rng.normal(0.0, 1.0, d + 2) * np.r_[np.full(d, self.lengthscale_prior[1]), 1.0, 1.0]
                    starts.append(np.clip(t, bounds[:, 0], bounds[:, 1]))

            def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
                lml, grad = self.log_marginal_likelihood(theta, X, ys)
                if not np.isfinite(lml):
                    return 1e25, np.zeros_like(theta)
                lp, glp = self._log_prior(theta)
                return -(lml + lp), -(grad + glp)

            for t0 in starts:
                try:
                    res = minimize(
                        objective, t0, jac=True, method="L-BFGS-B", bounds=bounds,
                        options={"maxiter": self.maxiter, "ftol": self.ftol},
                    )
                except (ValueError, np.linalg.LinAlgError):  # pragma: no cover - defensive
                    continue
                if np.isfinite(res.fun) and res.fun < best_val:
                    best_theta, best_val = res.x, float(res.fun)
        self._set_theta(best_theta)
        self._condition(X, ys)
        return self

    def _condition(self, X: np.ndarray, ys: np.ndarray) -> None:
        """Cholesky factor and weights for standardised targets ``ys`` (n,)."""
        n = len(X)
        K = self.kernel(X, X)  # (n, n)
        jitter = self.noise_ + _JITTER
        for _ in range(8):
            Kn = K.copy()
            Kn.flat[:: n + 1] += jitter
            L = _cholesky(Kn)
            if L is not None:
                break
            jitter *= 10.0
        else:  # pragma: no cover - defensive
            raise np.linalg.LinAlgError("covariance matrix is not positive definite")
        self._extra_jitter = jitter - self.noise_ - _JITTER
        self.X_train_ = X
        self.ys_train_ = ys
        self.dims_train_ = np.full(n, -1, dtype=int)
        self.L_ = L
        self.alpha_ = cho_solve((L, True), ys)  # (n,)
        self._rows = None

    # ---------------------------------------------------------- prediction
    def kernel(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """Fitted kernel matrix between rows of ``A`` (n, d) and ``B`` (m, d) -> (n, m)."""
        return matern52(scaled_sqdist(A, B, self.lengthscales_), self.variance_)

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of the latent function.

        Parameters
        ----------
        X : ndarray of shape (m, d)

        Returns
        -------
        mean : ndarray of shape (m,)
        std : ndarray of shape (m,)
            In the units of the training targets; noise excluded.
        """
        mean_s, var_s = self._predict_std_units(np.asarray(X, dtype=float))
        return mean_s * self.y_scale_ + self.y_mean_, np.sqrt(var_s) * self.y_scale_

    def _has_derivatives(self) -> bool:
        return bool(np.any(self.dims_train_ >= 0))

    def _cross(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, "_TrainingRows"]:
        """Covariances of ``f`` at ``X`` (m, d) with every training row (m, N).

        Also returns the squared scaled distances and the factor ``g`` of
        the kernel (both (m, N)) and the training rows' cached arrays, which
        the gradients need.
        """
        t = self._training_rows()
        Xs = X / self.lengthscales_  # (m, d)
        r2 = (Xs * Xs).sum(1)[:, None] + t.sqnorm[None, :] - 2.0 * (Xs @ t.Xs.T)  # (m, N)
        np.maximum(r2, 0.0, out=r2)
        Ks, G = matern52_and_g(r2, self.variance_)  # (m, N) each
        if t.qd is not None:
            # cov(f(x), df/dx_j(x_b)) = g (x_j - x_bj) / ell_j^2
            Ks[:, t.qd] = G[:, t.qd] * (X[:, t.jd] - t.xd_j) * t.inv_ell2[t.jd]
        return Ks, r2, G, t

    def _predict_std_units(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Ks = self._cross(X)[0]  # (m, N)
        mean = Ks @ self.alpha_  # (m,)
        V = _tri_solve(self.L_, Ks.T)  # (N, m)
        var = self.variance_ - np.einsum("ij,ij->j", V, V)  # (m,)
        return mean, np.maximum(var, 1e-12 * self.variance_)

    def _training_rows(self) -> "_TrainingRows":
        """What every prediction needs of the training rows, computed once per fit or conditioning."""
        if getattr(self, "_rows", None) is None:
            X, dims, ell = self.X_train_, self.dims_train_, self.lengthscales_
            Xs = X / ell  # (N, d)
            vm = dims < 0
            qd = None if vm.all() else np.flatnonzero(~vm)
            jd = None if qd is None else dims[qd]
            self._rows = _TrainingRows(
                Xs=Xs,
                sqnorm=(Xs * Xs).sum(1),
                inv_ell2=1.0 / ell**2,
                vm=vm,
                Xv=X if qd is None else X[vm],
                alpha_v=self.alpha_ if qd is None else self.alpha_[vm],
                qd=qd,
                jd=jd,
                Xd=None if qd is None else X[qd],
                xd_j=None if qd is None else X[qd, jd],
                alpha_d=None if qd is None else self.alpha_[qd],
            )
        return self._rows

    def predict_with_gradient(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Posterior mean and std with their gradients with respect to the inputs.

        Parameters
        ----------
        X : ndarray of shape (m, d)

        Returns
        -------
        mean, std : ndarray of shape (m,)
        dmean, dstd : ndarray of shape (m, d)
            Gradients with respect to each input feature.
        """
        X = np.asarray(X, dtype=float)
        # One distance matrix and one exponential serve the covariances and
        # their gradients, for value and derivative rows alike.
        Ks, r2, G, t = self._cross(X)  # (m, N) each
        mean = Ks @ self.alpha_  # (m,)
        V = _cho_solve(self.L_, Ks.T).T  # (m, N) rows K^-1 k(x)
        var = np.maximum(self.variance_ - np.einsum("ij,ij->i", Ks, V), 1e-12 * self.variance_)
        std = np.sqrt(var)  # (m,)
        # value rows: dk(x, x_i)/dx_d = -G_i (x_d - x_id) / ell_d^2
        Gv, Vv = (G, V) if t.qd is None else (G[:, t.vm], V[:, t.vm])
        Ga = Gv * t.alpha_v  # (m, n)
        dmean = (Ga @ t.Xv - X * Ga.sum(1)[:, None]) * t.inv_ell2  # (m, d)
        VG = Vv * Gv  # (m, n)
        dvar = 2.0 * (X * VG.sum(1)[:, None] - VG @ t.Xv) * t.inv_ell2  # (m, d)
        if t.qd is not None:
            # derivative rows (x_b, j): d cov(f(x), df/dx_j(x_b)) / dx_i
            #   = 2 h D_i D_j / (ell_i^2 ell_j^2) + g delta_ij / ell_j^2,  D = x - x_b
            q = np.arange(len(t.qd))
            Gd = G[:, t.qd]  # (m, q)
            Hd = matern52_h(r2[:, t.qd], self.variance_)  # (m, q)
            D = X[:, None, :] - t.Xd[None, :, :]  # (m, q, d)
            Dj = D[:, q, t.jd] * t.inv_ell2[t.jd]  # (m, q)
            J = (2.0 * Hd * Dj)[:, :, None] * D * t.inv_ell2  # (m, q, d)
            J[:, q, t.jd] += Gd * t.inv_ell2[t.jd]
            dmean += np.einsum("mqd,q->md", J, t.alpha_d)
            dvar -= 2.0 * np.einsum("mqd,mq->md", J, V[:, t.qd])
        dstd = dvar / (2.0 * std[:, None])
        s = self.y_scale_
        return mean * s + self.y_mean_, std * s, dmean * s, dstd * s

    # ------------------------------------------------------------ fantasy
    def condition_on(self, X_new: np.ndarray, y_new: np.ndarray) -> "GaussianProcess":
        """A copy conditioned on extra observations, hyperparameters unchanged.

        Used for fantasy observations of pending points: the Cholesky factor
        is extended by a block update, ``O(N^2 p)`` for ``p`` new rows.

        Parameters
        ----------
        X_new : ndarray of shape (p, d)
        y_new : ndarray of shape (p,)
            In the units of the training targets.

        Returns
        -------
        GaussianProcess
        """
        X_new = np.atleast_2d(np.asarray(X_new, dtype=float))
        ys_new = (np.asarray(y_new, dtype=float).ravel() - self.y_mean_) / self.y_scale_  # (p,)
        noise = np.full(len(X_new), self.noise_ + _JITTER + self._extra_jitter)
        return self._extend(X_new, np.full(len(X_new), -1), ys_new, noise)

    def derivative_sd(self, dims: np.ndarray) -> np.ndarray:
        """Prior standard deviation of ``df/dx_j`` (standardised units) for each ``j`` in ``dims``.

        For the Matérn 5/2 kernel it is ``sqrt(5 s2 / 3) / ell_j``.
        """
        return np.sqrt(5.0 * self.variance_ / 3.0) / self.lengthscales_[np.asarray(dims, dtype=int)]

    def condition_on_derivatives(
        self, X_new: np.ndarray, dims: np.ndarray, values: np.ndarray, noise: np.ndarray
    ) -> "GaussianProcess":
        """A copy conditioned on observations of partial derivatives, hyperparameters unchanged.

        Parameters
        ----------
        X_new : ndarray of shape (p, d)
            Where the derivatives are observed.
        dims : ndarray of int of shape (p,)
            Which partial derivative ``df/dx_j`` each row observes.
        values : ndarray of shape (p,)
            Observed derivatives of the *standardised* targets.
        noise : ndarray of shape (p,)
            Their Gaussian noise variances (standardised units).

        Returns
        -------
        GaussianProcess
        """
        X_new = np.atleast_2d(np.asarray(X_new, dtype=float))
        return self._extend(
            X_new, np.asarray(dims, dtype=int), np.asarray(values, dtype=float), np.asarray(noise, dtype=float)
        )

    def _extend(self, X_new: np.ndarray, dims_new: np.ndarray, ys_new: np.ndarray, noise: np.ndarray) -> "GaussianProcess":
        """Block-Cholesky update with ``p`` rows (values or derivatives) and their noise variances."""
        p = len(X_new)
        n = len(self.X_train_)
        ell, s2 = self.lengthscales_, self.variance_
        if np.all(dims_new < 0) and not self._has_derivatives():
            K12 = self.kernel(self.X_train_, X_new)  # (N, p)
            K22 = self.kernel(X_new, X_new)  # (p, p)
        else:
            K12 = cross_covariance(self.X_train_, self.dims_train_, X_new, dims_new, ell, s2)  # (N, p)
            K22 = cross_covariance(X_new, dims_new, X_new, dims_new, ell, s2)  # (p, p)
        K22.flat[:: p + 1] += noise
        L21t = solve_triangular(self.L_, K12, lower=True, check_finite=False)  # (N, p)
        S = K22 - L21t.T @ L21t  # (p, p)
        L22 = _cholesky(S)
        if L22 is None:
            S.flat[:: p + 1] += 1e-6 * np.maximum(np.diag(K22), self.variance_)
            L22 = _cholesky(S)
            if L22 is None:  # pragma: no cover - defensive
                return self
        L = np.zeros((n + p, n + p), order="F")
        L[:n, :n] = self.L_
        L[n:, :n] = L21t.T
        L[n:, n:] = L22
        new = object.__new__(GaussianProcess)
        new.__dict__.update(self.__dict__)
        new.X_train_ = np.vstack([self.X_train_, X_new])
        new.ys_train_ = np.concatenate([self.ys_train_, ys_new])
        new.dims_train_ = np.concatenate([self.dims_train_, dims_new])
        new.L_ = L
        new.alpha_ = cho_solve((L, True), new.ys_train_)
        new._rows = None
        return new

    @property
    def y_train_(self) -> np.ndarray:
        """Observed (and fantasy) function values in original units (n,); derivative rows excluded."""
        return self.ys_train_[self.dims_train_ < 0] * self.y_scale_ + self.y_mean_

    def __repr__(self) -> str:
        if not hasattr(self, "theta_"):
            return "GaussianProcess()"
        return (
            f"GaussianProcess(lengthscales={np.round(self.lengthscales_, 3).tolist()}, "
            f"variance={self.variance_:.3g}, noise={self.noise_:.3g})"
        )
