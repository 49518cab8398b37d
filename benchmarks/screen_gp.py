"""Screen variants of the GP engine against boundary over-exploration (issue 20).

Example::

    nice -n 10 python -m benchmarks.screen_gp dim_scaled_prior --mode surrogate --seeds 10 \\
        --tools skhpo_bayes --out benchmarks/results/screen_dim_scaled_prior.csv

Sets one variant of ``GPOptimizer`` for this process, then runs
:mod:`benchmarks.bounds` with the remaining arguments. Variants:

* ``default``: the engine as it is;
* ``no_virtual``: without the virtual derivative-sign observations at the
  bounds (the engine before issue 20);
* ``dim_scaled_prior``: without them, and with the dimension-scaled
  log-normal length-scale prior of Hvarfner, Hellsten & Nardi (ICML 2024),
  ``log ell ~ N(sqrt(2) + log(d) / 2, sqrt(3))`` for ``d`` GP input features.
"""

from __future__ import annotations

import math
import sys


def set_variant(name: str) -> None:
    """Patch the GP engine of this process to variant ``name``."""
    from skhpo.optimizers._gp import _optimizer as O
    from skhpo.optimizers._gp._model import GaussianProcess

    if name == "default":
        return
    if name not in ("no_virtual", "dim_scaled_prior"):
        raise SystemExit(f"unknown variant {name!r}")
    O._VIRTUAL_ROUNDS = 0
    if name == "dim_scaled_prior":

        def _new_model(self):  # noqa: ANN001, ANN202
            d = self._encoder.n_features
            return GaussianProcess(
                lengthscale_prior=(math.sqrt(2.0) + 0.5 * math.log(d), math.sqrt(3.0)),
                lengthscale_bounds=(0.01, 1000.0),
            )

        O.GPOptimizer._new_model = _new_model


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.screen_gp VARIANT [benchmarks.bounds arguments]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        raise SystemExit(__doc__)
    set_variant(argv[0])
    from .bounds import main as bounds_main

    return bounds_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
