"""The report and the quote browser as a person sees them, in headless Chromium (issue 13, item 6).

What a supervisor opens is ``reports/index.html`` and the notebook pages it links; what a researcher
uses is notebook 07's quote browser in JupyterLab. These tests open them in Debian's ``chromium``
driven by Playwright (its own browser downloads do not work offline) and assert what is on the
screen: the scoreboard, every flagged statement whole, figures that loaded, no errors in the
console; in JupyterLab, the count the quote browser shows after picking a role and typing a keyword.

Select them with ``-m browser`` (leave them out with ``-m 'not browser'``). Without Chromium,
Playwright or JupyterLab they are skipped with the command that installs them; ``.ci/run``
installs them and sets ``MDI_REQUIRE_BROWSER=1``, which turns such a skip into a failure.

The report under test is built once per session by ``python -m mdi_analysis reproduce
--no-update --skip-scan`` into a temporary folder (about a minute: every notebook runs), or taken
from ``MDI_REPORT_UNDER_TEST`` (e.g. ``reports`` after ``make reproduce``). One browser serves the
whole session. Screenshots (full pages) are written to the checkout's ``reports/screenshots/``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import require_browser_tool
from mdi_analysis.audit import FLAGGED_VERDICTS
from mdi_analysis.io import write_atomic
from mdi_analysis.paths import project_root

pytestmark = pytest.mark.browser

NOTEBOOK_22 = "22_audit-claims"


def _screenshots() -> Path:
    return project_root() / "reports" / "screenshots"


def _words(text: str) -> str:
    """Text with every run of white space as one space: a statement wraps differently on screen."""
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------------
# Fixtures: the report, one browser, pages that record what the console says
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports folder made by the real command (or ``MDI_REPORT_UNDER_TEST``)."""
    given = os.environ.get("MDI_REPORT_UNDER_TEST")
    if given:
        folder = Path(given).resolve()
        assert (folder / "index.html").is_file(), f"MDI_REPORT_UNDER_TEST={given}: no index.html there"
        return folder
    folder = tmp_path_factory.mktemp("report") / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "mdi_analysis", "reproduce", "--no-update", "--skip-scan"],
        cwd=project_root(),
        env={**os.environ, "MDI_REPORTS_DIR": str(folder)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"reproduce failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return folder


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: Chromium refuses to start as root (containers, CI) with its sandbox.
        chromium = playwright.chromium.launch(executable_path=chromium_executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@dataclass
class OpenPage:
    """A page and every problem its console and network reported while it loaded."""

    page: Any
    problems: list[str] = field(default_factory=list)


def _open(browser: Any, url: str) -> OpenPage:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = OpenPage(page)
    page.on("console", lambda m: opened.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: opened.problems.append(f"request failed: {r.url} ({r.failure})"))
    page.goto(url)
    page.wait_for_load_state("load")
    return opened


def _screenshot(page: Any, name: str) -> Path:
    path = _screenshots() / name
    write_atomic(path, page.screenshot(full_page=True))
    return path


@pytest.fixture(scope="module")
def index(browser: Any, report: Path) -> Iterator[OpenPage]:
    opened = _open(browser, (report / "index.html").as_uri())
    _screenshot(opened.page, "index.png")
    yield opened
    opened.page.close()


@pytest.fixture(scope="module")
def audit_page(browser: Any, report: Path) -> Iterator[OpenPage]:
    opened = _open(browser, (report / "html" / f"{NOTEBOOK_22}.html").as_uri())
    _screenshot(opened.page, f"{NOTEBOOK_22}.png")
    yield opened
    opened.page.close()


@pytest.fixture(scope="module")
def claims(report: Path) -> pd.DataFrame:
    """The claims table the audit notebook wrote: what the pages must show."""
    return pd.read_csv(report / "tables" / "claims_audit.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def flagged(claims: pd.DataFrame) -> pd.DataFrame:
    rows = claims[claims["verdict"].isin(FLAGGED_VERDICTS)]
    assert len(rows) > 0
    return rows


def _section(opened: OpenPage, element_id: str) -> Any:
    """The element with this id, asserted to be there and visible (fails at once, without waiting)."""
    found = opened.page.locator(f"#{element_id}")
    assert found.count() == 1, f"#{element_id} is not on the page"
    assert found.is_visible(), f"#{element_id} is not visible"
    return found


def _images_loaded(locator: Any) -> list[int]:
    """naturalWidth of each image under ``locator`` (0: the image did not load)."""
    return locator.evaluate_all("(images) => images.map((image) => image.complete ? image.naturalWidth : 0)")


# --------------------------------------------------------------------------------------------
# reports/index.html
# --------------------------------------------------------------------------------------------


def test_index_opens_offline_without_console_errors(index: OpenPage):
    assert index.problems == []
    assert index.page.title() and "404" not in index.page.title()
    links = index.page.locator("a[href$='.html']").evaluate_all("(links) => links.map((a) => a.href)")
    assert any(link.endswith(f"/html/{NOTEBOOK_22}.html") for link in links), "the index links the claim audit"
    assert not [link for link in links if link.startswith("http")], "no link leaves the report"
    assert (_screenshots() / "index.png").stat().st_size > 10_000


def test_index_shows_the_scoreboard(index: OpenPage, report: Path, claims: pd.DataFrame, flagged: pd.DataFrame):
    _section(index, "scoreboard")
    text = _words(_section(index, "scoreboard-section").inner_text())  # the summary line and the table
    board = pd.read_csv(report / "tables" / "scoreboard.csv", dtype=str, keep_default_na=False)
    values = board[board["type"] != "claim"]
    recomputed = int((values["type"] == "recomputed value").sum())
    transcribed = int((values["type"] == "transcribed value").sum())
    reproduced = int((values["verdict"] == "reproduced").sum())
    assert reproduced == recomputed + transcribed, "a published value is not reproduced"
    for number in (len(claims), len(flagged), recomputed, transcribed):
        assert re.search(rf"\b{number}\b", text), f"{number} missing from the scoreboard: {text[:300]}"
    for verdict, count in claims["verdict"].value_counts().items():
        assert verdict.replace("_", " ") in text.replace("_", " "), verdict
        assert re.search(rf"\b{count}\b", text), (verdict, count)


def test_index_shows_every_flagged_statement_whole(index: OpenPage, flagged: pd.DataFrame):
    text = _words(_section(index, "flagged").inner_text())
    # "(…)" is the thesis's own mark for words left out of a quote; a bare "…" would be a cut
    assert "…" not in text.replace("(…)", ""), "a statement or reason is cut"
    for row in flagged.itertuples():
        assert _words(row.statement) in text, f"{row.claim_id}: statement not shown whole"
        assert _words(row.reason) in text, f"{row.claim_id}: reason not shown"
        assert row.verdict.replace("_", " ") in text.replace("_", " "), f"{row.claim_id}: verdict not shown"
        for utterance_id in filter(None, str(getattr(row, "evidence", "") or "").split(";")):
            quotes = index.page.locator(f"#claim-{row.claim_id} + tr.flagged-evidence").text_content() or ""
            assert utterance_id in quotes, f"{row.claim_id}: evidence quote {utterance_id} not shown"


def test_index_figures_are_loaded(index: OpenPage):
    images = _section(index, "figures").locator("img")
    assert images.count() >= 1, "no figure in the gallery"
    widths = _images_loaded(images)
    assert all(width > 0 for width in widths), f"figures that did not load: {widths}"


def test_index_shows_the_codebook_and_how_the_report_was_made(index: OpenPage):
    viewer = _section(index, "codebook")
    for framework in viewer.locator("details").all():  # folded per framework: open them as a reader would
        framework.locator("summary").click()
    codebook = _words(viewer.inner_text())
    categories = pd.read_csv(project_root() / "data" / "codebook" / "categories.csv", dtype=str)
    missing = [c for c in categories["category_id"] if c not in codebook]
    assert missing == [], f"categories not in the codebook viewer: {missing[:5]}"
    run_info = _words(_section(index, "run-info").inner_text())
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", run_info), f"no date: {run_info[:200]}"
    assert re.search(r"\bcommit [0-9a-f]{40}\b", run_info), f"no commit: {run_info[:200]}"
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project_root(), capture_output=True, text=True, check=False
    ).stdout.strip()
    if commit and not os.environ.get("MDI_REPORT_UNDER_TEST"):  # a report built by this session
        assert commit in run_info, f"commit {commit} not named: {run_info[:200]}"


# --------------------------------------------------------------------------------------------
# A notebook page: 22 · the claim audit (and a figure on 01's)
# --------------------------------------------------------------------------------------------


def test_audit_page_opens_offline_without_console_errors(audit_page: OpenPage):
    """No script from a CDN (the pages are read offline): nbconvert's require.js and MathJax are left out."""
    assert audit_page.problems == []
    assert audit_page.page.locator(".jp-Notebook").count() == 1
    assert (_screenshots() / f"{NOTEBOOK_22}.png").stat().st_size > 10_000


def test_audit_page_shows_the_scoreboard_line(audit_page: OpenPage, claims: pd.DataFrame, flagged: pd.DataFrame):
    text = _words(audit_page.page.locator("body").inner_text())
    assert f"{len(claims)} claims audited, {len(flagged)} flagged" in text


def test_audit_page_shows_every_flagged_statement_whole(audit_page: OpenPage, flagged: pd.DataFrame):
    text = _words(audit_page.page.locator("body").inner_text())
    missing = [row.claim_id for row in flagged.itertuples() if _words(row.statement) not in text]
    assert missing == [], f"flagged statements not shown whole: {missing}"


def test_audit_page_title_is_the_notebooks_title(audit_page: OpenPage):
    from mdi_analysis.pipeline import notebook_title

    assert audit_page.page.title() == notebook_title(project_root() / "notebooks" / f"{NOTEBOOK_22}.ipynb")


def test_a_notebook_figure_is_loaded(browser: Any, report: Path):
    opened = _open(browser, (report / "html" / "01_reproduce-survey-and-sample.html").as_uri())
    try:
        widths = _images_loaded(opened.page.locator(".jp-OutputArea-output img"))
        assert widths and all(width > 0 for width in widths), widths
        assert opened.problems == []
    finally:
        opened.page.close()


# --------------------------------------------------------------------------------------------
# JupyterLab: notebook 07's quote browser
# --------------------------------------------------------------------------------------------

QUOTE_BROWSER_NOTEBOOK = "07_browse-quotes.ipynb"


@dataclass
class Lab:
    url: str
    token: str
    root: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(chromium_executable: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a free port, serving a copy of notebook 07 (the committed one is never saved over).

    Its kernels write into a temporary reports folder and every Jupyter folder (settings,
    workspaces, runtime) is temporary too.
    """
    import importlib.util

    require_browser_tool(
        importlib.util.find_spec("jupyterlab") is not None,
        "JupyterLab not installed: it is the `lab` extra (`make lab` installs it, or pip install -e '.[dev,lab]')",
    )
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    shutil.copy(project_root() / "notebooks" / QUOTE_BROWSER_NOTEBOOK, root / QUOTE_BROWSER_NOTEBOOK)
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "MDI_ROOT": str(project_root()),
        "MDI_REPORTS_DIR": str(base / "reports"),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.allow_root=True",
    ]
    log = (base / "lab.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (base / "lab.log").read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "JupyterLab did not start in 120 s"
            time.sleep(0.5)
        yield Lab(url, token, root)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _library_count(role: str, keyword: str) -> int:
    """The quotes the library finds for the filters, coded as notebook 07 codes them (its defaults)."""
    from mdi_analysis import coding, io, present
    from mdi_analysis.corpus import load_corpus

    corpus = load_corpus()
    coded = coding.code_corpus(corpus, io.load_codebook(), "lemma")
    return len(present.QuoteBrowser(corpus, coded.result).filter(role=role, keyword=keyword))


def test_quote_browser_in_jupyterlab_counts_what_the_library_counts(browser: Any, lab: Lab):
    role, keyword = "tillitsvalgt", "innovasj*"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{lab.url}/lab/tree/{QUOTE_BROWSER_NOTEBOOK}?token={lab.token}")
        page.wait_for_function(
            "() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=120_000
        )
        page.wait_for_function(
            "() => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
            " && w.sessionContext.session.kernel.status === 'idle'; }",
            timeout=120_000,
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        panel = page.locator(".jp-OutputArea-output .widget-vbox").last
        panel.locator(".widget-dropdown select").first.wait_for(timeout=180_000)

        role_select = panel.get_by_label("Rolle", exact=True)
        role_label = next(label for label in role_select.locator("option").all_inner_texts() if role in label)
        role_select.select_option(label=role_label)
        panel.get_by_label("Kategori", exact=True).select_option(index=0)  # all categories
        box = panel.get_by_label("Nøkkelord", exact=True)
        box.fill(keyword)
        box.press("Enter")

        output = panel.locator(".widget-output")
        shown, deadline = "", time.monotonic() + 60
        while not (keyword in shown and role in shown.split("\n", 1)[0]) and time.monotonic() < deadline:
            time.sleep(0.25)
            shown = output.inner_text()
        write_atomic(_screenshots() / "lab_07_quote-browser.png", page.screenshot(full_page=True))
    finally:
        page.close()
    counts = re.findall(r"^(\d+) quotes", shown, flags=re.MULTILINE)
    assert counts, f"no count in the quote browser's output: {shown[:300]}"
    expected = _library_count(role, keyword)
    assert expected > 0
    assert int(counts[0]) == expected, shown[:300]
    assert f"role={role}" in shown.splitlines()[0]
