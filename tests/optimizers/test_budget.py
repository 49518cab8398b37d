"""Budgets in the ask/tell protocol.

The first test pins the candidates of the GP, TPE and random optimizers for a
search without budgets: the traces below were recorded from the code *before*
budgets entered the protocol (commit a150670), and a search that never passes
a budget must reproduce them bit for bit. If an engine's proposal rule is
changed on purpose, re-record them with ``python tests/optimizers/test_budget.py``
and say so in the commit message.
"""

import hashlib
import json

import numpy as np
import pytest
from scipy import stats

from skhpo.optimizers import GPOptimizer, RandomOptimizer, TPEOptimizer
from skhpo.space import Categorical, Distribution, Integer, Real, SearchSpace

ENGINES = {"RandomOptimizer": RandomOptimizer, "GPOptimizer": GPOptimizer, "TPEOptimizer": TPEOptimizer}


# --------------------------------------------------------------------------
# Traces without budgets: identical to the code before budgets
# --------------------------------------------------------------------------
def _mixed_space() -> SearchSpace:
    return SearchSpace(
        {
            "real": Real(-2.0, 3.0),
            "real_log": Real(1e-4, 1e2, prior="log-uniform"),
            "int": Integer(-3, 7),
            "int_log": Integer(1, 512, prior="log-uniform"),
            "cat": Categorical(["a", "b", None, 3]),
            "dist": Distribution(stats.norm(1.0, 2.0)),
        }
    )


def _cash_space() -> SearchSpace:
    return SearchSpace(
        [
            {"model": ["svm"], "C": Real(1e-3, 1e3, prior="log-uniform"), "kernel": ["rbf", "linear", "poly"]},
            {"model": ["forest"], "max_depth": Integer(2, 16), "min_samples_leaf": Integer(1, 64, prior="log-uniform")},
            {"model": ["knn"], "n_neighbors": Integer(1, 50), "weights": ["uniform", "distance"]},
        ]
    )


SPACES = {"mixed": _mixed_space, "cash": _cash_space}


def _objective(candidate) -> float:
    v = np.nan_to_num(np.asarray(candidate.vector, dtype=float), nan=0.5)
    return float(-np.sum((v - 0.3) ** 2) + 0.2 * candidate.subspace)


def _digest(candidate) -> str:
    raw = np.asarray(candidate.vector, dtype=float).tobytes() + bytes([candidate.subspace])
    return hashlib.sha256(raw).hexdigest()[:12]


def _trace(engine: str, space: str, **tell_kwargs) -> list[str]:
    """25 ask/tell steps (20 single asks, then 5 batches of 2; every 7th score a failure)."""
    opt = ENGINES[engine](SPACES[space](), random_state=0)
    out: list[str] = []
    for step in range(25):
        cands = opt.ask(1 if step < 20 else 2)
        scores = [np.nan if (len(out) + i) % 7 == 6 else _objective(c) for i, c in enumerate(cands)]
        opt.tell(cands, scores, **tell_kwargs)
        out.extend(_digest(c) for c in cands)
    return out


