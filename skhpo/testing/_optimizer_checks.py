"""A conformance suite for ask/tell optimizers.

Every optimizer of :mod:`skhpo.optimizers` must pass these checks, and so
should third-party optimizers built on :class:`~skhpo.optimizers.BaseOptimizer`.
Each check is a plain function of an optimizer *factory*, a callable
``factory(space, random_state)`` returning a fresh optimizer over ``space``;
it runs a short ask/tell loop on a cheap synthetic objective and raises
:class:`AssertionError` with a message saying what went wrong.

Budgets are small (25 to 30 observations per check), enough to leave the
initial design and exercise the model phase of the engines.

The ``check_budget_*`` checks cover the multi-fidelity side of the protocol:
``ask(n, budget=b)``, ``tell(candidates, scores, budget=b)``,
``mark_pending(candidates, budget=b)``, the ``budget_`` attribute and the
per-budget views ``observations(b)`` and ``model_observations()``. They drive
the optimizer as a successive-halving scheduler would: new candidates at the
lowest budget, the best of them told again at higher budgets.
"""

from __future__ import annotations

import functools
import math
import numbers
import random
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
from scipy import stats

from ..space import Candidate, Categorical, Distribution, Integer, Ordinal, Real, SearchSpace

__all__ = [
    "check_optimizer",
    "optimizer_checks",
    "parametrize_optimizer_checks",
]

OptimizerFactory = Callable[[SearchSpace, Any], Any]

# Number of ask/tell rounds of the longer checks: past the default initial
# design (10 points) of the model-based engines, and small enough for the GP.
_N_ROUNDS = 25


# --------------------------------------------------------------------------
# Spaces and objective
# --------------------------------------------------------------------------
class _Opaque:
    """A categorical value with no ``==`` beyond identity and no ``get_params``."""

    def __repr__(self) -> str:
        return "_Opaque()"


def _odd_choices() -> list:
    from sklearn.dummy import DummyClassifier

    return [None, "1", 1, 1.0, True, (2, 3), float("nan"), _Opaque(), DummyClassifier(strategy="prior")]


def mixed_space() -> SearchSpace:
    """One sub-space holding every kind of dimension."""
    return SearchSpace(
        {
            "real": Real(-2.0, 3.0),
            "real_log": Real(1e-4, 1e2, prior="log-uniform"),
            "int": Integer(-3, 7),
            "int_log": Integer(1, 512, prior="log-uniform"),
            "cat": Categorical(_odd_choices()),
            "dist": Distribution(stats.norm(1.0, 2.0)),
            "dist_int": Distribution(stats.poisson(3.0)),
        }
    )


def cash_space() -> SearchSpace:
    """Three sub-spaces, as in a choice between model families.

    Sub-spaces 0 and 1 both have a parameter ``"shared"``, in separate
    columns; each family is told apart by its ``"model"`` choice.
    """
    return SearchSpace(
        [
            {
                "model": ["svm"],
                "C": Real(1e-3, 1e3, prior="log-uniform"),
                "kernel": ["rbf", "linear", "poly"],
                "shared": Real(0.0, 1.0),
            },
            {
                "model": ["forest"],
                "max_depth": Integer(2, 16),
                "max_features": [1, 1.0, "sqrt"],
                "min_samples_leaf": Integer(1, 64, prior="log-uniform"),
                "shared": Real(0.0, 1.0),
            },
            {
                "model": ["knn"],
                "n_neighbors": Integer(1, 50),
                "weights": ["uniform", "distance"],
                "p": Distribution(stats.uniform(1.0, 1.0)),
            },
        ]
    )


def finite_spaces() -> list[SearchSpace]:
    """Small finite spaces, with their integer, categorical and discrete columns."""
    return [
        SearchSpace(
            [
                {"m": ["a"], "k": [1, 2, 3]},
                {"m": ["b"], "i": Integer(0, 4), "c": ["u", "v"]},
            ]
        ),
        SearchSpace(
            {
                "n": Integer(1, 4, prior="log-uniform"),
                "c": [None, (1,)],
                "d": Distribution(stats.binom(2, 0.5)),
            }
        ),
    ]


