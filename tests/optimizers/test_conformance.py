"""Every exported optimizer passes the conformance suite of skhpo.testing.

The optimizers are discovered from ``skhpo.optimizers.__all__``, so a new
engine is checked as soon as it is exported. The second half of the file
makes sure the checks can fail: deliberately broken optimizers must be
caught by the check meant for them.
"""

import inspect

import numpy as np
import pytest

from skhpo import optimizers
from skhpo.optimizers import BaseOptimizer, RandomOptimizer
from skhpo.space import Candidate
from skhpo.testing import check_optimizer, optimizer_checks, parametrize_optimizer_checks


def _exported_optimizers() -> list[type]:
    found = []
    for name in optimizers.__all__:
        obj = getattr(optimizers, name)
        if isinstance(obj, type) and issubclass(obj, BaseOptimizer) and not inspect.isabstract(obj):
            found.append(obj)
    return found


def _factory(cls):
    def factory(space, random_state):
        return cls(space, random_state=random_state)

    factory.__name__ = cls.__name__
    return factory


OPTIMIZERS = _exported_optimizers()


def test_discovery_finds_the_exported_optimizers():
    names = [cls.__name__ for cls in OPTIMIZERS]
    assert "RandomOptimizer" in names
    assert "BaseOptimizer" not in names


@parametrize_optimizer_checks({cls.__name__: _factory(cls) for cls in OPTIMIZERS})
def test_optimizer_conformance(check):
    check()


def test_suite_lists_every_check_once():
    names = [name for name, _ in optimizer_checks(_factory(RandomOptimizer))]
    assert len(names) == len(set(names))
    assert {
        "check_bounds",
        "check_conditional_parameters",
        "check_determinism",
        "check_finite_space_exhausted",
        "check_batches_and_pending",
        "check_non_finite_scores",
        "check_all_failed",
        "check_tell_encoded",
        "check_bad_arguments",
        "check_budget_observations",
        "check_budget_failures",
        "check_budget_pending",
        "check_budget_bad_arguments",
    } <= set(names)


def test_parametrize_accepts_a_list_of_factories():
    mark = parametrize_optimizer_checks([_factory(RandomOptimizer), lambda s, r: RandomOptimizer(s, random_state=r)])
    ids = mark.kwargs["ids"]
    assert ids[0] == "RandomOptimizer-check_bounds"
    # A lambda is named after the class of the optimizer it builds.
    assert len(ids) == 2 * len(list(optimizer_checks(_factory(RandomOptimizer))))
    assert all(i.startswith("RandomOptimizer-") for i in ids)


# --------------------------------------------------------------------------
# The checks can fail
# --------------------------------------------------------------------------
class _GlobalRandom(BaseOptimizer):
    """Draws from numpy's global generator in the model phase."""

    def _propose(self, n, pending):
        return np.random.random((n, self.space.n_columns))


class _OutOfBounds(RandomOptimizer):
    """Returns a value above the upper bound of the first Real dimension."""

    def ask(self, n=1):
        out = []
        for c in super().ask(n):
            params = dict(c.params)
            for name, dim in self.space.subspaces[c.subspace].items():
                if type(dim).__name__ == "Real":
                    params[name] = dim.high + 1.0
                    break
            out.append(Candidate(c.subspace, c.vector, params))
        return out


class _RepeatsItself(RandomOptimizer):
    """Ignores pending and seen candidates: the same draws on every ask."""

    def ask(self, n=1):
        if not isinstance(n, int) or n < 1:
            raise ValueError("bad n")
        return self.space.to_candidates(self.space.sample(n, np.random.default_rng(0)))


class _RejectsNaN(RandomOptimizer):
    def tell(self, candidates, scores):
        if not np.all(np.isfinite(scores)):
            raise ValueError("scores must be finite")
        super().tell(candidates, scores)


class _AcceptsZero(RandomOptimizer):
    def ask(self, n=1):
        if n == 0:
            return []
        return super().ask(n)


class _FillsInactive(RandomOptimizer):
    """Puts 0.5 instead of NaN in the inactive columns."""

    def ask(self, n=1):
        return [
            Candidate(c.subspace, np.nan_to_num(c.vector, nan=0.5), c.params) for c in super().ask(n)
        ]


class _DropsParams(RandomOptimizer):
    """Leaves out the last parameter of each candidate."""

    def ask(self, n=1):
        return [Candidate(c.subspace, c.vector, dict(list(c.params.items())[:-1])) for c in super().ask(n)]


class _SharesEstimators(RandomOptimizer):
    """Hands out the estimator objects of the space itself."""

    def ask(self, n=1):
        out = []
        for c in super().ask(n):
            params = dict(c.params)
            for name, dim in self.space.subspaces[c.subspace].items():
                if hasattr(dim, "choices") and hasattr(params[name], "get_params"):
                    params[name] = dim.choices[dim.index(params[name])]
            out.append(Candidate(c.subspace, c.vector, params))
        return out


