"""The documentation site builds without a warning.

Runs the README's docs build (Sphinx with ``-W``, warnings are errors) into a
temporary directory. The gallery's scripts are not run by this build
(``tests/test_examples.py`` runs them); their pages, the API reference
generated from the docstrings and the Markdown pages are built and checked.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("sphinx") is None, reason="sphinx is not installed (pip install -e '.[docs]')"
)


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    doctrees = tmp_path_factory.mktemp("doctrees")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d", str(doctrees), str(DOCS), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"the docs build failed or warned:\n{proc.stderr[-6000:]}"
    assert proc.stderr.strip() == "", proc.stderr[-6000:]
    return out


def test_docs_build_has_every_page(html):
    for page in ["index", "user_guide", "design", "benchmarks", "api", "auto_examples/index"]:
        assert (html / f"{page}.html").is_file(), page
    index = (html / "index.html").read_text()
    for target in ["user_guide.html", "auto_examples/index.html", "api.html", "benchmarks.html", "design.html"]:
        assert f'href="{target}' in index, target


def test_api_reference_documents_every_public_name(html):
    import skhpo
    import skhpo.callbacks
    import skhpo.optimizers
    import skhpo.space

    import skhpo.exceptions
    import skhpo.plot

    expected = [f"skhpo.{n}" for n in skhpo.__all__ if n != "__version__"]
    for module in (skhpo.space, skhpo.optimizers, skhpo.callbacks, skhpo.plot, skhpo.exceptions):
        expected += [f"{module.__name__}.{n}" for n in module.__all__]
    api = (html / "api.html").read_text()
    missing = [name for name in expected if not (html / "generated" / f"{name}.html").is_file()]
    assert not missing, f"no API page for {missing}"
    assert not [n for n in expected if f"generated/{n}.html" not in api], "the API index does not link every page"


def test_api_pages_render_the_numpydoc_sections(html):
    page = (html / "generated" / "skhpo.TPESearchCV.html").read_text()
    for section in ("Parameters", "Attributes", "Examples"):
        assert f">{section}<" in page, section
    assert "n_ei_candidates" in page


def test_gallery_lists_every_example(html):
    gallery = (html / "auto_examples" / "index.html").read_text()
    scripts = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))
    assert scripts
    for stem in scripts:
        assert (html / "auto_examples" / f"{stem}.html").is_file(), stem
        assert f"{stem}.html" in gallery, stem


def test_markdown_pages_keep_their_tables_and_headings(html):
    guide = (html / "user_guide.html").read_text()
    assert "<table" in guide
    headings = re.findall(r"^## (.+)$", (DOCS / "user_guide.md").read_text(), re.M)
    assert headings
    for heading in headings:
        assert heading.split("`")[0].strip()[:20] in guide, heading
