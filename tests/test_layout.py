"""Guardrails for the top-level package names (house-style.md §7)."""

import importlib
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["scheduler", "models", "notifiers", "config", "calendars", "deadlines", "ingest", "web", "workrules"]


@pytest.mark.parametrize("name", [*PACKAGES, "hanchot"])
def test_it_imports_our_package_not_a_namesake(name):
    assert Path(importlib.import_module(name).__file__).resolve().is_relative_to(ROOT)


def test_it_has_no_module_named_like_the_standard_library():
    clashes = [str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*")
               if (p.suffix == ".py" or p.is_dir()) and p.stem in sys.stdlib_module_names
               and "__pycache__" not in p.parts]
    assert clashes == []


def test_it_has_no_namesake_distribution_installed():
    installed = {(d.metadata["Name"] or "").lower() for d in distributions()}
    assert installed.isdisjoint(PACKAGES)


def test_it_is_not_built_as_a_wheel():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "build-system" not in pyproject
