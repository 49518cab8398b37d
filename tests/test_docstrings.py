"""Every public object has a numpydoc docstring with a runnable Examples section.

The examples themselves run as doctests (``--doctest-modules`` in pyproject).
"""

import importlib
import inspect

import pytest

MODULES = ["skhpo", "skhpo.space", "skhpo.optimizers", "skhpo.callbacks", "skhpo.testing", "skhpo.plot", "skhpo.exceptions"]


def _public_objects():
    for modname in MODULES:
        mod = importlib.import_module(modname)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{modname}.{name}", obj


@pytest.mark.parametrize("name, obj", list(_public_objects()), ids=lambda x: x if isinstance(x, str) else "")
def test_public_object_has_numpydoc_with_examples(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    assert "Examples\n--------" in doc and ">>> " in doc, f"{name} lacks a runnable Examples section"
    try:
        signature = inspect.signature(obj)
    except ValueError:  # an exception class: the builtin's signature
        return
    params = [p for p in signature.parameters if p not in ("self", "args", "kwargs")]
    if params:
        assert "Parameters\n----------" in doc, f"{name} lacks a Parameters section"
