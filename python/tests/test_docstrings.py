"""Every public class, function and method has a docstring, and the docstrings' examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import arca

MODULES = sorted(m.name for m in pkgutil.iter_modules(arca.__path__, "arca.") if not m.name.startswith("arca._"))
# The modules users call; the others (ops, expressions, lower, unsupported) are the machinery.
USER_FACING = ["arca.convert", "arca.errors", "arca.frame", "arca.groupby", "arca.layout", "arca.local", "arca.plan",
               "arca.remote", "arca.schema", "arca.series"]


def _public(module):
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(value) or inspect.isfunction(value):
            yield name, value
            if inspect.isclass(value):
                for attr, member in vars(value).items():
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        yield f"{name}.{attr}", member


@pytest.mark.parametrize("module_name", MODULES)
def test_public_names_have_docstrings(module_name):
    module = importlib.import_module(module_name)
    assert module.__doc__
    missing = [name for name, value in _public(module) if not inspect.getdoc(value)]
    assert not missing


@pytest.mark.parametrize("module_name", USER_FACING)
def test_user_facing_docstrings_have_examples(module_name):
    module = importlib.import_module(module_name)
    missing = [name for name, value in _public(module) if "Examples" not in (inspect.getdoc(value) or "")]
    assert not missing


@pytest.mark.parametrize("module_name", ["arca"] + MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