RECORDED = {
    "RandomOptimizer-mixed": (
        "f7621b4277c7 68fb9fadea72 7953717381b8 4aa156e78744 a5e55e34ffa8 1cd818d7a66b "
        "3a168a44d5d5 e9e1704be149 081664538af9 70a59a3f60a2 10e78f07265b 7205c87e63ab "
        "945d3d7f4dc6 37aab38a860a a0c96dafcaa7 b799f5d74b24 3dd28712c28c 26b46d36e72d "
        "6081239dd364 8d97de6c6868 dfd92430c32a 2829f3d78b60 f0d210332f01 f055f110d1cb "
        "c9b6dc9d3c5f a3423be1b8dc 03399c1bf3af 9a838f5d3331 0657f59d0167 61425e89177c"
    ),
    "RandomOptimizer-cash": (
        "5d635078344a 641d5675103d e6fe5279af17 9a2e6babcd2c dad47f2919c8 72810e8469e3 "
        "e1db3f00ba2d faf91056fdda 17051ff02b0b 07bb3cb46be2 85bb2f67bfb9 c540318f831c "
        "2808fa6d5809 6fae1cd5c3d9 1a24c70af878 6d10635a56ea 51b5132a6f0b 2896c14b0127 "
        "74bfa3768073 7a8e88822828 1067538cbf8d a20dc7ca432f d1e106534af6 f126711aa4a2 "
        "5baf11af33d2 58028206ca1a ee85c4ddf4c9 bf3f86337b28 8acd64ef9cd9 5e32467faa47"
    ),
    "GPOptimizer-mixed": (
        "011c417cd899 1c0830dcb78f a4ff2f0b59c2 4295e4a7ecbb fab181906ac2 d1d97692b82e "
        "291ea8b5d50e d2e09d4611ec b4b2fa80a704 303eb1c36e77 56ee83ba14db c18d0bb99fb6 "
        "c5276b062016 c8fe16e08b3e a6c09b006b29 75307675ae2d 24776a2d05be 953763933dc2 "
        "64adc936caec b24de4876e8e a25fff0be764 8d9abb849214 0b178fc631ab a402230213db "
        "67d608e6bf9d 15b527b06f3f 60d68660f15e 7780be12128e 77404e474ed7 534cacfb2d27"
    ),
    "GPOptimizer-cash": (
        "e81e67dcb57d 66116cb74db2 468eaded4480 912951c939a2 b99029ce15f1 c8204bc4a504 "
        "644ca715959b 3c67e3331438 93ea11aadd8a d6a76864d446 402e7e202cd6 d945f57a2544 "
        "d748ecdcc24b 200330362178 51b5132a6f0b fb86f302a52c 493e381b1619 c5e0aafde4db "
        "b3de553c5ced a8768661e61f 0898e547fdd8 e93576cfe12a 689716952cab 5ff082a43a69 "
        "f8542db049cc cbd21d3cb009 163c97b95428 b5a7c1f6ac26 dafdc368f5c0 39a8f72b18f8"
    ),
    "TPEOptimizer-mixed": (
        "011c417cd899 1c0830dcb78f a4ff2f0b59c2 4295e4a7ecbb fab181906ac2 d1d97692b82e "
        "291ea8b5d50e 7e7c224b0d39 c80d520e54e6 75f37e445437 5b099f8605d5 7d6c557d03f5 "
        "4aff4f3922ea 198cb9bd6ac7 f880a0228907 aa9ea0ad0792 d363c64423d2 11bbd61a7f42 "
        "6c47aa771680 16195277e5e8 f4da658a727a 6d741ba7bb5f 26046dac4cf4 f31c20179368 "
        "155aa0465b44 74712448bfb7 69207c65172a dfba202d979c ff172f094747 d4e7a90b2d01"
    ),
    "TPEOptimizer-cash": (
        "e81e67dcb57d 66116cb74db2 468eaded4480 912951c939a2 b99029ce15f1 c8204bc4a504 "
        "644ca715959b 3c67e3331438 93ea11aadd8a d6a76864d446 748d65946128 fb86f302a52c "
        "a8768661e61f 28e44aa6c770 41d793c14d33 37d5834428bb d1146aada48c 6d7df7da00a8 "
        "ee85c4ddf4c9 0c43445ff570 90be607e3140 db4233d3decb 0a8121c0f08d f1d7c49ac964 "
        "890e35a6f722 78c010e60853 bccee51c57d0 72810e8469e3 70d4c681c3bc 641d5675103d"
    ),
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_no_budget_reproduces_the_recorded_trace(name):
    engine, space = name.split("-")
    got = _trace(engine, space)
    want = RECORDED[name].split()
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
    assert first is None and len(got) == len(want), (
        f"{name}: the candidates differ from the recorded trace from position {first} on."
    )


if __name__ == "__main__":  # re-record the traces
    print(json.dumps({name: " ".join(_trace(*name.split("-"))) for name in RECORDED}, indent=4))
