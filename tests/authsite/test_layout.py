"""The size rules of the layout (docs/development.md): small modules, a thin project package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "authsite", "lab")


def modules(package: str) -> dict[str, int]:
    """Lines of each Python module of ``package``, migrations excepted."""
    return {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def test_no_module_is_over_400_lines():
    too_long = {
        name: lines
        for package in PACKAGES
        for name, lines in modules(package).items()
        if lines > 400
    }

    assert too_long == {}


def test_the_project_package_keeps_only_its_wiring_under_1000_lines():
    assert sum(modules("authsite").values()) < 1000
