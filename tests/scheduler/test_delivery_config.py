"""ZNS template parameters are checked against the composer's fields at start: a mismatch refuses to start."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.settings import load_settings
from scheduler.compose import TEMPLATE_FIELDS
from scheduler.runtime import check_delivery_config

ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, mapping: str) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "zalo.toml").read_text(encoding="utf-8")
    (folder / "zalo.toml").write_text(text.replace('han_chot = "template_data.due"', mapping), encoding="utf-8")
    return folder


def test_the_shipped_template_config_names_only_fields_the_composer_fills() -> None:
    check_delivery_config(load_settings(config_dir=ROOT / "config"))
    assert "due" in TEMPLATE_FIELDS


def test_a_parameter_naming_an_unknown_field_is_refused_with_the_field_named(tmp_path: Path) -> None:
    folder = _config(tmp_path, 'han_chot = "template_data.due_date"')
    with pytest.raises(ConfigError) as refused:
        check_delivery_config(load_settings(config_dir=folder))
    assert "han_chot" in str(refused.value) and '"due_date"' in str(refused.value) and "due, kind, title" in str(
        refused.value)


def test_hanchot_remind_refuses_to_start_on_the_mismatch(tmp_path: Path) -> None:
    folder = _config(tmp_path, 'han_chot = "template_data.due_date"')
    env = {**os.environ, "HANCHOT_CONFIG_DIR": str(folder), "HANCHOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    done = subprocess.run([sys.executable, str(ROOT / "hanchot.py"), "remind"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "han_chot" in done.stderr and "due_date" in done.stderr and "Traceback" not in done.stderr