class _IgnoresBudget(RandomOptimizer):
    """Records every observation at the full budget."""

    def tell(self, candidates, scores, budget=None):
        super().tell(candidates, scores)


class _OneRowPerCandidate(RandomOptimizer):
    """Drops a candidate told again (at a higher budget)."""

    def tell(self, candidates, scores, budget=None):
        keep = [i for i, c in enumerate(candidates) if c.key not in self._told]
        super().tell([candidates[i] for i in keep], np.asarray(scores)[keep], budget=budget)


class _ReasksPromoted(RandomOptimizer):
    """Proposes the first told candidate again as a new one."""

    def ask(self, n=1, *, budget=None):
        out = super().ask(n, budget=budget)
        if self.n_observations and out:
            out[0] = self.space.to_candidate(self.X_[0])
        return out


class _AcceptsZeroBudget(RandomOptimizer):
    """Takes budget=0 as the full budget."""

    def tell(self, candidates, scores, budget=None):
        super().tell(candidates, scores, budget=None if budget == 0 else budget)


class _CrashesAfterFailures(RandomOptimizer):
    def _on_tell(self, X, scores):
        if self.n_observations > 5 and not np.isfinite(self.y_).any():
            raise RuntimeError("no finite score to model")


@pytest.mark.parametrize(
    "cls, check_name, match",
    [
        (_GlobalRandom, "check_determinism", r"random_state=0 gave different candidates"),
        (_OutOfBounds, "check_bounds", r"real=4\.0 is outside Real\(-2\.0, 3\.0"),
        (_RepeatsItself, "check_batches_and_pending", r"proposed twice"),
        (_RepeatsItself, "check_finite_space_exhausted", r"proposed twice"),
        (_RepeatsItself, "check_bounds", r"proposed twice"),
        (_RejectsNaN, "check_non_finite_scores", r"tell\(\.\.\.\) raised ValueError\('scores must be finite'\)"),
        (_RejectsNaN, "check_all_failed", r"raised ValueError"),
        (_AcceptsZero, "check_bad_arguments", r"ask\(0\) did not raise ValueError"),
        (_FillsInactive, "check_conditional_parameters", r"has NaN on columns \[.*\], expected exactly the inactive columns"),
        (_DropsParams, "check_bounds", r"has parameters \[.*\], expected exactly"),
        (_SharesEstimators, "check_bounds", r"is the estimator object of the space, not a clone"),
        (_CrashesAfterFailures, "check_all_failed", r"raised RuntimeError\('no finite score to model'\)"),
        (_IgnoresBudget, "check_budget_observations", r"budget_ is \[inf, .*\], expected \[1\.0, "),
        (_OneRowPerCandidate, "check_budget_observations", r"X_ has 9 rows after 12 observations"),
        (_OneRowPerCandidate, "check_budget_pending", r"X_ has 6 rows after 9 observations"),
        (_ReasksPromoted, "check_budget_observations", r"was proposed again after it was asked or told"),
        (_AcceptsZeroBudget, "check_budget_bad_arguments", r"tell\(\.\.\., budget=0\) did not raise"),
    ],
)
def test_checks_catch_broken_optimizers(cls, check_name, match):
    checks = dict(optimizer_checks(_factory(cls)))
    with pytest.raises(AssertionError, match=match):
        checks[check_name]()


def test_check_optimizer_names_the_failing_check():
    with pytest.raises(AssertionError, match=r"check_bad_arguments failed for _AcceptsZero: ask\(0\)"):
        check_optimizer(_factory(_AcceptsZero))
    check_optimizer(_factory(RandomOptimizer))


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_ordinal_values_keep_their_type(cls):
    # A sorted list of floats is an Ordinal: proposals are its values, as floats.
    from skhpo.space import SearchSpace
    from skhpo.testing._optimizer_checks import _assert_valid

    space = SearchSpace({"a": [0.1, 0.5, 2.0, 8.0], "b": [1, 2, 4, 8, 16]})
    opt = cls(space, random_state=0)
    for i in range(12):
        (c,) = opt.ask()
        _assert_valid(space, c, f"ask {i}")
        assert isinstance(c.params["a"], float) and isinstance(c.params["b"], int)
        opt.tell([c], [-(c.params["a"] - 0.5) ** 2])


def test_ask_returns_no_candidate_when_no_unseen_point_is_found():
    """ask crashed (IndexError in subspace_of) when no new point came up in a CASH space.

    binom(1000, 0.001) counts 1001 values but only about 8 can be proposed,
    so the space is not exhausted when every reachable value has been asked.
    """
    from scipy import stats

    from skhpo.optimizers import TPEOptimizer

    opt = TPEOptimizer([{}, {"a": stats.binom(1000, 0.001)}], n_initial_points=3, random_state=1992)
    seen = []
    for i in range(10):
        cands = opt.ask(2)
        seen.extend(c.key for c in cands)
        opt.tell(cands, np.random.default_rng(i).normal(size=len(cands)))
    assert len(seen) == len(set(seen)) < 20
    assert opt.ask(2) == []
