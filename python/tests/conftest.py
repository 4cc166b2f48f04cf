"""Shared fixtures: the brief's hospital dataset, and the package on sys.path."""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

import pytest

# The built package (PYTHONPATH=build/python, with arca._native) when there is one, else the
# sources.
if importlib.util.find_spec("arca") is None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import arca  # noqa: E402

HOSPITAL = {"age": "integer", "income": "decimal", "smoker": "boolean", "site": ["north", "south"], "id": "integer"}

NATIVE = importlib.util.find_spec("arca._native") is not None
needs_native = pytest.mark.skipif(not NATIVE, reason="arca._native is not built (build the target arca_python)")


@pytest.fixture
def h() -> arca.DataFrame:
    """hospital_a: age, id, income, site, smoker."""
    return arca.dataset("hospital_a", schema=HOSPITAL)


@pytest.fixture
def other() -> arca.DataFrame:
    """hospital_b: id, income, region."""
    return arca.dataset("hospital_b", schema={"id": "integer", "income": "decimal", "region": ["east", "west"]})


def document(*frames: Any, **named: Any) -> dict[str, Any]:
    """The plan document of frames as outputs out_0, out_1, ... (or by name)."""
    outputs = {f"out_{i}": f for i, f in enumerate(frames)} | named
    return arca.Plan("Test plan", outputs=outputs, recipients=["lab"]).to_dict()


def nodes(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The document's nodes by id."""
    return {n["id"]: n for n in doc["nodes"]}
