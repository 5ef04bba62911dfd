"""The documents stay true to the code: every variable listed, every link answered."""

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CODE = ("accounts", "authsite", "lab")

# A variable read from the environment by name: os.environ.get("X"), os.environ["X"],
# os.getenv("X"), env_bool/env_int/env_list("X"), and the strategies' context.env.get.
ENV_READ = re.compile(
    r"(?:environ\.get|getenv|env_bool|env_int|env_list|env\.get)\(\s*\"([A-Z][A-Z0-9_]*)\""
    r"|environ\[\s*\"([A-Z][A-Z0-9_]*)\"\s*\]"
)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# A link to a heading: ](file.md#anchor) or ](#anchor) in the same document.
ANCHOR_LINK = re.compile(r"\]\(([^)#\s]*)#([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def variables_read() -> set[str]:
    names: set[str] = set()
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            for match in ENV_READ.finditer(path.read_text()):
                names.add(match[1] or match[2])
    return names


def test_configuration_lists_every_variable_the_code_reads():
    listed = (DOCS / "configuration.md").read_text()
    read = variables_read()

    assert "AUTHSITE_SESSION_STRATEGY" in read  # the pattern finds the reads at all
    assert sorted(name for name in read if f"`{name}`" not in listed) == []


# README and every document under docs/, one test each.
every_document = pytest.mark.parametrize(
    "document",
    [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)


@every_document
def test_every_relative_link_points_to_a_file(document):
    targets = [
        target
        for target in LINK.findall(document.read_text())
        if not target.startswith(("http://", "https://", "mailto:"))
    ]

    assert [t for t in targets if not (document.parent / t).exists()] == []


def heading_anchors(document: Path) -> set[str]:
    """The anchors GitHub gives a document's headings: lower case, punctuation but
    ``-`` and ``_`` dropped, spaces to ``-``, ``-1``, ``-2`` on repeats."""
    seen: Counter[str] = Counter()
    anchors: set[str] = set()
    for line in FENCE.sub("", document.read_text()).splitlines():
        heading = re.match(r"#{1,6}\s+(.+?)\s*$", line)
        if heading is None:
            continue
        anchor = re.sub(r"[^\w\- ]", "", heading[1].lower()).replace(" ", "-")
        anchors.add(f"{anchor}-{seen[anchor]}" if seen[anchor] else anchor)
        seen[anchor] += 1
    return anchors


@every_document
def test_every_link_to_a_heading_finds_it(document):
    links = [
        (target, anchor)
        for target, anchor in ANCHOR_LINK.findall(FENCE.sub("", document.read_text()))
        if not target.startswith(("http://", "https://", "mailto:"))
        and (target == "" or target.endswith(".md"))
    ]

    assert [
        f"{target}#{anchor}"
        for target, anchor in links
        if anchor
        not in heading_anchors(document.parent / target if target else document)
    ] == []


def test_readme_links_every_document():
    readme = (ROOT / "README.md").read_text()

    assert [
        doc.name
        for doc in sorted(DOCS.glob("*.md"))
        if f"(docs/{doc.name})" not in readme
    ] == []


@pytest.mark.parametrize("figure", ["50.7 %", "76.1 %", "1.47", "478", "950", "652"])
def test_korean_readme_quotes_figures_the_lab_measured(figure):
    # The Korean answer must come from docs/lab.md, not from figures of its own.
    assert figure in (DOCS / "lab.md").read_text()
    assert figure in (DOCS / "ko" / "README.md").read_text()