def _objective(candidate: Candidate) -> float:
    """A cheap smooth score of the encoded vector (higher is better)."""
    v = np.nan_to_num(np.asarray(candidate.vector, dtype=float), nan=0.5)
    target = 0.2 + 0.3 * (np.arange(len(v)) % 3)
    return float(-np.sum((v - target) ** 2) + 0.1 * candidate.subspace)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def _label(factory: OptimizerFactory) -> str:
    name = getattr(factory, "__name__", "")
    return name if name and name != "<lambda>" else repr(factory)


def _make(factory: OptimizerFactory, space: SearchSpace, random_state: Any) -> Any:
    opt = factory(space, random_state)
    for method in ("ask", "tell"):
        assert callable(getattr(opt, method, None)), f"the factory returned {opt!r}, which has no {method}()."
    return opt


_UNSET = object()  # "no budget argument": the calls of a search without fidelities


def _ask(opt: Any, n: int, context: str, budget: Any = _UNSET) -> list:
    kwargs = {} if budget is _UNSET else {"budget": budget}
    try:
        out = opt.ask(n, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported as a failed check
        args = ", ".join([str(n)] + [f"budget={budget!r}"] * bool(kwargs))
        raise AssertionError(f"{type(opt).__name__}.ask({args}) raised {exc!r} ({context}).") from exc
    assert isinstance(out, list), f"ask({n}) must return a list, got {type(out).__name__} ({context})."
    return out


def _tell(
    opt: Any, candidates: Sequence[Candidate], scores: Sequence[float], context: str, budget: Any = _UNSET
) -> None:
    kwargs = {} if budget is _UNSET else {"budget": budget}
    try:
        opt.tell(candidates, scores, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported as a failed check
        at = f" at budget={budget!r}" if kwargs else ""
        raise AssertionError(
            f"{type(opt).__name__}.tell(...) raised {exc!r} for scores {list(scores)!r}{at} ({context})."
        ) from exc


def _space_objects(space: SearchSpace) -> set[int]:
    """Ids of the estimator objects held by the space's categorical choices."""
    return {
        id(c)
        for dim in space.dims
        if isinstance(dim, Categorical)
        for c in dim.choices
        if hasattr(c, "get_params")
    }


def _assert_valid(space: SearchSpace, c: Any, context: str) -> None:
    """A proposal is a candidate of ``space``, inside every bound."""
    assert isinstance(c, Candidate), f"ask returned {c!r}, not a Candidate ({context})."
    s = c.subspace
    assert isinstance(s, numbers.Integral) and 0 <= s < space.n_subspaces, (
        f"candidate sub-space {s!r} is not one of the {space.n_subspaces} sub-spaces ({context})."
    )
    vector = np.asarray(c.vector, dtype=float)
    assert vector.shape == (space.n_columns,), (
        f"candidate vector has shape {vector.shape}, expected ({space.n_columns},) ({context})."
    )
    active = space.active[s]
    nan = np.isnan(vector)
    assert np.array_equal(nan, ~active), (
        f"candidate of sub-space {s} has NaN on columns {np.flatnonzero(nan).tolist()}, expected "
        f"exactly the inactive columns {np.flatnonzero(~active).tolist()} ({context})."
    )
    assert np.all((vector[active] >= 0.0) & (vector[active] <= 1.0)), (
        f"candidate vector {vector.tolist()} leaves the unit cube ({context})."
    )
    assert space.subspace_of(vector[None, :])[0] == s, (
        f"the root column of {vector.tolist()} does not name sub-space {s} ({context})."
    )
    expected = set(space.subspaces[s])
    assert set(c.params) == expected, (
        f"candidate of sub-space {s} has parameters {sorted(c.params)}, expected exactly "
        f"{sorted(expected)} ({context})."
    )
    owned = _space_objects(space)
    for name, dim in space.subspaces[s].items():
        value = c.params[name]
        assert dim.contains(value), f"{name}={value!r} is outside {dim!r} ({context})."
        if isinstance(dim, Ordinal):
            match = dim.values[dim.index(value)]
            assert type(value) is type(match), (
                f"{name}={value!r} has type {type(value).__name__}, but the value is a "
                f"{type(match).__name__} ({context})."
            )
        elif dim.kind == "int" and not isinstance(dim, Categorical):
            assert isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)), (
                f"{name}={value!r} of {dim!r} must be an int, got {type(value).__name__} ({context})."
            )
        if dim.kind == "real":
            assert isinstance(value, float) and math.isfinite(value), (
                f"{name}={value!r} of {dim!r} must be a finite float ({context})."
            )
        if isinstance(dim, Categorical):
            match = dim.choices[dim.index(value)]
            assert type(value) is type(match), (
                f"{name}={value!r} has type {type(value).__name__}, but the choice is a "
                f"{type(match).__name__} ({context})."
            )
            assert id(value) not in owned, (
                f"{name}={value!r} is the estimator object of the space, not a clone ({context})."
            )
    again = space.encode(c.params)
    assert again.key == c.key, (
        f"encoding the candidate's own parameters gives another key: {again.key} != {c.key} "
        f"({context})."
    )


