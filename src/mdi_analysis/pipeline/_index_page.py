"""``reports/index.html``: the one page a supervisor reads, built from the run's own outputs.

Why a page built by library code and not a notebook: it must show what *this run* wrote (the
scoreboard, the audited claims, the figures, the codebook with its counts) together with when and
from which commit it was made, and it must open offline from the file system: no script, no
font or style sheet from elsewhere. Every section has a stable ``id`` so that browser tests and
links can find it (``docs/report.md`` lists them):

``summary``, ``scoreboard``, ``flagged``, ``published``, ``figures``, ``notebooks``,
``codebook``, ``downloads``, ``run-info``.

The flagged statements are shown whole with their verdict and reason, and the quotes that are
their evidence in full: those of notebook 22's ``claims_evidence`` table (with stance and the
reader's note), else the quote ids of the audit's ``evidence`` column, else those its ``computed``
value names.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from html import escape
from importlib import metadata
from pathlib import Path

import pandas as pd

from .. import audit
from ..paths import project_root
from ..present import show_table
from ._render import notebook_index

#: Packages whose versions the page lists (those that shape the numbers and the pages).
VERSIONED_PACKAGES = (
    "mdi-analysis",
    "pandas",
    "numpy",
    "scikit-learn",
    "simplemma",
    "nltk",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "openpyxl",
)
#: Section ids of the page, in page order (documented in docs/report.md, used by the browser tests).
SECTION_IDS = (
    "summary",
    "scoreboard",
    "flagged",
    "published",
    "figures",
    "notebooks",
    "codebook",
    "downloads",
    "run-info",
)
#: A quote id of the corpus (``U017``), as the audit names quotes in its computed values.
QUOTE_ID = re.compile(r"\bU\d{3,}\b")

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72em;margin:1.5em auto;padding:0 1em;
line-height:1.45;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
nav a{margin-right:1em}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left;white-space:normal;
overflow-wrap:break-word}
thead th{background:#f0f0f0}
td.number{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-weight:bold;white-space:nowrap}
.verdict-contradicted{color:#a00}.verdict-partly{color:#a60}.verdict-agrees_above_only{color:#555}
.statement{max-width:40em}
blockquote{margin:.3em 0 .3em .5em;padding-left:.6em;border-left:3px solid #ccc;color:#333}
#figures{display:flex;flex-wrap:wrap;gap:1em}
#figures figure{margin:0;flex:1 1 30em;max-width:100%}
#figures img{max-width:100%;height:auto;border:1px solid #ddd}
.summary-line{font-size:1.1em;background:#f6f6f0;padding:.6em;border-left:4px solid #886}
"""


def _section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{section_id}-section"><h2>{escape(title)}</h2>\n{body}\n</section>\n'


