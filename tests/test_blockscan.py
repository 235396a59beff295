"""The block scanner returns markdown-it's tokens exactly, or declines.

``scan_blocks`` stands in for markdown-it on most documents, so every token it
returns must equal markdown-it's in type, tag, line map and content. These
tests compare the two on the fixtures, the example repository, a generated
benchmark corpus and documents assembled from lines that sit on the rules'
edges; they also make sure the scanner does handle the documents it is meant
for, and that the findings of a run do not depend on which parser was used.
"""

from __future__ import annotations

import importlib.util
import json
import random
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aoslint.document.parse
from aoslint.document.blockscan import BlockToken, scan_blocks
from aoslint.document.parse import _markdown
from aoslint.runner import run_check
from tests.conftest import EXAMPLE, FIXTURES, STANDALONE

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
DOCUMENTS = sorted([*FIXTURES.rglob("*.md"), *EXAMPLE.rglob("*.md")])
KIT_STYLE = sorted([*(FIXTURES / "good").glob("kit-*.md"),
                    *(EXAMPLE / "docs" / "incidents").rglob("*.md")])
CORPUS_SIZE = 300


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus", BENCHMARKS / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The benchmark corpus: kit-style and public-style postmortems and plans."""
    root = tmp_path_factory.mktemp("corpus")
    paths: list[Path] = _corpus_module().write_corpus(root, CORPUS_SIZE)
    return paths


def summary(tokens: Sequence[BlockToken]) -> list[tuple[str, str, list[int] | None, str]]:
    """What aoslint reads of each token."""
    return [(t.type, t.tag, t.map, t.content) for t in tokens]


def reference(text: str) -> list[tuple[str, str, list[int] | None, str]]:
    return summary(_markdown().parse(text))


def assert_same_or_declined(text: str) -> bool:
    """Fail if the scanner's tokens differ from markdown-it's; say whether it scanned."""
    scanned = scan_blocks(text)
    if scanned is None:
        return False
    assert summary(scanned) == reference(text), text
    return True


