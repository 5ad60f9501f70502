"""The command line answers at once: registering every command imports none of the heavy libraries.

bench/cli_bench.py measures the time; this test keeps the cause away cheaply. Each command's module imports
what its work needs inside the command function, so ``hanchot --help``, every group's help and ``hanchot
parse`` never load the database, web, document, calendar or scheduler stacks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "fastapi", "starlette", "uvicorn", "httpx", "pdfplumber", "docx", "icalendar", "apscheduler",
         "aiosmtplib", "jinja2", "alembic", "pydantic", "pydantic_settings", "holidays", "rich")
# Run the real entry point and print, at exit, which top-level packages were imported.
PROBE = ("import atexit, runpy, sys; "
         "atexit.register(lambda: print('MODULES', *sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)); "
         "sys.argv = ['hanchot', *sys.argv[1:]]; runpy.run_module('hanchot', run_name='__main__')")


def imported(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    [line] = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")]
    return set(line.split()[1:])


@pytest.mark.parametrize("args", [
    ["--help"], ["db", "--help"], ["plans", "--help"], ["contacts", "--help"], ["feeds", "--help"],
    ["zalo", "--help"], ["admin", "--help"], ["import", "--help"],
    ["parse", "--plan-year", "2025", "Chậm nhất trong Quý I/2025"],
], ids=lambda args: " ".join(args[:2]))
def test_it_registers_every_command_without_the_heavy_libraries(args):
    modules = imported(*args)
    assert {"deadlines", "typer"} & modules  # the probe saw the real command line
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


@pytest.mark.parametrize(("source", "error"), [
    (None, "cannot import name 'cli' from 'calendars'"),  # a command module that is missing
    ("raise RuntimeError('calendars.cli is broken')\n", "calendars.cli is broken"),
], ids=["missing", "broken"])
def test_it_fails_at_start_when_a_command_module_is_missing_or_broken(tmp_path, source, error):
    """Commands are registered by direct imports: nothing is skipped silently, the program stops with the error."""
    shadow = tmp_path / "calendars"  # found before the real package: the working directory comes first
    shadow.mkdir()
    (shadow / "__init__.py").write_text("", encoding="utf-8")
    if source is not None:
        (shadow / "cli.py").write_text(source, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "import runpy; runpy.run_module('hanchot', run_name='__main__')",
                           "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode != 0 and error in done.stderr
    assert "Usage" not in done.stdout


# Every command's --help in one process: the command tree is walked, so a command added later is covered too.
EVERY_HELP = """
import contextlib, io, sys
import hanchot  # first, as the real entry point: it chooses typer's plain help before typer loads
import typer

hanchot._register()
paths = []

def walk(command, path):
    paths.append(path)
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        walk(sub, [*path, name])

walk(typer.main.get_command(hanchot.app), [])
for path in paths:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        hanchot.app([*path, "--help"], prog_name="hanchot", standalone_mode=False)
    assert "Usage" in out.getvalue(), path
print("COMMANDS", *(" ".join(p) for p in paths if p), sep="|")
print("MODULES", *sorted({m.split(".")[0] for m in sys.modules}))
"""


def test_no_command_s_help_imports_the_heavy_libraries():
    done = subprocess.run([sys.executable, "-c", EVERY_HELP], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    commands = dict(line.split("|", 1) for line in done.stdout.splitlines() if line.startswith("COMMANDS")) \
        ["COMMANDS"].split("|")
    assert {"parse", "import", "serve", "scheduler", "remind", "dates recompute", "feeds token create"} <= set(commands)
    [line] = [x for x in done.stdout.splitlines() if x.startswith("MODULES ")]
    modules = set(line.split()[1:])
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))
