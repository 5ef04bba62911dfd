"""The Korean catalogue is complete and up to date with the code and templates."""

import ast
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
# What `make messages` leaves out (its --ignore); it scans everything else.
NOT_SCANNED = {"tests", "var", "docs", "locale"}


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr values and flags."""
    entries: list[dict] = []
    entry: dict = {}
    field = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, field = {}, None
        elif line.startswith("#,"):
            entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        else:
            if line.startswith('"'):
                value = line
            else:
                field, _, value = line.partition(" ")
            entry[field] = entry.get(field, "") + ast.literal_eval(value)
    return entries


def msgids(path: Path) -> set[str]:
    return {e["msgid"] for e in po_entries(path) if e["msgid"]}


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """The catalogue as `make messages` would write it, made in a copy of the project."""
    root = tmp_path_factory.mktemp("catalogue")
    for source in Path(settings.BASE_DIR).iterdir():
        if source.name.startswith(".") or source.name in NOT_SCANNED:
            continue
        if source.is_dir():
            shutil.copytree(
                source,
                root / source.name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static"),
            )
        else:
            shutil.copy2(source, root / source.name)
    shutil.copytree(Path(settings.BASE_DIR) / "locale", root / "locale")
    cwd = Path.cwd()
    # makemessages scans the working directory and writes to the first LOCALE_PATHS.
    try:
        os.chdir(root)
        with override_settings(LOCALE_PATHS=[root / "locale"]):
            call_command("makemessages", locale=["ko"], verbosity=0)
    finally:
        os.chdir(cwd)
    return root / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def test_every_korean_entry_is_translated_and_not_fuzzy():
    entries = [e for e in po_entries(CATALOGUE) if e["msgid"]]

    untranslated = [
        e["msgid"]
        for e in entries
        if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", ())]
    assert len(entries) > 150
    assert untranslated == []
    assert fuzzy == []


def test_makemessages_would_add_no_string(fresh_catalogue):
    assert msgids(fresh_catalogue) - msgids(CATALOGUE) == set()


def test_catalogue_holds_no_string_the_code_no_longer_has(fresh_catalogue):
    assert msgids(CATALOGUE) - msgids(fresh_catalogue) == set()


def test_compiled_catalogue_is_the_source_compiled(tmp_path):
    compiled = tmp_path / "django.mo"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt not found: install the gettext package"
    # The command compilemessages runs, on the committed source.
    subprocess.run(
        [msgfmt, "--check-format", "-o", str(compiled), str(CATALOGUE)], check=True
    )

    assert CATALOGUE.with_suffix(".mo").read_bytes() == compiled.read_bytes()
