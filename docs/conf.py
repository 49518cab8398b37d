"""Sphinx configuration for the skhpo documentation.

Build (from the repository root)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery's pages are generated from ``examples/`` without running the
scripts (their code and prose only). To run them and embed their output and
figures, build with ``-D plot_gallery=1`` (about 5 minutes on 2 cores).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

import skhpo  # noqa: E402
from sphinx_gallery.sorting import ExplicitOrder  # noqa: E402

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

# -- API reference ------------------------------------------------------------
API_MODULES = ["skhpo", "skhpo.space", "skhpo.optimizers", "skhpo.callbacks", "skhpo.plot"]


def _skhpo_methods() -> tuple[dict[str, list[str]], set[str]]:
    """Public methods that skhpo itself defines, per public class.

    The class pages document these; methods inherited unchanged from
    scikit-learn (``predict``, ``score``, ``get_params``, ...) are
    scikit-learn's, documented there, and their docstrings refer to
    scikit-learn's own pages, which this site does not have.

    Also returns the methods that override a documented method without a
    docstring of their own (e.g. ``Real.to_unit``): their page shows the
    inherited docstring, which numpydoc validates where it is written.
    """
    import importlib
    import inspect

    methods, inherit_doc = {}, set()
    for modname in API_MODULES:
        try:
            module = importlib.import_module(modname)
        except ImportError:  # pragma: no cover - a module not written yet
            continue
        for name in module.__all__:
            cls = getattr(module, name)
            if not inspect.isclass(cls):
                continue
            own = []
            for attr in dir(cls):
                if attr.startswith("_"):
                    continue
                owner = next(k for k in cls.__mro__ if attr in vars(k))
                member = vars(owner)[attr]
                if isinstance(member, (classmethod, staticmethod)):
                    member = member.__func__
                if inspect.isfunction(member) and owner.__module__.split(".")[0] == "skhpo":
                    own.append(attr)
                    if not member.__doc__ and inspect.getdoc(getattr(cls, attr)):
                        inherit_doc.add(f"{modname}.{name}.{attr}")
            methods[f"{modname}.{name}"] = own
    return methods, inherit_doc


_METHODS, _INHERITED_DOCSTRINGS = _skhpo_methods()
autosummary_context = {"skhpo_methods": _METHODS}
autosummary_generate = True
autodoc_default_options = {"members": False, "inherited-members": False}
autodoc_typehints = "none"  # types are in the numpydoc Parameters sections
numpydoc_show_class_members = False  # the autosummary class template lists methods
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# Docstrings are checked by numpydoc as the pages are built; with -W, a
# failing check fails the build. GL08 no docstring; PR01 a parameter not
# documented; PR02 a documented parameter not in the signature; PR03 wrong
# order; PR07 a parameter without a description; RT01 no Returns section;
# SS01 no summary line; SA03/SA04 See Also entries.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "PR03", "PR07", "RT01", "SS01", "SA03", "SA04"}
numpydoc_validation_exclude = {"^" + re.escape(name) + "$" for name in _INHERITED_DOCSTRINGS}

# -- Markdown pages (user guide, design, benchmarks) through MyST -------------
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3  # `[text](#section-title)` links to headings
# The pages link to repository files (`../benchmarks/run.py`, images) by
# relative path; those that are not documents are left as plain links.
suppress_warnings = [
    "myst.xref_missing",
    # Properties the searchers inherit from BaseSearchCV (n_features_in_,
    # classes_) refer to scikit-learn's glossary (:term:`fit`), which an
    # offline build cannot reach (no intersphinx inventories).
    "ref.term",
]

# -- Gallery ------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # Scripts are not run by the default build (the test suite runs them:
    # tests/test_examples.py); ``-D plot_gallery=1`` runs them.
    "plot_gallery": "False",
    "filename_pattern": r"/(plot_|quickstart)",
    "download_all_examples": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib",),
    # From the first thing users come for to the more specialised ones.
    "within_subsection_order": ExplicitOrder(
        [
            "quickstart.py",
            "plot_pipeline.py",
            "plot_cash.py",
            "plot_tabular_lightgbm.py",
            "plot_time_series.py",
            "plot_nested_cv_groups.py",
            "plot_multi_fidelity.py",
            "plot_search_displays.py",
            "*",
        ]
    ),
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