def _run(
    opt: Any,
    space: SearchSpace,
    n_rounds: int,
    *,
    batch: int = 1,
    scores: Callable[[int, Candidate], float] | None = None,
    context: str = "",
) -> list[Candidate]:
    """``n_rounds`` of ask(batch)/validate/tell; returns every candidate asked."""
    asked: list[Candidate] = []
    keys: set[tuple] = set()
    for r in range(n_rounds):
        where = f"{context}round {r}"
        cands = _ask(opt, batch, where)
        assert len(cands) == batch, f"ask({batch}) returned {len(cands)} candidates on an infinite space ({where})."
        for c in cands:
            _assert_valid(space, c, where)
            assert c.key not in keys, f"candidate {c.params!r} was proposed twice ({where})."
            keys.add(c.key)
        values = [scores(len(asked) + i, c) if scores else _objective(c) for i, c in enumerate(cands)]
        _tell(opt, cands, values, where)
        asked.extend(cands)
    return asked


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------
def check_bounds(factory: OptimizerFactory) -> None:
    """Every proposal respects every dimension, in the design and the model phase."""
    space = mixed_space()
    opt = _make(factory, space, 0)
    asked = _run(opt, space, _N_ROUNDS, context="mixed space, ")
    n_obs = getattr(opt, "n_observations", len(asked))
    assert n_obs == len(asked), f"n_observations is {n_obs} after telling {len(asked)} candidates."
    cats = {space.subspaces[0]["cat"].index(c.params["cat"]) for c in asked}
    assert len(cats) > 1, "every proposal used the same categorical choice; the choices are not explored."


def check_conditional_parameters(factory: OptimizerFactory) -> None:
    """In a space of three sub-spaces, a candidate has exactly its sub-space's parameters."""
    space = cash_space()
    opt = _make(factory, space, 1)
    asked = _run(opt, space, _N_ROUNDS, context="3 sub-spaces, ")
    used = sorted({c.subspace for c in asked})
    assert used == [0, 1, 2], f"only sub-spaces {used} were proposed in {len(asked)} candidates."
    for c in asked:
        assert c.params["model"] == ["svm", "forest", "knn"][c.subspace], (
            f"candidate {c.params!r} is labelled sub-space {c.subspace}."
        )


def _sequence(factory: OptimizerFactory, seed: int, global_seed: int) -> list[tuple]:
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(global_seed)
    random.seed(global_seed)
    try:
        space = cash_space()
        opt = _make(factory, space, seed)
        asked = _run(opt, space, 12, context=f"random_state={seed}, ")
        asked += _run(opt, space, 2, batch=3, context=f"random_state={seed}, batches of 3, ")
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    return [c.key for c in asked]


def check_determinism(factory: OptimizerFactory) -> None:
    """The same seed gives the same candidates; different seeds give different ones.

    The global numpy and ``random`` states are seeded differently between the
    two same-seed runs, so an optimizer that draws from them fails.
    """
    a = _sequence(factory, 0, global_seed=1)
    b = _sequence(factory, 0, global_seed=2)
    for i, (ka, kb) in enumerate(zip(a, b)):
        assert ka == kb, (
            f"random_state=0 gave different candidates at position {i}: {ka} vs {kb}. Draw every "
            "random number from the optimizer's own generator."
        )
    assert len(a) == len(b)
    c = _sequence(factory, 1, global_seed=1)
    assert a != c, "random_state=0 and random_state=1 gave the same candidates."