def _read_table(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _git_commit(root: Path) -> str:
    """The commit the run was made from (``+ local changes`` when the work tree differs), or ``unknown``."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "src", "data", "notebooks"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return commit + (" + local changes" if dirty else "")


def package_versions() -> dict[str, str]:
    """Installed version of each package of :data:`VERSIONED_PACKAGES` (``not installed`` if absent)."""
    versions = {}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_info(now: datetime | None = None) -> dict[str, str]:
    """Date (UTC), commit, Python and package versions of the run the page describes."""
    import platform

    now = now or datetime.now(UTC)
    info = {
        "date (UTC)": now.strftime("%Y-%m-%d %H:%M"),
        "commit": _git_commit(project_root()),
        "python": platform.python_version(),
    }
    info.update(package_versions())
    return info


def _scoreboard_html(board: pd.DataFrame | None) -> str:
    if board is None:
        return '<p id="scoreboard">No scoreboard: notebook 22 did not write <code>tables/scoreboard.csv</code>.</p>'
    counts = audit.scoreboard_counts(board)
    table = show_table(counts, "Rows of the scoreboard by type and verdict").to_html(table_id="scoreboard")
    return (
        f'<p class="summary-line" id="summary">{escape(audit.summary_line(board))}.</p>\n'
        "<p>A <em>recomputed value</em> is computed from several input cells; a <em>transcribed value</em> is an "
        "input cell typed from the thesis and compared with a second typed copy; a <em>claim</em> is a statement "
        "of chapters 3–6 that counts or compares, with a verdict.</p>\n" + table
    )


def _evidence_entries(row: pd.Series, linked: pd.DataFrame | None) -> list[tuple[str, str, str]]:
    """(quote id, what the quote is to the statement, reader's note) for each evidence quote.

    From notebook 22's ``claims_evidence`` table when the run wrote it (supporting *and* opposing
    quotes, the words statement and quote share, the reader's note); otherwise the quote ids of the
    audit's ``evidence`` column, or those its computed value names.
    """
    mine = linked[linked["claim_id"] == str(row.get("claim_id", ""))] if linked is not None else None
    if mine is not None and not mine.empty:
        entries = []
        for _, quote in mine.iterrows():
            shared = str(quote.get("matched_words", ""))
            about = [str(quote.get(c, "")) for c in ("role", "section_id", "stance")]
            about.append(f"shared words: {shared}" if shared else "")
            entries.append(
                (str(quote["utterance_id"]), " · ".join(a for a in about if a), str(quote.get("reader_note", "")))
            )
        return entries
    named = str(row.get("evidence", "")).strip()
    ids = named.split(";") if named else list(dict.fromkeys(QUOTE_ID.findall(str(row.get("computed", "")))))
    return [(i.strip(), "", "") for i in ids if i.strip()]


def _evidence_html(row: pd.Series, quotes: dict[str, str], linked: pd.DataFrame | None = None) -> str:
    """The quotes a flagged verdict rests on, each whole, with its role, place and stance."""
    entries = _evidence_entries(row, linked)
    parts = []
    basis = str(row.get("basis", "") or "").strip()
    if basis and entries:
        parts.append(f'<p class="evidence-basis">basis: {escape(basis)}</p>')
    for utterance_id, about, note in entries:
        text = quotes.get(utterance_id)
        shown = escape(text) if text is not None else "(quote not in the corpus)"
        label = f"<b>{escape(utterance_id)}</b>"
        if about:
            label += f' <span class="evidence-about">({escape(about)})</span>'
        reader = f'<br><span class="reader-note">reader: {escape(note)}</span>' if note else ""
        parts.append(f'<blockquote class="evidence-quote">{label} {shown}{reader}</blockquote>')
    if len(entries) > 3:  # a long list of quotes folds away, so the table stays readable
        return f"<details><summary>{len(entries)} quotes</summary>{''.join(parts)}</details>"
    return "".join(parts) or "–"


def flagged_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims with a flagged verdict, most serious first (contradicted, partly, agrees_above_only)."""
    order = {verdict: number for number, verdict in enumerate(audit.FLAGGED_VERDICTS)}
    flagged = claims[claims["verdict"].isin(audit.FLAGGED_VERDICTS)].copy()
    flagged["_order"] = flagged["verdict"].map(order)
    return flagged.sort_values(["_order", "claim_id"], kind="stable").drop(columns="_order")


def _flagged_html(claims: pd.DataFrame | None, quotes: dict[str, str], linked: pd.DataFrame | None = None) -> str:
    if claims is None:
        return '<p id="flagged">No claim audit: notebook 22 did not write <code>tables/claims_audit.csv</code>.</p>'
    flagged = flagged_claims(claims)
    if flagged.empty:
        return '<p id="flagged">No statement is flagged: every audited claim agrees or cannot be checked.</p>'
    head = ["claim", "where", "verdict", "statement (in full)", "relation", "computed", "reason"]
    rows = []
    for _, row in flagged.iterrows():
        verdict = str(row["verdict"])
        cells = [
            f"<td>{escape(str(row['claim_id']))}</td>",
            f"<td>{escape(str(row.get('section_id', '')))}, line {escape(str(row.get('line', '')))}</td>",
            f'<td class="verdict verdict-{escape(verdict)}">{escape(verdict)}</td>',
            f'<td class="statement">{escape(str(row.get("statement", "")))}</td>',
            f"<td>{escape(str(row.get('relation', '')))}</td>",
            f"<td>{escape(str(row.get('computed', '')))}</td>",
            f'<td class="reason">{escape(str(row.get("reason", "")))}</td>',
        ]
        rows.append(f'<tr class="flagged-statement" id="claim-{escape(str(row["claim_id"]))}">{"".join(cells)}</tr>')
        evidence = _evidence_html(row, quotes, linked)
        if evidence != "–":  # the quotes get the table's whole width, in a row of their own
            rows.append(
                f'<tr class="flagged-evidence"><td></td><td colspan="{len(head) - 1}" class="evidence">'
                f"<b>Evidence</b> {evidence}</td></tr>"
            )
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (
        f"<p>{len(flagged)} of {len(claims)} audited statements do not fully match the data. Each is shown whole.</p>\n"
        f'<table id="flagged"><thead><tr>{header}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"
    )


def _published_html(board: pd.DataFrame | None) -> str:
    if board is None:
        return '<p id="published">No scoreboard in this run.</p>'
    values = board[board["type"] != audit.CLAIM]
    columns = ["item", "type", "section", "line", "expected", "computed", "verdict"]
    differing = values[values["verdict"] != "reproduced"]
    lead = (
        f"<p>{len(values)} published values; {len(differing)} not reproduced.</p>"
        if len(differing)
        else f"<p>All {len(values)} published values are reproduced.</p>"
    )
    table = show_table(values[columns].set_index("item"), "Every published value: thesis vs this run").to_html(
        table_id="published"
    )
    return lead + f"<details><summary>Show all {len(values)} values</summary>{table}</details>"


def _figures_html(reports: Path) -> str:
    figures = sorted((reports / "figures").glob("*.png"))
    if not figures:
        return '<div id="figures"><p>No figures in this run.</p></div>'
    items = [
        f'<figure><a href="figures/{escape(f.name)}"><img src="figures/{escape(f.name)}" '
        f'alt="{escape(f.stem)}"></a>'
        f"<figcaption>{escape(f.stem.replace('_', ' '))}</figcaption></figure>"
        for f in figures
    ]
    return '<div id="figures">' + "\n".join(items) + "</div>"


def _notebooks_html(reports: Path) -> str:
    rows = []
    for name, row in notebook_index().iterrows():
        links = []
        for label, key in (("with code", "html"), ("results only", "results only")):
            target = row[key]
            links.append(
                f'<a href="{escape(target)}">{label}</a>' if (reports / target).is_file() else f"{label} (not run)"
            )
        rows.append(f"<tr><td>{escape(str(name))}</td><td>{escape(row['title'])}</td><td>{' · '.join(links)}</td></tr>")
    return (
        '<table id="notebooks"><thead><tr><th>notebook</th><th>title</th><th>pages</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def codebook_table(reports: Path) -> pd.DataFrame:
    """Every codebook category with its framework, definition, source, patterns and quote counts by role.

    Counts come from the run's ``tables/coding_matrix.csv`` (every printed quote, notebook 03) and
    the corpus's roles; without that table the count columns are missing values.
    """
    from ..corpus import load_corpus
    from ..io import load_codebook

    book = load_codebook()
    categories = book.categories.merge(
        book.frameworks[["framework_id", "framework"]], on="framework_id", how="left", validate="many_to_one"
    )
    table = pd.DataFrame(
        {
            "category_id": categories["category_id"],
            "framework": categories["framework"],
            "category": categories["category"],
            "definition": categories["definition"],
            "source": categories["source"],
            "thesis": "section " + categories["thesis_section"] + ", lines " + categories["thesis_lines"],
            "patterns": categories["patterns"].str.replace(";", "; ", regex=False),
        }
    )
    matrix_path = reports / "tables" / "coding_matrix.csv"
    if matrix_path.is_file():
        matrix = pd.read_csv(matrix_path, encoding="utf-8").set_index("utterance_id")
        roles = load_corpus().utterances.set_index("utterance_id")["role"].reindex(matrix.index)
        by_role = matrix.astype(bool).groupby(roles).sum().T
        for role in sorted(by_role.columns):
            table[f"quotes: {role}"] = table["category_id"].map(by_role[role]).astype("Int64")
        table["quotes: all"] = table["category_id"].map(matrix.astype(bool).sum()).astype("Int64")
    return table


def _codebook_html(reports: Path) -> str:
    table = codebook_table(reports)
    parts = [
        f"<p>{len(table)} categories in {table['framework'].nunique()} frameworks. Counts are quotes coded with the "
        "category in this run (every printing), by the speaker's role.</p>"
    ]
    for framework, group in table.groupby("framework", sort=False):
        shown = group.drop(columns=["framework"]).set_index("category_id")
        parts.append(
            f'<details class="codebook-framework"><summary>{escape(str(framework))} ({len(group)} categories)</summary>'
            + show_table(shown).to_html()
            + "</details>"
        )
    return '<div id="codebook">' + "\n".join(parts) + "</div>"


def _run_info_html(info: dict[str, str]) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in info.items())
    return f'<table id="run-info"><tbody>{rows}</tbody></table>'


def index_page(reports: Path, *, info: dict[str, str] | None = None) -> str:
    """The HTML of ``reports/index.html`` from the outputs under ``reports`` (nothing is recomputed
    except the codebook's counts by role, from the run's coding matrix).

    Parameters
    ----------
    reports : Path
        The reports folder of a run.
    info : dict of str to str, optional
        Run information (default :func:`run_info`: now, the commit, the package versions).

    Returns
    -------
    str
        A complete HTML document without scripts or external resources.
    """
    from ..corpus import load_corpus

    tables = reports / "tables"
    board = audit.saved(tables / audit.SCOREBOARD_FILE)
    claims = _read_table(tables / "claims_audit.csv")
    utterances = load_corpus().utterances
    quotes = dict(zip(utterances["utterance_id"], utterances["text"]))
    info = info or run_info()
    nav = "".join(
        f'<a href="#{i}-section">{t}</a>'
        for i, t in (
            ("scoreboard", "Scoreboard"),
            ("flagged", "Flagged statements"),
            ("published", "Published values"),
            ("figures", "Figures"),
            ("notebooks", "Notebooks"),
            ("codebook", "Codebook"),
            ("downloads", "Tables"),
            ("run-info", "Run"),
        )
    )
    downloads = (
        '<div id="downloads"><p><a href="tables.xlsx">tables.xlsx</a>: every table of this run, one sheet each '
        "(numbers as numbers, text as text; opens directly in Excel).</p>"
        '<p><a href="tables/">tables/</a>: the same tables as CSV files: exact UTF-8 data, comma-separated, for '
        "programs (pandas, R). In a Norwegian Excel use <em>Data → Fra tekst/CSV</em> with file origin "
        "<em>65001: Unicode (UTF-8)</em> and delimiter <em>Komma</em>, or open <code>tables.xlsx</code> instead.</p>"
        "</div>"
    )
    body = (
        "<h1>mdi-analysis: reproduction of Strømsvåg (2017)</h1>\n"
        "<p>The one-page report of a run of <code>make reproduce</code>: start here. Every number comes from the "
        "data in <code>data/</code> through the package's code; the notebooks below show how.</p>\n"
        f"<nav>{nav}</nav>\n"
        + _section("scoreboard", "Scoreboard", _scoreboard_html(board))
        + _section(
            "flagged", "Flagged statements", _flagged_html(claims, quotes, _read_table(tables / "claims_evidence.csv"))
        )
        + _section("published", "Published values: thesis vs this run", _published_html(board))
        + _section("figures", "Figures", _figures_html(reports))
        + _section("notebooks", "Notebooks", _notebooks_html(reports))
        + _section("codebook", "Codebook", _codebook_html(reports))
        + _section("downloads", "Tables", downloads)
        + _section("run-info", "This run", _run_info_html(info))
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>mdi-analysis report: Strømsvåg (2017) reproduced</title><style>{_STYLE}</style></head>"
        f"<body>\n{body}</body></html>\n"
    )
