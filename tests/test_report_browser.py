"""The example repository's report in a real headless Chromium: the rendered DOM.

Chromium comes from the system's package manager (``.ci/run`` installs Debian's
``chromium`` and ``chromium-driver``); nothing is downloaded by a test.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report_support import HOSTILE, TODAY, example_clone

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(DRIVER).exists()),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
           "chromium-driver)")

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def start_browser(profile: Path, width: int = 1200, height: int = 1400) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository's report, with one hostile postmortem added."""
    from aoslint.cli import main

    work = tmp_path_factory.mktemp("report")
    repo = example_clone(work, {"docs/incidents/INC-20261118-003/postmortem.md": HOSTILE})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        patch.setenv("AOSLINT_DATE", TODAY)
        assert main(["report", "-o", str(work / "out")]) == 0
    return work / "out"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = start_browser(tmp_path_factory.mktemp("profile"))
    try:
        yield driver
    finally:
        driver.quit()


def _data(report: Path) -> dict[str, Any]:
    return json.loads((report / "incidents.json").read_text())


def _visible_ids(browser: Any) -> list[str]:
    return browser.execute_script(
        "return [...document.querySelectorAll('#incidents tbody tr')]"
        ".filter(r => !r.hidden && r.offsetParent !== null).map(r => r.dataset.id);")


def test_the_index_lists_every_incident_of_incidents_json(browser: Any, report: Path) -> None:
    browser.get((report / "index.html").as_uri())
    assert _visible_ids(browser) == [i["id"] for i in _data(report)["incidents"]]
    first = browser.find_element("css selector", "#incidents tbody tr")
    cells = [c.text for c in first.find_elements("css selector", "td")]
    assert cells[0] == "INC-20261102-001" and cells[2] == "HIGH"
    assert cells[5:8] == ["7m", "28m", "35m"]
    assert browser.find_element("id", "open-count").text == "2"


def test_the_filters_hide_rows_without_any_request(browser: Any, report: Path) -> None:
    from selenium.webdriver.support.ui import Select

    browser.get((report / "index.html").as_uri())
    Select(browser.find_element("id", "filter-severity")).select_by_visible_text("LOW")
    assert _visible_ids(browser) == ["INC-20261118-003"]
    assert browser.find_element("id", "shown-count").text == "1 of 3 shown"
    Select(browser.find_element("id", "filter-severity")).select_by_visible_text("all")
    Select(browser.find_element("id", "filter-status")).select_by_visible_text("closed")
    assert _visible_ids(browser) == ["INC-20261102-001"]
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    assert resources == []


def test_sorting_by_time_to_detect_puts_unknown_last(browser: Any, report: Path) -> None:
    browser.get((report / "index.html").as_uri())
    header = browser.find_element("xpath", "//th[normalize-space()='Time to detect']")
    header.click()
    assert _visible_ids(browser) == ["INC-20261102-001", "INC-20261118-003", "INC-20261115-2"]
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert _visible_ids(browser)[0] == "INC-20261118-003"


def test_the_duration_chart_draws_the_minutes_of_incidents_json(browser: Any, report: Path
                                                                ) -> None:
    browser.get((report / "index.html").as_uri())
    drawn = browser.execute_script(
        "return [...document.querySelectorAll('#chart-durations .point')].map(p => "
        "[p.dataset.id, p.dataset.series, parseFloat(p.dataset.minutes), "
        "p.getBoundingClientRect().height > 0]);")
    expected = sorted([i["id"], name, i["minutes"][name], True]
                      for i in _data(report)["incidents"]
                      for name in ("time_to_detect", "time_to_resolve")
                      if i["minutes"][name] is not None)
    assert sorted(drawn) == expected
    assert len(expected) == 3  # the unknown durations are not drawn as zero
    alternative = browser.find_element("css selector", "#chart-durations title").get_attribute(
        "textContent")
    assert alternative.startswith("Time to detect and time to resolve")


def test_the_month_chart_counts_match(browser: Any, report: Path) -> None:
    browser.get((report / "index.html").as_uri())
    bars = browser.execute_script(
        "return [...document.querySelectorAll('#chart-per-month rect')].map(r => "
        "[r.dataset.month, r.dataset.severity, parseInt(r.dataset.count)]);")
    expected = [[m, s, n] for m, counts in _data(report)["per_month"].items()
                for s, n in counts.items()]
    assert expected, "the example's incidents give no month to chart"
    assert sorted(bars) == sorted(expected)


def test_a_postmortem_with_script_is_rendered_inert(browser: Any, report: Path) -> None:
    browser.get((report / "incidents" / "INC-20261118-003.html").as_uri())
    assert browser.execute_script("return window.reportWasScripted === undefined;")
    assert browser.execute_script("return document.querySelectorAll('article script, "
                                  "article img').length;") == 0
    article = browser.find_element("css selector", "article.markdown")
    assert "<script>window.reportWasScripted = true;</script>" in article.text
    link = article.find_element("link text", "a safe link")
    assert link.get_attribute("href") == "https://example.com/runbook"


def test_an_incident_page_shows_its_strip_closure_and_findings(browser: Any, report: Path
                                                               ) -> None:
    browser.get((report / "incidents" / "INC-20261115-2.html").as_uri())
    marks = [m.get_attribute("class") for m in
             browser.find_elements("css selector", ".strip .mark")]
    assert marks == ["mark detected"]  # the start is unreadable: not drawn
    failing = [li.text for li in browser.find_elements("css selector", ".conditions .fails")]
    assert any("QA verified stability" in text for text in failing)
    row = browser.find_element("id", "postmortem-L5")
    assert "AOS201" in row.text and "URGENT" in row.text


def test_the_index_is_readable_at_phone_width(browser: Any, report: Path) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 375, "height": 800, "deviceScaleFactor": 2,
                             "mobile": True})
    try:
        browser.get((report / "index.html").as_uri())
        assert browser.execute_script("return window.innerWidth;") == 375
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth;")
        row = browser.find_element("css selector", "#incidents tbody tr")
        assert row.size["width"] <= 375
        cell = row.find_element("css selector", "td:nth-child(6)")
        assert cell.location["x"] < 50  # cells stacked, each labelled
        assert cell.text == "7m"
        label = browser.execute_script(
            "return getComputedStyle(arguments[0], '::before').content;", cell)
        assert label == '"Time to detect: "'
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