def check_finite_space_exhausted(factory: OptimizerFactory) -> None:
    """A finite space of size N gives N distinct candidates, then ``ask`` returns []."""
    for space in finite_spaces():
        n = int(space.cardinality)
        opt = _make(factory, space, 0)
        keys: set[tuple] = set()
        sizes = [1, 1, 3, 2]  # mixes single asks with batches
        for r in range(n + 2):
            want = sizes[r % len(sizes)]
            where = f"finite space of {n} points, after {len(keys)} candidates"
            cands = _ask(opt, want, where)
            if not cands:
                break
            assert len(cands) == min(want, n - len(keys)), (
                f"ask({want}) returned {len(cands)} candidates with {n - len(keys)} left ({where})."
            )
            for c in cands:
                _assert_valid(space, c, where)
                assert c.key not in keys, f"candidate {c.params!r} was proposed twice ({where})."
                keys.add(c.key)
            _tell(opt, cands, [_objective(c) for c in cands], where)
        assert len(keys) == n, f"a finite space of {n} points gave {len(keys)} distinct candidates."
        assert keys == {space.key(x) for x in space.grid()}, "the candidates are not the points of the space."
        for want in (1, 4):
            rest = _ask(opt, want, f"exhausted space of {n} points")
            assert rest == [], f"ask({want}) on an exhausted space of {n} points returned {len(rest)} candidates."
        if hasattr(opt, "exhausted"):
            assert opt.exhausted, "exhausted is False after every point was asked."


def check_batches_and_pending(factory: OptimizerFactory) -> None:
    """``ask(4)`` twice before telling gives 8 distinct candidates, in both phases."""
    space = cash_space()
    opt = _make(factory, space, 2)
    keys: set[tuple] = set()
    for r in range(4):
        where = f"batch round {r}"
        first = _ask(opt, 4, where + ", first ask")
        second = _ask(opt, 4, where + ", second ask before telling")
        assert len(first) == 4 and len(second) == 4, f"ask(4) returned {len(first)} and {len(second)} ({where})."
        for c in first + second:
            _assert_valid(space, c, where)
            assert c.key not in keys, (
                f"candidate {c.params!r} was proposed twice; pending candidates must not be asked again ({where})."
            )
            keys.add(c.key)
        _tell(opt, first, [_objective(c) for c in first], where)
        _tell(opt, second, [_objective(c) for c in second], where)
    # Pending candidates also count against a finite space.
    small = SearchSpace({"a": ["x", "y", "z"], "b": [1, 2]})
    opt = _make(factory, small, 0)
    first = _ask(opt, 4, "finite space of 6 points")
    second = _ask(opt, 4, "finite space of 6 points, 4 pending")
    assert len(first) == 4 and len(second) == 2, (
        f"with 4 of 6 points pending, ask(4) returned {len(second)} candidates, expected 2."
    )
    assert len({c.key for c in first + second}) == 6, "pending candidates were asked again."
    assert _ask(opt, 1, "finite space of 6 points, all pending") == []
    _tell(opt, first + second, [_objective(c) for c in first + second], "finite space of 6 points")
    assert _ask(opt, 1, "finite space of 6 points, all told") == []


_NON_FINITE = (float("nan"), float("inf"), -float("inf"))


def check_non_finite_scores(factory: OptimizerFactory) -> None:
    """NaN, inf and -inf scores are failures: the optimizer goes on proposing."""

    def scores(i: int, c: Candidate) -> float:
        return _NON_FINITE[i % 4] if i % 4 < 3 else _objective(c)

    for space, n_rounds in ((mixed_space(), 14), (cash_space(), 20)):
        opt = _make(factory, space, 3)
        _run(opt, space, n_rounds, scores=scores, context="non-finite scores, ")
        _run(opt, space, 2, batch=3, scores=scores, context="non-finite scores, batches of 3, ")


