"""Shared pytest configuration.

The test machine's cores are shared, so every BLAS / OpenMP pool is limited
to one thread before numpy, scipy or scikit-learn are imported by a test.
"""

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

try:  # hypothesis is a test dependency, but keep the suite importable without it
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover
    pass
else:
    # Shared cores make per-example timings meaningless: no deadlines. The
    # default run is derandomized, so CI is reproducible; hunting for new
    # counter-examples is the job of the random "thorough" profile.
    settings.register_profile(
        "skhpo",
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    # A longer, random hunt for counter-examples: SKHPO_HYPOTHESIS_PROFILE=thorough.
    settings.register_profile(
        "thorough",
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        max_examples=1000,
    )
    settings.load_profile(os.environ.get("SKHPO_HYPOTHESIS_PROFILE", "skhpo"))


def _global_seeds() -> list[int]:
    """Seeds from ``SKHPO_TESTS_GLOBAL_RANDOM_SEED``: ``"42"``, ``"0-9"`` or ``"all"``."""
    spec = os.environ.get("SKHPO_TESTS_GLOBAL_RANDOM_SEED", "42").strip()
    if spec == "all":
        return list(range(100))
    if "-" in spec:
        lo, hi = spec.split("-", 1)
        return list(range(int(lo), int(hi) + 1))
    return [int(s) for s in spec.split(",")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``global_random_seed`` with the configured seeds.

    Tests that take this fixture must pass for every seed; by default they
    run with seed 42 only, ``SKHPO_TESTS_GLOBAL_RANDOM_SEED=all`` runs them
    with seeds 0 to 99.
    """
    if "global_random_seed" in metafunc.fixturenames:
        metafunc.parametrize("global_random_seed", _global_seeds())
