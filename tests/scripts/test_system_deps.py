"""scripts/system-deps: what `make test` runs first, to have the system packages."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-deps"
NOBODY = 65534


@pytest.fixture
def package_list():
    """Write a package list where any user can read it (tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="authsite-system-deps-"))
    folder.chmod(0o755)

    def write(text: str) -> Path:
        path = folder / "packages.txt"
        path.write_text(text)
        path.chmod(0o644)
        return path

    yield write
    shutil.rmtree(folder)


def run_as_non_root(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the script as this user, or as nobody when the tests run as root."""
    command = [str(SCRIPT), *args]
    if os.geteuid() == 0:
        command = [
            "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
            *command,
        ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_missing_package_as_non_root_prints_the_install_line_and_stops(package_list):
    packages = package_list(
        "# a comment\n"
        "authsite-absent-one   authsite-absent-command-one\n"
        "dash                  sh\n"
        "authsite-absent-two   authsite-absent-command-two\n"
        "authsite-absent-venv  python:authsite_absent_module\n"
        "authsite-absent-font  font:tlh\n"
    )

    result = run_as_non_root(str(packages))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "  sudo apt-get update && sudo apt-get install -y --no-install-recommends "
        "authsite-absent-one authsite-absent-two authsite-absent-venv "
        "authsite-absent-font"
    )


def test_nothing_missing_prints_nothing_and_succeeds(package_list):
    packages = package_list(
        "dash  sh\npython3-json  python:json\nfonts-dejavu-core  font:en\n"
    )

    result = subprocess.run(
        [str(SCRIPT), str(packages)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHON": sys.executable},
    )

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