def check_all_failed(factory: OptimizerFactory) -> None:
    """Only failed evaluations: the optimizer still proposes valid, new candidates."""

    def scores(i: int, c: Candidate) -> float:
        return _NON_FINITE[i % 3]

    space = cash_space()
    opt = _make(factory, space, 4)
    _run(opt, space, 20, scores=scores, context="all scores failed, ")
    _run(opt, space, 2, batch=3, scores=scores, context="all scores failed, batches of 3, ")
    # Then one success: the model must cope with a single finite score.
    c = _ask(opt, 1, "after all failures")
    _tell(opt, c, [1.0], "first finite score")
    _run(opt, space, 3, context="one finite score among failures, ")


def check_tell_encoded(factory: OptimizerFactory) -> None:
    """Candidates built by ``space.encode`` (never asked) can be told, and are not re-asked."""
    # Warm start on an infinite space, then go on.
    space = cash_space()
    opt = _make(factory, space, 5)
    warm = [space.to_candidate(x).params for x in space.sample(12, np.random.default_rng(0))]
    encoded = [space.encode(p) for p in warm]
    _tell(opt, encoded, [_objective(c) for c in encoded], "telling 12 encoded candidates")
    asked = _run(opt, space, 8, context="after a warm start, ")
    overlap = {c.key for c in asked} & {c.key for c in encoded}
    assert not overlap, "a told (encoded) candidate was asked again."
    # On a finite space, told points are not proposed again.
    space = finite_spaces()[0]
    n = int(space.cardinality)
    grid = space.to_candidates(space.grid())
    told = [space.encode(c.params) for c in grid[::3]]
    opt = _make(factory, space, 0)
    _tell(opt, told, [_objective(c) for c in told], "telling encoded candidates")
    keys: set[tuple] = set()
    for _ in range(n + 1):
        cands = _ask(opt, 2, "finite space with told points")
        if not cands:
            break
        for c in cands:
            _assert_valid(space, c, "finite space with told points")
            keys.add(c.key)
        _tell(opt, cands, [_objective(c) for c in cands], "finite space with told points")
    assert not keys & {c.key for c in told}, "a told (encoded) candidate was asked again."
    assert len(keys) == n - len(told), (
        f"after telling {len(told)} of {n} points, {len(keys)} new candidates were asked, "
        f"expected {n - len(told)}."
    )


def check_bad_arguments(factory: OptimizerFactory) -> None:
    """``ask(0)``, ``ask(-1)`` and non-integer ``n`` raise ValueError; so does a bad tell."""
    space = cash_space()
    opt = _make(factory, space, 0)
    for n in (0, -1, 1.5, "2", None, True):
        try:
            opt.ask(n)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"ask({n!r}) raised {exc!r}, expected ValueError.") from exc
        raise AssertionError(f"ask({n!r}) did not raise ValueError.")
    cands = _ask(opt, 2, "after bad asks")
    assert len(cands) == 2, "ask(2) failed after the rejected calls."
    try:
        opt.tell(cands, [1.0])
    except ValueError:
        pass
    else:
        raise AssertionError("tell with 2 candidates and 1 score did not raise ValueError.")
    _tell(opt, cands, [1.0, 0.5], "after a rejected tell")
    assert len(_ask(opt, 1, "after a rejected tell")) == 1


# --------------------------------------------------------------------------
# Budgets
# --------------------------------------------------------------------------
_BUDGETS = (1, 3, 9)  # the rungs of a successive-halving bracket with factor 3


def _budget_objective(c: Candidate, budget: float) -> float:
    """Scores rise with the budget, as a learning curve does."""
    return _objective(c) + 0.1 * math.log(budget)


