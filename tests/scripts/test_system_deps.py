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


def run_script(packages: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the script as this user on ``packages``, with ``env`` over this environment."""
    return subprocess.run(
        [str(SCRIPT), str(packages)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


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

    result = run_script(packages, PYTHON=sys.executable)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_missing_package_as_root_is_installed_with_apt(package_list, tmp_path):
    # `id` and `apt-get` of the test's own, first on PATH: the script sees root and its
    # apt-get records what it was asked and "installs" the package's command, so
    # nothing is installed on the machine.
    tools = tmp_path / "bin"
    tools.mkdir()
    asked = tmp_path / "apt-get.log"
    (tools / "id").write_text("#!/bin/sh\necho 0\n")
    (tools / "apt-get").write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {asked}\n'
        '[ "$1" = install ] || exit 0\n'
        'for package in "$@"; do\n'
        "  case $package in -*|install) continue ;; esac\n"
        f'  printf "#!/bin/sh\\n" > {tools}/"$package-command"\n'
        f'  chmod +x {tools}/"$package-command"\n'
        "done\n"
    )
    for tool in ("id", "apt-get"):
        (tools / tool).chmod(0o755)
    packages = package_list(
        "authsite-absent-one  authsite-absent-one-command\n"
        "dash                 sh\n"
        "authsite-absent-two  authsite-absent-two-command\n"
    )

    result = run_script(packages, PATH=f"{tools}:{os.environ['PATH']}")

    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout == (
        "Installing with apt-get: authsite-absent-one authsite-absent-two\n"
    )
    assert asked.read_text().splitlines() == [
        "update -qq",
        "install -y -qq --no-install-recommends authsite-absent-one authsite-absent-two",
    ]
