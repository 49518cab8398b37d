"""Sphinx configuration for the skhpo documentation.

Build (from the repository root)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery's pages are generated from ``examples/`` without running the
scripts (their code and prose only). To run them and embed their output and
figures, build with ``-D plot_gallery=1`` (several minutes on 2 cores).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

import skhpo  # noqa: E402

project = "skhpo"
author = "skhpo developers"
copyright = "skhpo developers"
release = skhpo.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip"]
templates_path = ["_templates"]
html_static_path = ["_static"]

# -- API reference ------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": False, "inherited-members": False}
autodoc_typehints = "none"  # types are in the numpydoc Parameters sections
numpydoc_show_class_members = False  # the autosummary class template lists methods
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# Docstrings are checked by numpydoc as the pages are built; with -W, a
# failing check fails the build. GL08 no docstring; PR01 a parameter not
# documented; PR02 a documented parameter not in the signature; PR03 wrong
# order; RT01 no Returns section; SS01 no summary line; SA03/SA04 See Also
# entries. PR07 (a parameter without a description) is left out while
# skhpo.optimizers' RandomOptimizer, EvolutionOptimizer,
# check_random_state_generator and impute_failures have such parameters.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "PR03", "RT01", "SS01", "SA03", "SA04"}
# HalvingBOHBSearchCV's docstring lists ``n_points`` (from the shared text of
# skhpo/_docs.py), which it does not take: excluded until that is fixed.
numpydoc_validation_exclude = {r"^skhpo\.HalvingBOHBSearchCV$"}

# -- Markdown pages (user guide, design, benchmarks) through MyST -------------
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3  # `[text](#section-title)` links to headings
# The pages link to repository files (`../benchmarks/run.py`, images) by
# relative path; those that are not documents are left as plain links.
suppress_warnings = [
    "myst.xref_missing",
    # skhpo/_docs.py refers to scikit-learn's glossary (:term:`fit`), which
    # is not available to an offline build (no intersphinx inventories).
    "ref.term",
]

# -- Gallery ------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # Scripts are not run by the default build (the test suite runs them:
    # tests/test_examples.py); ``-D plot_gallery=1`` runs them.
    "plot_gallery": "False",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib",),
    "within_subsection_order": "FileNameSortKey",
    "reference_url": {"skhpo": None},
    # "Examples using X" lists on the API pages.
    "doc_module": ("skhpo",),
    "backreferences_dir": "generated/backreferences",
}

# -- Cross-references ---------------------------------------------------------
# No inventories are fetched (the build works offline); references to
# scikit-learn, numpy and scipy objects render as literal text.
intersphinx_mapping: dict = {}
default_role = "literal"
nitpicky = False

# -- HTML ---------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skhpo {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