def _same_rows(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


class _Record:
    """What a check told, to compare with what the optimizer recorded."""

    def __init__(self, n_columns: int) -> None:
        self.X: list[np.ndarray] = []
        self.y: list[float] = []
        self.subspace: list[int] = []
        self.budget: list[float] = []
        self.n_columns = n_columns

    def add(self, candidates: Sequence[Candidate], scores: Sequence[float], budget: Any) -> None:
        for c, v in zip(candidates, scores):
            self.X.append(np.asarray(c.vector, dtype=float))
            self.y.append(float(v))
            self.subspace.append(int(c.subspace))
            self.budget.append(math.inf if budget is None else float(budget))

    def rows(self, budget: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        idx = [i for i, b in enumerate(self.budget) if b == budget]
        X = np.array([self.X[i] for i in idx]).reshape(-1, self.n_columns)
        return X, np.array([self.y[i] for i in idx]), np.array([self.subspace[i] for i in idx])


def _assert_recorded(opt: Any, record: _Record, context: str) -> None:
    """``X_``, ``y_``, ``subspace_``, ``budget_`` and the per-budget views match what was told."""
    name = type(opt).__name__
    for attr in ("X_", "y_", "subspace_", "budget_"):
        assert hasattr(opt, attr), f"{name} has no {attr} attribute ({context})."
    n = len(record.y)
    for attr in ("X_", "y_", "subspace_", "budget_"):
        got = len(getattr(opt, attr))
        assert got == n, f"{name}.{attr} has {got} rows after {n} observations were told ({context})."
    assert _same_rows(opt.budget_, record.budget), (
        f"{name}.budget_ is {np.asarray(opt.budget_).tolist()}, expected {record.budget} ({context})."
    )
    for b in sorted(set(record.budget)):
        want = record.rows(b)
        got = opt.observations(None if b == math.inf else b)
        for label, g, w in zip(("X", "y", "subspace"), got, want):
            assert _same_rows(g, w), (
                f"{name}.observations({b!r}).{label} does not hold the rows told at that budget, "
                f"in order ({context})."
            )
    mb = opt.model_budget_
    if mb is not None:
        assert mb in set(record.budget), (
            f"{name}.model_budget_ is {mb!r}, which is not a budget told so far ({context})."
        )
        for label, g, w in zip(("X", "y", "subspace"), opt.model_observations(), opt.observations(mb)):
            assert _same_rows(g, w), (
                f"{name}.model_observations().{label} differs from observations({mb!r}).{label} "
                f"({context})."
            )


def _bracket(
    opt: Any,
    space: SearchSpace,
    record: _Record,
    keys: set[tuple],
    *,
    n: int = 9,
    scores: Callable[[Candidate, float], float] = _budget_objective,
    context: str = "",
) -> list[Candidate]:
    """One successive-halving bracket over ``_BUDGETS``: n new candidates, the best third promoted."""
    cands = _ask(opt, n, f"{context}new candidates at budget 1", budget=_BUDGETS[0])
    assert len(cands) == n, f"ask({n}, budget=1) returned {len(cands)} candidates ({context})."
    for c in cands:
        _assert_valid(space, c, f"{context}budget 1")
        assert c.key not in keys, (
            f"candidate {c.params!r} was proposed again after it was asked or told at some budget "
            f"({context})."
        )
        keys.add(c.key)
    for b in _BUDGETS:
        where = f"{context}budget {b}"
        values = [scores(c, b) for c in cands]
        _tell(opt, cands, values, where, budget=b)
        record.add(cands, values, b)
        _assert_recorded(opt, record, where)
        if b == _BUDGETS[-1]:
            break
        finite = np.asarray(values, dtype=float)
        order = np.argsort(-np.where(np.isfinite(finite), finite, -np.inf), kind="stable")
        cands = [cands[i] for i in order[: max(1, len(cands) // 3)]]
        _mark_pending(opt, cands, b * 3, where)
    return cands


def _mark_pending(opt: Any, candidates: list[Candidate], budget: float, context: str) -> None:
    try:
        opt.mark_pending(candidates, budget=budget)
    except Exception as exc:  # noqa: BLE001 - reported as a failed check
        raise AssertionError(
            f"{type(opt).__name__}.mark_pending(..., budget={budget!r}) raised {exc!r} ({context})."
        ) from exc


def _budget_run(factory: OptimizerFactory, seed: int) -> list[tuple]:
    space = cash_space()
    opt = _make(factory, space, seed)
    record, keys = _Record(space.n_columns), set()
    for r in range(3):
        _bracket(opt, space, record, keys, context=f"bracket {r}, ")
    # Then the full budget, as a search without fidelities would go on.
    asked = _run(opt, space, 4, context="full budget after three brackets, ")
    record.add(asked, [_objective(c) for c in asked], None)
    _assert_recorded(opt, record, "full budget after three brackets")
    for c in asked:
        assert c.key not in keys, f"candidate {c.params!r} was proposed again at the full budget."
    configs = getattr(opt, "n_configurations", len(keys) + len(asked))
    assert configs == len(keys) + len(asked), (
        f"n_configurations is {configs} after {len(keys) + len(asked)} distinct candidates were told."
    )
    return sorted(keys) + [c.key for c in asked]


def check_budget_observations(factory: OptimizerFactory) -> None:
    """Candidates told at several budgets: every observation is kept, with its budget.

    Three brackets of successive halving (9 candidates at budget 1, the best 3
    at budget 3, the best at budget 9), then full-budget asks. ``X_``, ``y_``,
    ``subspace_`` and ``budget_`` hold one row per (candidate, budget),
    ``observations(b)`` the rows of budget ``b``, a promoted candidate is
    never proposed again as a new one, and the same seed gives the same
    candidates.
    """
    a = _budget_run(factory, 6)
    b = _budget_run(factory, 6)
    assert a == b, "random_state=6 gave different candidates in two runs with budgets."


def check_budget_failures(factory: OptimizerFactory) -> None:
    """Failures at one budget, then at every budget: the optimizer goes on proposing."""

    def failing_above_1(c: Candidate, budget: float) -> float:
        return _budget_objective(c, budget) if budget == 1 else _NON_FINITE[c.subspace]

    def failing(c: Candidate, budget: float) -> float:
        return _NON_FINITE[int(budget) % 3]

    space = cash_space()
    opt = _make(factory, space, 7)
    record, keys = _Record(space.n_columns), set()
    for r in range(2):
        _bracket(opt, space, record, keys, scores=failing_above_1, context=f"failures above budget 1, bracket {r}, ")
    _bracket(opt, space, record, keys, scores=failing, context="every score failed, ")
    _bracket(opt, space, record, keys, context="after failures, ")


def check_budget_pending(factory: OptimizerFactory) -> None:
    """A candidate pending at two budgets, told out of order, is not proposed again."""
    space = cash_space()
    opt = _make(factory, space, 8)
    record, keys = _Record(space.n_columns), set()
    first = _ask(opt, 3, "pending at budget 1", budget=1)
    _mark_pending(opt, first, 3, "pending at budgets 1 and 3")
    second = _ask(opt, 3, "while 3 candidates are pending at budgets 1 and 3", budget=1)
    for c in first + second:
        _assert_valid(space, c, "pending at two budgets")
        assert c.key not in keys, f"candidate {c.params!r} was proposed while it was pending."
        keys.add(c.key)
    for cands, b in ((first, 3), (second, 1), (first, 1)):  # budget 3 is told first
        values = [_budget_objective(c, b) for c in cands]
        _tell(opt, cands, values, f"telling at budget {b}", budget=b)
        record.add(cands, values, b)
    _assert_recorded(opt, record, "candidates told at budget 3 before budget 1")
    pending = getattr(opt, "n_pending", 0)
    assert pending == 0, f"n_pending is {pending} after every pending (candidate, budget) was told."
    for r in range(3):
        _bracket(opt, space, record, keys, context=f"after out-of-order tells, bracket {r}, ")


def check_budget_bad_arguments(factory: OptimizerFactory) -> None:
    """A budget that is not None or a positive number is a ValueError, and changes nothing."""
    space = cash_space()
    opt = _make(factory, space, 0)
    cands = _ask(opt, 2, "before bad budgets", budget=1)
    for bad in (0, -1, float("nan"), "3", True, [3]):
        for call in ("ask", "tell", "mark_pending"):
            try:
                if call == "ask":
                    opt.ask(1, budget=bad)
                elif call == "tell":
                    opt.tell(cands, [0.1, 0.2], budget=bad)
                else:
                    opt.mark_pending(cands, budget=bad)
            except ValueError:
                continue
            except Exception as exc:  # noqa: BLE001
                raise AssertionError(f"{call}(..., budget={bad!r}) raised {exc!r}, expected ValueError.") from exc
            raise AssertionError(f"{call}(..., budget={bad!r}) did not raise ValueError.")
    assert len(opt.y_) == 0, f"rejected tells recorded {len(opt.y_)} observations."
    _tell(opt, cands, [0.1, 0.2], "after rejected budgets", budget=1)
    assert len(_ask(opt, 1, "after rejected budgets", budget=1)) == 1


_CHECKS = (
    check_bounds,
    check_conditional_parameters,
    check_determinism,
    check_finite_space_exhausted,
    check_batches_and_pending,
    check_non_finite_scores,
    check_all_failed,
    check_tell_encoded,
    check_bad_arguments,
    check_budget_observations,
    check_budget_failures,
    check_budget_pending,
    check_budget_bad_arguments,
)


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------
def optimizer_checks(factory: OptimizerFactory) -> Iterator[tuple[str, Callable[[], None]]]:
    """The conformance checks of an optimizer, one by one.

    Parameters
    ----------
    factory : callable
        ``factory(space, random_state)`` returns a new optimizer over the
        :class:`~skhpo.space.SearchSpace` ``space``, seeded by
        ``random_state``.

    Yields
    ------
    name : str
        The name of the check, e.g. ``"check_bounds"``.
    check : callable
        Runs the check when called with no argument; raises
        :class:`AssertionError` on failure.

    See Also
    --------
    parametrize_optimizer_checks : The checks as pytest test cases.
    check_optimizer : Run every check.

    Examples
    --------
    >>> from skhpo.optimizers import RandomOptimizer
    >>> from skhpo.testing import optimizer_checks
    >>> def factory(space, random_state):
    ...     return RandomOptimizer(space, random_state=random_state)
    >>> checks = dict(optimizer_checks(factory))
    >>> "check_finite_space_exhausted" in checks
    True
    >>> checks["check_bad_arguments"]()
    """
    for check in _CHECKS:
        yield check.__name__, functools.partial(check, factory)


def check_optimizer(factory: OptimizerFactory) -> None:
    """Run every conformance check on an optimizer.

    Parameters
    ----------
    factory : callable
        ``factory(space, random_state)`` returns a new optimizer.

    Raises
    ------
    AssertionError
        From the first failing check, its name prefixed.

    Examples
    --------
    >>> from skhpo.optimizers import RandomOptimizer
    >>> from skhpo.testing import check_optimizer
    >>> check_optimizer(lambda space, random_state: RandomOptimizer(space, random_state=random_state))
    """
    for name, check in optimizer_checks(factory):
        try:
            check()
        except AssertionError as exc:
            raise AssertionError(f"{name} failed for {_label(factory)}: {exc}") from exc


def parametrize_optimizer_checks(
    factories: Mapping[str, OptimizerFactory] | Iterable[OptimizerFactory],
) -> Any:
    """A ``pytest.mark.parametrize`` over every check of every optimizer.

    The decorated test takes one argument, ``check``, and calls it.

    Parameters
    ----------
    factories : dict or iterable of callables
        ``{name: factory}``, or factories (named by their ``__name__``, or
        by the class of the optimizer they build). A factory is called as
        ``factory(space, random_state)`` and returns a new optimizer.

    Returns
    -------
    decorator
        The ``pytest.mark.parametrize`` mark; test ids read
        ``"<name>-<check name>"``.

    Examples
    --------
    >>> from skhpo.optimizers import RandomOptimizer
    >>> from skhpo.testing import parametrize_optimizer_checks
    >>> @parametrize_optimizer_checks(
    ...     {"random": lambda space, random_state: RandomOptimizer(space, random_state=random_state)}
    ... )
    ... def test_conformance(check):
    ...     check()
    >>> [m.name for m in test_conformance.pytestmark]
    ['parametrize']
    """
    import pytest

    if isinstance(factories, Mapping):
        named = list(factories.items())
    else:
        named = [(_factory_name(f), f) for f in factories]
    params, ids = [], []
    for label, factory in named:
        for name, check in optimizer_checks(factory):
            params.append(check)
            ids.append(f"{label}-{name}")
    return pytest.mark.parametrize("check", params, ids=ids)


def _factory_name(factory: OptimizerFactory) -> str:
    name = getattr(factory, "__name__", "")
    if name and name != "<lambda>":
        return name
    return type(factory(SearchSpace({"x": [0, 1]}), 0)).__name__
