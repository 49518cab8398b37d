"""Project-level invariants: the README's commands and CI stay in step."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)


def test_readme_opens_with_the_two_commands():
    commands = _readme_commands()
    assert len(commands) >= 2
    assert "examples/quickstart.py" in commands[0]
    assert "pytest" in commands[1]
    assert (ROOT / "examples" / "quickstart.py").exists()


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert ci_lines == [_readme_commands()[1].strip()]


def _readme_python_blocks():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)\n```", text, flags=re.S)


def test_readme_python_snippets_define_every_name_they_use():
    import ast
    import builtins

    defined = set(dir(builtins))
    for block in _readme_python_blocks():  # later blocks may use earlier ones' names
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                defined.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        assert used <= defined, f"README snippet uses undefined names {sorted(used - defined)}"


def test_package_description_names_only_searchers_that_exist():
    import skhpo

    description = re.search(r'^description = "(.*)"$', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    for name, words in {
        "HalvingBOHBSearchCV": ("BOHB", "Hyperband", "halving"),
        "EvolutionSearchCV": ("evolution", "genetic"),
    }.items():
        if name not in skhpo.__all__:
            assert not any(w.lower() in description.lower() for w in words), (name, description)


def test_readme_mentions_slow_tests_only_if_there_are_some():
    readme = (ROOT / "README.md").read_text()
    if "-m slow" in readme:
        marked = [p for p in (ROOT / "tests").rglob("test_*.py") if "pytest.mark.slow" in p.read_text()]
        assert marked, "the README points to slow tests, but none is marked slow"


def test_space_and_optimizers_do_not_import_scikit_learn():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import skhpo, skhpo.optimizers, skhpo.space\n"
        "space = skhpo.space.SearchSpace([{'a': (1, 5), 'b': [1, 2, 4]}, {}])\n"
        "opt = skhpo.optimizers.TPEOptimizer(space, random_state=0)\n"
        "opt.tell(opt.ask(3), [0.1, 0.2, 0.3])\n"
        "assert 'sklearn' not in sys.modules, sorted(m for m in sys.modules if 'sklearn' in m)[:5]\n"
        "from skhpo import TPESearchCV\n"
        "assert 'sklearn' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
