"""Benchmarks of skhpo against peer hyperparameter-search tools.

Not part of the library and not collected by pytest. See ``benchmarks/README.md``
and ``docs/benchmarks.md``.
"""

import os as _os

# Every model runs single-threaded: the benchmark machine has 2 shared cores.
# These must be set before numpy / OpenMP runtimes are first loaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
