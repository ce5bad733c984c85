"""Property-based fuzzing of everything that reads a researcher's files (issue 15, "what to build").

Malformed input must end in the package's own error (:class:`~mdi_analysis.errors.MdiError`, which
the command line turns into one line and exit 2), never in a traceback from pandas, csv, zipfile,
a codec or ``int()``, and quickly: each example has a deadline of two seconds. Three families:

- the table loaders (``read_table`` through ``load_survey``, ``load_sample``, ``load_codebook``) on
  a copy of ``data/`` where one file is replaced by random bytes, random text, or a copy with one
  cell or one line changed;
- the ``.qdpx`` import on a small export whose ``project.qde`` has an attribute, a text or a byte
  changed, or whose archive is cut short;
- the transcript import on random bytes and on random speaker-labelled text.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdi_analysis import exchange, paths
from mdi_analysis.errors import MdiError
from mdi_analysis.io import load_codebook, load_sample, load_survey

FIXTURE = Path(__file__).parent / "fixtures" / "transcripts" / "intervju_arbeidsgiver.txt"
FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LOADERS = {"survey": load_survey, "sample": load_sample, "codebook": load_codebook}

# Text that looks like a CSV cell or line but is not one: separators, quotes, numbers at the
# edges of what floats and 64-bit integers hold, NUL, a lone surrogate's neighbours, line breaks.
_NASTY = st.sampled_from(
    ["", '"', '""', ",", ";", "\x00", "1e400", "-1e400", "nan", "inf", "9" * 30, "-0", "4,2", "\r", "\n", "\ufeff"]
)
_CELL = st.one_of(_NASTY, st.text(max_size=40), st.integers().map(str), st.floats().map(str))


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("data")
    for folder in LOADERS:
        shutil.copytree(paths.data_dir() / folder, target / folder)
    return target


@pytest.fixture(scope="module")
def small_qdpx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .qdpx of four utterances (the clean transcript fixture), small enough to import quickly."""
    folder = tmp_path_factory.mktemp("small")
    exchange.import_transcripts([FIXTURE], folder / "corpus")
    out, _, _ = exchange.export_qdpx(folder / "small.qdpx", corpus_dir=folder / "corpus")
    return out


def _expect_own_errors(call) -> None:
    try:
        call()
    except MdiError:
        pass


@st.composite
def _mutated_table(draw: st.DrawFn, text: str) -> bytes:
    kind = draw(st.sampled_from(["bytes", "text", "cell", "cell", "line", "cut", "long"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "text":
        return draw(st.text(max_size=400)).encode("utf-8", errors="surrogatepass")
    lines = text.splitlines()
    if kind == "cut":
        return text.encode("utf-8")[: draw(st.integers(0, len(text.encode("utf-8"))))]
    row = draw(st.integers(1, len(lines) - 1))  # a data row: the header is fuzzed by "line" and "text"
    if kind == "line":
        lines[draw(st.integers(0, len(lines) - 1))] = draw(st.text(max_size=80))
    else:
        cells = lines[row].split(",")
        value = '"' + "x" * 140_000 + '"' if kind == "long" else draw(st.one_of(_NASTY, _CELL))
        cells[draw(st.integers(0, len(cells) - 1))] = value
        lines[row] = ",".join(cells)
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


@FUZZ
@given(data=st.data())
def test_table_loaders_raise_only_input_errors(data_copy: Path, data: st.DataObject):
    folder = data.draw(st.sampled_from(sorted(LOADERS)))
    files = sorted(p.name for p in (paths.data_dir() / folder).glob("*.csv"))
    name = data.draw(st.sampled_from(files))
    original = (paths.data_dir() / folder / name).read_text(encoding="utf-8")
    target = data_copy / folder / name
    target.write_bytes(data.draw(_mutated_table(original)))
    try:
        _expect_own_errors(lambda: LOADERS[folder](data_copy / folder))
    finally:
        target.write_text(original, encoding="utf-8")


def _mutate_qde(draw: st.DrawFn, qde: str) -> str:
    kind = draw(st.sampled_from(["attribute", "text", "byte", "drop"]))
    if kind == "attribute":
        import re

        spots = [m.span(1) for m in re.finditer(r'="([^"]*)"', qde)]
        start, end = draw(st.sampled_from(spots))
        value = draw(st.one_of(_NASTY, st.text(alphabet=st.characters(blacklist_characters='"<&'), max_size=30)))
        return qde[:start] + value + qde[end:]
    if kind == "text":
        at = draw(st.integers(0, len(qde)))
        return qde[:at] + draw(st.text(max_size=20)) + qde[at:]
    if kind == "byte":
        at = draw(st.integers(0, len(qde) - 1))
        return qde[:at] + draw(st.sampled_from(["<", ">", "&", '"', "\x00", "]]>", "</"])) + qde[at + 1 :]
    start = draw(st.integers(0, len(qde) - 1))
    return qde[:start] + qde[start + draw(st.integers(1, 200)) :]


@FUZZ
@given(data=st.data())
def test_qdpx_import_raises_only_own_errors(small_qdpx: Path, data: st.DataObject):
    original = small_qdpx.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.qdpx"
        if data.draw(st.booleans()):
            path.write_bytes(original[: data.draw(st.integers(0, len(original)))])
        else:
            source = zipfile.ZipFile(io.BytesIO(original))
            with zipfile.ZipFile(path, "w") as archive:
                for info in source.infolist():
                    content = source.read(info.filename)
                    if info.filename == "project.qde":
                        content = _mutate_qde(data.draw, content.decode("utf-8")).encode("utf-8", "surrogatepass")
                    elif info.filename.endswith(".txt") and data.draw(st.booleans()):
                        content = data.draw(st.binary(max_size=200))
                    archive.writestr(info, content)
        _expect_own_errors(lambda: exchange.qdpx_to_corpus(path, Path(tmp) / "out", allow_pii=True))


_LABELLED = st.lists(
    st.tuples(st.sampled_from(["I", "R", "Rolle", "Kari", "", "[00:01] R", "Intervjuer"]), st.text(max_size=60)),
    max_size=12,
).map(lambda turns: "\n".join(f"{label}: {text}" for label, text in turns))


@FUZZ
@given(
    content=st.one_of(st.binary(max_size=600), _LABELLED.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    suffix=st.sampled_from([".txt", ".docx"]),
)
def test_transcript_import_raises_only_own_errors(content: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"interview{suffix}"
        path.write_bytes(content)

        def run() -> None:
            result = exchange.build_import([path], role="arbeidsgiver")
            exchange.write_import(result, Path(tmp) / "out", allow_pii=True)

        _expect_own_errors(run)


def test_a_tables_row_lines_are_shared_not_copied_by_pandas():
    # pandas deep-copies attrs into every derived frame; the row lines must not be copied each time.
    import copy

    from mdi_analysis.io import RowLines

    lines = RowLines([2, 3, 5])
    assert copy.deepcopy(lines) is lines and copy.copy(lines) is lines
    from mdi_analysis.audit import load_claims

    frame = load_claims()
    assert isinstance(frame.attrs["lines"], RowLines)
    derived = frame[frame["kind"] != ""].head(3)
    assert derived.attrs["lines"] is frame.attrs["lines"]
    assert list(frame.attrs["lines"][:2]) == [2, 3]