# --- real documents -----------------------------------------------------------------


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_documents_scan_like_markdown_it(path: Path) -> None:
    assert_same_or_declined(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", KIT_STYLE, ids=lambda p: p.name)
def test_kit_style_documents_are_scanned(path: Path) -> None:
    assert assert_same_or_declined(path.read_text(encoding="utf-8"))


def test_the_corpus_scans_like_markdown_it_and_rarely_declines(corpus: list[Path]) -> None:
    scanned = [assert_same_or_declined(p.read_text(encoding="utf-8")) for p in corpus]
    assert len(scanned) == CORPUS_SIZE
    declined = scanned.count(False)
    assert declined < 0.05 * CORPUS_SIZE, f"{declined} of {CORPUS_SIZE} declined"


def test_findings_do_not_depend_on_the_parser(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The same findings, in JSON, with the scanner and with markdown-it alone."""
    root = tmp_path / "repo"
    paths = _corpus_module().write_corpus(root, 60)
    paths += [p for p in DOCUMENTS if p.is_relative_to(FIXTURES)]

    def findings() -> str:
        result = run_check(paths, **STANDALONE)
        return json.dumps([d.to_json() for d in result.diagnostics], sort_keys=True)

    scanned = findings()
    assert '"code": "AOS' in scanned  # the corpus has findings to compare
    monkeypatch.setattr(aoslint.document.parse, "scan_blocks", lambda text: None)
    assert findings() == scanned


# --- decided cases --------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "> a block quote\n",
    "para\n\n    indented code\n",
    "\tindented by a tab\n",
    "-\ta tab after the marker\n",
    "  ```\n\t\n  ```\n",
    "- item\n\n\tcode\n",
    "<div>\nhtml\n</div>\n",
    "[ref]: https://example.com\n",
    "line\r\nline\r\n",
    "- # heading in an item\n",
    "- ```\n  code\n  ```\n",
    "  ```\n\tindented by a tab: markdown-it expands it\n  ```\n",
    "| a |\n| - |\n    | indented code, not a row |\n",
    "- x-- the front matter rule fires inside this item\n---\n",
    "1. " * 9 + "nine lists deep\n",
])
def test_outside_the_subset_the_scanner_declines(text: str) -> None:
    assert scan_blocks(text) is None


@pytest.mark.parametrize("text", [
    "",
    "\n\n",
    "---\ntype: postmortem\n---\n# Title\n",
    "---\nunclosed front matter\n",
    "Title\n=====\n\nSub\n---\n",
    "# Closing hashes ##  \n#\n####### seven\n#no-space\n",
    "para\n***\n- - -\n___\n",
    "```python\ncode\n\tkept\n````\n~~~\nunclosed\n",
    "  ```\n    indented fence body\n   ```\n",
    "<!-- a\n\ncomment -->\nafter\n",
    "a\tb\n \t\n| x\t| y |\n|---\t|---|\n#\tc\t#\n```\t\n\tkept\n```\t\n",
    "| a | b |\n| :-- | --: |\n| 1 |\n| 1 | 2 | 3 |\nlazy row\n\n",
    "a \\| b | c\n--|--\nx \\| y | z\n- ends the table\n",
    "| a\x85 | b |\n|---|---|\n| \x1fc | d\u3000 |\n\nnot whitespace to markdown-it\x1f\n",
    "- [ ] open\n- [x] done\n  continued\nlazy\n\n- loose\n",
    "1. one\n2. two\n   - nested\n     deeper\n10) other list\n",
    "-    four spaces after the marker\n    - a lazy line, not an item\n",
    "-\n  late content\n-\n\n- after an empty item\n",
    "para\n2. does not interrupt\n1. interrupts\n-\n",
])
def test_the_subset_is_scanned_exactly(text: str) -> None:
    assert assert_same_or_declined(text)


def test_closing_tokens_are_shared_and_maps_are_not() -> None:
    first = scan_blocks("a\n\nb\n")
    assert first is not None
    assert first[2] is first[5]  # paragraph_close: no map, no content
    assert first[0].map is not first[3].map


def test_blocks_satisfy_the_token_protocol() -> None:
    tokens: list[BlockToken] = list(scan_blocks("# T\n") or [])
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]


# --- generated documents --------------------------------------------------------------

TRICKY_LINES = (
    "", "", "", "   ", "Incident ID: INC-20261102-001", "**Impact**: checkout down",
    "# Title", "## Section ##", "### Closing #s ###   ", "   # indented heading", "#no space",
    "####### seven", "#", "## ", "#\\#", "# C#", "## ##", "# a | b",
    "===", "---", "--", "- - -", "***", "___", "* * *", "  ---  ", "=", "-", "-- x", "--- x",
    "-----", "...",
    "```", "```python", "````", "~~~", "~~~ info `ticks`", "```a`b", "  ```", "    ```",
    "```   ", "~~~~~",
    "- item", "- [ ] task", "- [x] done", "- [X] Done", "* [ ]", "  - nested", "    - deep",
    "   - three spaces", "-", "- ", "* star", "+ plus", "-  two spaces", "-    four spaces",
    "-     five spaces", "1.   three spaces",
    "- x-- front matter quirk", "- --- item rule",
    "1. one", "2. two", "1) paren", "10. ten", "0. zero", "01. leading zero", "1.", "1.nospace",
    "  1. indented", "1234567890. too long",
    "  continuation", "   three", "    four spaces", "     five", "      six",
    "| a | b |", "|---|---|", "| --- | :---: |", "a | b", "--|--", "| x \\| y | z |", "| 1 |",
    "| 1 | 2 | 3 |", ":-- | --:", "| -- |", "|-|", "- | a |", "| Time (UTC) | Event |",
    "|:-:|", "| a || b |", "- --|--", "- |---", "-|---",
    "<!-- comment -->", "<!-- opens", "still inside", "closes -->", "<!-->", "<div>", "</div>",
    "<span>inline</span>", "<br>", "<https://example.com>",
    "> quote", ">", "\tTab", "a\tb", "  \t", "\t\t", "-\tfoo", "1.\tbar", "- [ ]\tx", "#\tx",
    "| a\t| b |", "|---\t|---|", "```\t", "---\t", "***\t", "trailing  ", "backslash\\", "[ref]: http://x",
    "[x] box", "[link](u) text", "[unclosed", "\\[not a label]",
    "\u00a0nbsp start", "end nbsp\u00a0", "\x1f| unit | separators \x85|",
)
WORDS = ("alpha", "beta", "deploy", "`code`", "**bold**", "a|b", "x\\", "@owner", "14:05", "UTC")

lines = st.one_of(
    st.sampled_from(TRICKY_LINES),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
)
indents = st.sampled_from(("", "", "", "", " ", "  ", "  ", "   ", "    "))


FRONT_MATTER = ("", "", "---\ntype: postmortem\n---\n", "---\ntype: plan\n...\n", "---\n",
                "----\na: 1\n---\n", "--- x\n", "---\n\tb: 1\n---\t\n")


def assemble(body: list[tuple[str, str]], front_matter: str, ending: str) -> str:
    """A document from indented lines after a (maybe unclosed) front matter, with an ending."""
    return front_matter + "\n".join(indent + line for indent, line in body) + ending


documents = st.builds(
    assemble,
    st.lists(st.tuples(indents, lines), min_size=1, max_size=16),
    st.sampled_from(FRONT_MATTER),
    st.sampled_from(("", "\n", "\n\n", "\n  ")),
)


@settings(max_examples=1000, deadline=None)
@given(documents)
def test_generated_documents_scan_like_markdown_it(text: str) -> None:
    assert_same_or_declined(text)


def test_generated_documents_are_mostly_scanned() -> None:
    """The property above is not vacuous: most such documents are scanned, not declined."""
    rng = random.Random(7)
    pool = [line for line in TRICKY_LINES if not line.startswith(("\t", ">", "<d", "[r", "-\t"))]
    scanned = 0
    for _ in range(400):
        body = [(rng.choice(("", "", "  ")), rng.choice(pool)) for _ in range(rng.randint(1, 12))]
        scanned += assert_same_or_declined(assemble(body, rng.choice(FRONT_MATTER), "\n"))
    assert scanned > 200
