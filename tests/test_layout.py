"""Guardrails: top-level package names (docs/architecture.md, "Layers"), a repository that stands alone, and
rules kept in one place."""

import ast
import importlib
import re
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


SOURCES = [p for pkg in [*PACKAGES, "tests", "bench"] for p in (ROOT / pkg).rglob("*")
           if p.is_file() and p.suffix in {".py", ".toml", ".html", ".js", ".mjs", ".sh", ".ini", ".md", ".yaml"}
           and not {"__pycache__", "node_modules", "data"} & set(p.relative_to(ROOT).parts)]
SOURCES += [ROOT / name for name in ("hanchot.py", "pyproject.toml", "Makefile", "Dockerfile", "compose.yaml",
                                     "alembic.ini", "README.md", ".ci/run") if (ROOT / name).exists()]
PYTHON = [p for p in SOURCES if p.suffix == ".py"]
OUTSIDE = re.compile(r"/work/|\.\./shared|\bshared/(?:reference|seeds|gold|tools|plans)\b|house-style|zalo-api\.md"
                     r"|vietnam-rules\.md")
CITED_DOC = re.compile(r"\bdocs/([\w-]+\.md)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def test_it_names_no_path_outside_the_repository():
    """The repository stands alone: no file points at reference material beside it or at an absolute path."""
    found = [f"{p.relative_to(ROOT)}:{n}" for p in SOURCES if p.name != "test_layout.py"
             for n, line in enumerate(_text(p).splitlines(), 1) if OUTSIDE.search(line)]
    assert found == []


def test_it_has_every_design_note_that_a_file_cites():
    cited = {(m, p.relative_to(ROOT)) for p in SOURCES for m in CITED_DOC.findall(_text(p))}
    assert {name for name, _ in cited} >= {"architecture.md", "deadline-language.md", "zalo.md"}
    assert [(name, str(where)) for name, where in cited if not (ROOT / "docs" / name).is_file()] == []


# Rules written in one place: the pattern may appear only in the file named (tests excluded).
SINGLE_PLACE = {
    r"Occurrence\.status != OccurrenceStatus\.CANCELLED": "models/live.py",  # what "live" means, in SQL
    r"Milestone\.cancelled_at\.is_\(None\)": "models/live.py",
    r"\bos\.(?:replace|link|fsync)\(": "config/atomic_file.py",  # the atomic write
    r"\bimport_module\(|importlib\.import_module": "models/__init__.py",  # wiring is by direct imports
    r"before_flush": None,  # no listener changes rows from afar
    r"(?<!class )\bContact\(": "scheduler/contacts.py",  # one way to add a contact, one validation (CLI and web)
}


@pytest.mark.parametrize(("pattern", "home"), SINGLE_PLACE.items(), ids=list(SINGLE_PLACE.values()))
def test_it_keeps_each_rule_in_one_place(pattern, home):
    where = {str(p.relative_to(ROOT)) for p in PYTHON if "tests" not in p.relative_to(ROOT).parts
             and re.search(pattern, _text(p), re.M)}
    assert where == ({home} if home else set())


def _working_day_loops(path: Path) -> list[str]:
    """Loops that ask whether a day is worked: stepping over working days by hand."""
    found = []
    for node in ast.walk(ast.parse(_text(path))):
        if isinstance(node, (ast.For, ast.While, ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            calls = [sub for sub in ast.walk(node) if isinstance(sub, ast.Call)]
            names = {c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "") for c in calls}
            if {"is_working_day", "is_working"} & names:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_it_steps_over_working_days_only_in_the_work_calendar():
    """Counting or stepping working days is deadlines/workdays.py's (step_working_days, working_days_to, …):
    every other module calls it instead of looping over days itself."""
    found = sorted({where for p in PYTHON if "tests" not in p.relative_to(ROOT).parts
                    and p.relative_to(ROOT) != Path("deadlines/workdays.py") for where in _working_day_loops(p)})
    assert found == []
    assert _working_day_loops(ROOT / "deadlines" / "workdays.py")  # the scan recognises the stepper itself


def test_it_names_the_parsers_classes_apart_from_the_stored_ones():
    """deadlines.model's milestone is what a text says; models.plans's is the stored row: never the same name."""
    import deadlines.model
    import models

    models.import_all()
    parsed = {name for name, value in vars(deadlines.model).items()
              if isinstance(value, type) and value.__module__ == "deadlines.model"}
    stored = {mapper.class_.__name__ for mapper in models.Base.registry.mappers}
    assert {"ParsedMilestone", "ParsedOccurrence"} <= parsed and {"Milestone", "Occurrence"} <= stored
    assert parsed.isdisjoint(stored)
