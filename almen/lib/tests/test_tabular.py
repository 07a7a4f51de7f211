"""lib.tabular: reading CSV/XLSX safely and completely, and reading numbers exactly.

The number formats are defined in docs/decisions/0015-number-formats.md; the
properties below check them for random values, not just for the examples.
"""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from almen.lib import tabular
from almen.lib.tabular import AmbiguousNumber, TabularError, parse_decimal

# --- helpers: real XLSX files, rewritten the way other programs write them ------------


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes | None], *, streams: dict | None = None) -> bytes:
    """The archive with some entries replaced (``None``: dropped) and others added from
    ``streams`` (name → iterator of chunks, written without holding them all)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in replace:
                content = replace[info.filename]
                if content is not None:
                    target.writestr(info.filename, content)
            elif not streams or info.filename not in streams:
                target.writestr(info, source.read(info.filename))
        for name, chunks in (streams or {}).items():
            with target.open(name, "w") as handle:
                for chunk in chunks:
                    handle.write(chunk)
    return out.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def understated(data: bytes) -> bytes:
    """The file with its sheet's <dimension> claiming one row (header only): what some
    export tools write."""
    xml = sheet_xml(data)
    assert b"<dimension " in xml
    xml = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C2"', xml)
    return rewrite(data, {"xl/worksheets/sheet1.xml": xml})


ROWS = [["dato", "værdi", "note"]] + [[f"0{d}-01-2025", f"{d},5", f"n{d}"] for d in range(1, 6)]


def read_all(data: bytes, **kwargs) -> tuple[tabular.Table, list[tuple[int, dict]]]:
    table = tabular.open_table(io.BytesIO(data), **kwargs)
    return table, list(table.rows)


# --- item 6: rows past the declared dimension -----------------------------------------


def test_xlsx_rows_past_an_understated_dimension_are_read() -> None:
    data = understated(xlsx(ROWS))
    table, rows = read_all(data)
    assert [number for number, _row in rows] == [2, 3, 4, 5, 6]
    assert [row["note"] for _n, row in rows] == ["n1", "n2", "n3", "n4", "n5"]
    assert table.rows_read == 5
    # The estimate for the progress bar counts the rows too, not the dimension.
    assert tabular.count_rows(io.BytesIO(data)) == 5


def test_rows_read_counts_data_rows_not_blank_lines() -> None:
    csv = "dato;værdi\n01-01-2025;1\n\n;\n02-01-2025;2\n".encode()
    table, rows = read_all(csv)
    assert len(rows) == table.rows_read == 2
    table, rows = read_all(xlsx([["dato", "værdi"], ["01-01-2025", 1], [None, None], ["x", 2]]))
    assert len(rows) == table.rows_read == 2


def test_check_rows_accounted() -> None:
    tabular.check_rows_accounted(read=5, accounted=5)
    with pytest.raises(TabularError, match="5 rækker, men kun 1"):
        tabular.check_rows_accounted(read=5, accounted=1)


# --- item 3: zip bombs -------------------------------------------------------------------


def bomb(megabytes: int = 50) -> bytes:
    """A real XLSX whose shared strings hold one string of ``megabytes`` MB of one
    repeated character: about 50 kB packed per 50 MB."""
    data = xlsx([["navn"], ["Anne"]])

    def chunks():
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
        for _ in range(megabytes):
            yield b"a" * (1024 * 1024)
        yield b"</t></si></sst>"

    return rewrite(data, {"xl/sharedStrings.xml": None}, streams={"xl/sharedStrings.xml": chunks()})


@pytest.fixture(scope="module")
def bomb_file() -> bytes:
    return bomb()


def test_zip_bomb_is_refused_before_it_is_unpacked(bomb_file) -> None:
    assert len(bomb_file) < 200 * 1024  # small on disk …
    tracemalloc.start()
    try:
        with pytest.raises(TabularError, match=r"sharedStrings\.xml pakkes ud til"):
            tabular.open_table(io.BytesIO(bomb_file), in_worker=True)
        # … and never unpacked: openpyxl would hold the 50 MB string (and more).
        assert tabular.count_rows(io.BytesIO(bomb_file)) == 0
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_xlsx_limits_are_settings() -> None:
    # openpyxl writes its strings inline; Excel puts them in xl/sharedStrings.xml.
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    data = rewrite(xlsx([["navn"], ["Anne"]]), {}, streams={"xl/sharedStrings.xml": [strings]})
    info = tabular.check_xlsx(io.BytesIO(data))
    assert info.entries > 3 and info.unpacked_bytes > 0
    for limit, message in [
        ({"TABULAR_XLSX_MAX_ENTRIES": 3}, "dele"),
        ({"TABULAR_XLSX_MAX_ENTRY_BYTES": 100}, "MB udpakket"),
        ({"TABULAR_XLSX_MAX_SHARED_STRINGS_BYTES": 10}, "sharedStrings"),
        ({"TABULAR_XLSX_MAX_TOTAL_BYTES": info.unpacked_bytes - 1}, "fylder"),
    ]:
        with override_settings(**limit), pytest.raises(TabularError, match=message):
            tabular.open_table(io.BytesIO(data))
    with override_settings(TABULAR_XLSX_INLINE_BYTES=info.unpacked_bytes - 1):
        # Too big for a web request, fine for the worker.
        with pytest.raises(TabularError, match="her kan højst"):
            tabular.open_table(io.BytesIO(data))
        _table, rows = read_all(data, in_worker=True)
        assert rows == [(2, {"navn": "Anne"})]


def test_not_a_zip_is_refused_with_a_message() -> None:
    with pytest.raises(TabularError, match="XLSX-regneark"):
        tabular.open_table(io.BytesIO(b"PK\x03\x04 not really a zip"))


def test_count_rows_finds_the_first_sheet() -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    for n in range(4):
        first.append([n])
    second = workbook.create_sheet("Andet")
    for n in range(9):
        second.append([n])
    out = io.BytesIO()
    workbook.save(out)
    assert tabular.count_rows(out) == 3


# --- item 8: numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("72,5", "72.5"),
        ("1.234,5", "1234.5"),
        ("1.234.567,89", "1234567.89"),
        ("1.234.567", "1234567"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("1\u202f234", "1234"),
        ("1 234.5", "1234.5"),
        ("72.5", "72.5"),
        ("0.125", "0.125"),
        ("0,125", "0.125"),
        ("1234.567", "1234.567"),
        ("1234567.89", "1234567.89"),
        ("-3,5", "-3.5"),
        ("\u22123,5", "-3.5"),
        ("+4", "4"),
        (" 12 ", "12"),
        ("100.000,00", "100000.00"),
        (3, "3"),
        (0.1, "0.1"),
        (Decimal("12.500"), "12.500"),
    ],
)
def test_parse_decimal_formats(text, value) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["12.500", "1.234", "-999.000", "10.000", "\u22121.000"])
def test_one_dot_and_three_digits_is_ambiguous(text) -> None:
    with pytest.raises(AmbiguousNumber) as refused:
        parse_decimal(text)
    assert "kan læses både som" in refused.value.message


def test_ambiguous_message_names_both_readings() -> None:
    with pytest.raises(AmbiguousNumber) as refused:
        parse_decimal("12.500")
    assert refused.value.message == (
        "»12.500« kan læses både som 12500 og 12,5. Skriv tallet uden tusindtalspunktum "
        "(12500) eller med komma som decimaltegn (12,5)."
    )
    assert tabular.number_error(refused.value, "fallback") == refused.value.message
    assert tabular.number_error(ValueError("x"), "fallback") == "fallback"


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "abc",
        "1,234.5",
        "12.34,5",
        "1.2.3",
        "1e3",
        "NaN",
        "inf",
        "1 23",
        "12 345 6",
        "- 4",
        "--4",
        ",5",
        "5,",
        "1,2,3",
        "0.123.456",  # a thousands group never follows a lone 0
        "0.125.000",
        "12\n5",
        "1.234\n",
        "\u0661\u0662",  # Arabic-Indic digits: not a format we read
        "1.234 567",
        True,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
    ],
)
def test_parse_decimal_refuses(value) -> None:
    with pytest.raises(ValueError):
        parse_decimal(value)


def danish(value: Decimal, sep: str = ".") -> str:
    """``value`` as Danish Excel shows it: 1.234.567,89 (thousands in groups of 3)."""
    sign = "-" if value < 0 else ""
    whole, _dot, fraction = f"{abs(value):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + sep.join(groups) + (f",{fraction}" if fraction else "")


def international(value: Decimal) -> str:
    return f"{value:f}"


AMBIGUOUS = re.compile(r"^[+\-\u2212]?[1-9]\d{0,2}\.\d{3}$")
# Any value with up to 6 decimals (trailing zeros kept: "12,500" has three), up to
# about a trillion: built from digits and places, so nothing is filtered away.
decimals: st.SearchStrategy[Decimal] = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.integers(min_value=0, max_value=6),
)
# No deadline: the machine is shared, and tests never bound time.
no_deadline = settings(deadline=None)


@no_deadline
@given(decimals, st.sampled_from([".", " ", "\u00a0"]))
@example(Decimal("1234.5"), ".")
@example(Decimal("12500"), ".")
@example(Decimal("-0.125"), ".")
def test_danish_round_trip(value: Decimal, sep: str) -> None:
    text = danish(value, sep)
    if AMBIGUOUS.match(text):  # "12.500": Danish thousands or a decimal dot
        with pytest.raises(AmbiguousNumber):
            parse_decimal(text)
    else:
        parsed = parse_decimal(text)
        assert parsed == value and parsed.as_tuple().exponent == value.as_tuple().exponent


@no_deadline
@given(decimals)
@example(Decimal("0.125"))
@example(Decimal("12.5"))
@example(Decimal("12.500"))
def test_international_round_trip(value: Decimal) -> None:
    text = international(value)
    if AMBIGUOUS.match(text):
        with pytest.raises(AmbiguousNumber):
            parse_decimal(text)
    else:
        assert parse_decimal(text) == value


@no_deadline
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_ambiguous_strings_are_refused(head: int, tail: int) -> None:
    for sign in ("", "-", "\u2212"):
        with pytest.raises(AmbiguousNumber):
            parse_decimal(f"{sign}{head}.{tail:03d}")


@no_deadline
@given(decimals)
def test_numbers_from_xlsx_cells_are_taken_as_they_are(value: Decimal) -> None:
    assert parse_decimal(value) == value
    assert parse_decimal(float(value)) == Decimal(str(float(value)))
    if value == value.to_integral_value():
        assert parse_decimal(int(value)) == value


def _readings(text: str) -> set[Decimal]:
    """Every value ``text`` could mean in one of the two formats (a reference that
    does not share parse_decimal's code)."""
    body = text.strip(" \u00a0")
    negative = body[:1] in ("-", "\u2212")
    if body[:1] in ("-", "\u2212", "+"):
        body = body[1:]
    body = body.replace("\u00a0", " ")
    found = set()
    grouped = r"[1-9]\d{0,2}(?:(?P<s>[. ])\d{3})(?:(?P=s)\d{3})*"
    if m := re.fullmatch(rf"(\d+|{grouped})(?:,(\d+))?", body):  # Danish
        whole = m.group(1).replace(".", "").replace(" ", "")
        found.add(Decimal(whole + (f".{m.group(3)}" if m.group(3) else "")))
    if m := re.fullmatch(r"(\d+|[1-9]\d{0,2}(?: \d{3})+)(?:\.(\d+))?", body):  # international
        whole = m.group(1).replace(" ", "")
        found.add(Decimal(whole + (f".{m.group(2)}" if m.group(2) else "")))
    return {-v if negative else v for v in found}


@no_deadline
@given(st.text(alphabet="0123456789.,- +\u2212\u00a0", max_size=14))
@example("12.500")
@example("1.234.567")
@example("0.125")
@example("1 234.567")
def test_never_a_wrong_value(text: str) -> None:
    """Whatever the string: parse_decimal returns one of its readings, and refuses it
    when the two formats read it differently."""
    readings = _readings(text)
    try:
        value = parse_decimal(text)
    except AmbiguousNumber:
        assert len(readings) == 2
        return
    except ValueError:
        return
    assert readings == {value}


# --- csv_records: str.split where the csv module would read the same -----------------


def _by_csv_module(text: str) -> list[tuple[int, list[str]]]:
    import csv

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    return [(reader.line_num, r) for r in reader if any(r)]


def _by_csv_records(text: str, chunk: int) -> list[tuple[int, list[str]]]:
    import csv

    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=";")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tabular, "CHUNK", chunk)
        return list(tabular.csv_records(stream, reader, ";"))


