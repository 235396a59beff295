"""JUnit XML: every checked document is a test case, so CI test tabs list postmortems.

Errors become ``<failure>`` elements (one per finding) because they fail an aoslint run.
Warnings and notes go to the test case's ``<system-out>`` instead of being failures with
``type="warning"``: GitLab's test report, Jenkins' JUnit plugin and the GitHub test
reporter actions have no notion of a non-failing failure, so any ``<failure>`` turns the
case red (and Jenkins marks the build unstable) even though aoslint would exit 0. All
three show ``<system-out>`` in the case's details, so warnings stay visible without
contradicting the exit code.

Counts follow the Ant convention the reporters read: ``tests`` is the number of test
cases, ``failures`` the number of cases that failed (not of findings), ``errors`` is 0
(lint findings are failures; there are no crashed tests).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence

from aoslint.diagnostics import Diagnostic, Severity
from aoslint.lazyre import compile_lazily
from aoslint.reporters import RenderContext
from aoslint.reporters._shared import report_path, start_column, start_line

SUITE_NAME = "aoslint"

# Characters XML 1.0 cannot carry at all, even escaped; ElementTree would write them as is.
_NOT_XML = compile_lazily("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(diagnostics: Sequence[Diagnostic], context: RenderContext) -> str:
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for diag in diagnostics:
        by_path[report_path(diag.path, context.root)].append(diag)
    paths = sorted({report_path(p, context.root) for p in context.checked_paths}
                   | by_path.keys())

    cases = [_testcase(path, by_path.get(path, [])) for path in paths]
    failed = sum(1 for case in cases if case.find("failure") is not None)
    # Without the checked paths only documents with findings can be named; the count
    # still says how many documents were checked.
    tests = len(cases) if context.checked_paths else max(len(cases), context.checked_files)
    counts = {"tests": str(tests), "failures": str(failed), "errors": "0"}

    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"})
    suite.extend(cases)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _testcase(path: str, findings: list[Diagnostic]) -> ET.Element:
    case = ET.Element("testcase", {"name": xml_safe(path), "classname": SUITE_NAME,
                                   "file": xml_safe(path)})
    others: list[str] = []
    for diag in findings:
        if diag.severity is Severity.ERROR:
            failure = ET.SubElement(case, "failure", {
                "type": xml_safe(f"{diag.code} {diag.name}"),
                "message": xml_safe(f"line {start_line(diag)}: {diag.code} {diag.message}"),
            })
            failure.text = xml_safe(_describe(diag, path))
        else:
            others.append(_describe(diag, path))
    if others:
        ET.SubElement(case, "system-out").text = xml_safe("\n".join(others))
    return case


def _describe(diag: Diagnostic, path: str) -> str:
    """The finding as the text reporter prints it (with the case's path), for a CI test tab."""
    label = "" if diag.severity is Severity.ERROR else f"{diag.severity}: "
    where = f"{path}:{start_line(diag)}:{start_column(diag)}:"
    text = f"{where} {diag.code} {label}{diag.message} [{diag.name}]"
    return f"{text}\n    hint: {diag.hint}" if diag.hint else text


def xml_safe(text: str) -> str:
    """Replace characters XML cannot represent, so one odd byte cannot break the report."""
    return _NOT_XML.sub("\ufffd", text)