_LINE_PIECES = st.lists(
    st.sampled_from(["a", "1,5", ";", "", " ", '"', '"x;y"', "\r\n", "\n", "\r", "\x00", "æø"]),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(pieces=_LINE_PIECES, chunk=st.integers(min_value=1, max_value=12))
@example(pieces=["a", ";", "1", "\r\n", "b", ";", "2", "\r\n"], chunk=4)
@example(pieces=["a", "\r", "\n", "b"], chunk=1)
@example(pieces=["a", "\n", '"q', "\n", 'r"', "\n", "c"], chunk=3)
def test_csv_records_reads_what_the_csv_module_reads(pieces: list[str], chunk: int) -> None:
    text = "".join(pieces)
    try:
        expected: Any = _by_csv_module(text)
    except Exception as exc:  # the csv module refuses it: so must csv_records
        expected = type(exc)
    try:
        got: Any = _by_csv_records(text, chunk)
    except TabularError as exc:
        got = type(exc.__cause__)
    assert got == expected


def test_csv_records_splits_plain_text_without_the_csv_module(monkeypatch) -> None:
    import csv

    text = "a;1\r\n\r\nb;2\r\nc;3"
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=";")
    monkeypatch.setattr(tabular, "_csv_module_records", None)  # would fail if called
    assert list(tabular.csv_records(stream, reader, ";")) == [
        (1, ["a", "1"]),
        (3, ["b", "2"]),
        (4, ["c", "3"]),
    ]


def test_csv_records_hands_a_quoted_rest_to_the_csv_module_with_its_line_numbers() -> None:
    text = "h;v\n" + "a;1\n" * 5 + '"b;x";2\n"multi\nline";3\nc;4\n'
    assert _by_csv_records(text, 8) == _by_csv_module(text)
    numbers = [n for n, _r in _by_csv_records(text, 8)]
    assert numbers == [1, 2, 3, 4, 5, 6, 7, 9, 10]


def test_csv_records_refuses_a_field_over_the_limit_as_the_csv_module_does() -> None:
    text = "a;1\nb;" + "x" * 200_000 + "\nc;3\n"
    with pytest.raises(TabularError, match="Linje 2 kunne ikke læses"):
        _by_csv_records(text, 1 << 20)
