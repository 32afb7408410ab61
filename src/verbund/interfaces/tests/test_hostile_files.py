"""Files built to hurt: UTF-16/32 text, JSON nested 100,000 levels, an XLSX zip bomb, mapping
files that reach out of the import folder (issue 21). Each is refused or read with a clear
message naming the file and row, and the run ends failed rather than hanging."""

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from verbund.interfaces import parsers
from verbund.interfaces.mapping import load_mapping
from verbund.interfaces.models import ImportRun
from verbund.interfaces.parsers import ImportFileError, Reader
from verbund.interfaces.tests.conftest import reasons

Write = Callable[..., Path]
Run = Callable[..., ImportRun]

CSV = "external_id;name;city\nK1;Müller GmbH;Köln\nK2;Straße AG;Düsseldorf\n"


# --- UTF-16 and UTF-32 ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_csv_in_utf16_or_utf32_with_a_byte_order_mark_is_read(
    encoding: str, write: Write, tmp_path: Path
) -> None:
    bom = "\ufeff".encode(encoding)
    path = write(f"{encoding}.csv", bom + CSV.encode(encoding))
    reader = Reader(path, "csv")
    rows = list(reader.rows())
    assert reader.columns == ["external_id", "name", "city"]
    assert rows[1] == (3, {"external_id": "K2", "name": "Straße AG", "city": "Düsseldorf"})


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_import_creates_its_parties(encoding: str, write: Write, run_import: Run) -> None:
    path = write("p.csv", "\ufeff".encode(encoding) + CSV.encode(encoding))
    run = run_import("parties", path)
    assert run.status == "done", reasons(run)
    assert run.counts["created"] == 2


def test_a_utf16_byte_order_mark_wins_over_a_declared_8_bit_encoding(write: Write) -> None:
    from verbund.interfaces.parsers import ReadOptions

    path = write("p.csv", "\ufeff".encode("utf-16-le") + CSV.encode("utf-16-le"))
    reader = Reader(path, "csv", ReadOptions(encoding="cp1252"))
    assert next(iter(reader.rows()))[1]["name"] == "Müller GmbH"
    assert reader.encoding == "utf-16"


def test_json_lines_in_utf16_are_read(write: Write) -> None:
    text = '{"external_id": "K1", "name": "Müller"}\n'
    path = write("p.jsonl", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    assert list(Reader(path, "jsonl").rows()) == [(1, {"external_id": "K1", "name": "Müller"})]


# --- deep JSON ------------------------------------------------------------------------------


def test_json_nested_100000_levels_fails_the_run_naming_file_and_line(
    write: Write, run_import: Run
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = write(
        "deep.jsonl",
        '{"external_id": "K1", "name": "A"}\n' + '{"external_id": "K2", "x": ' + deep + "}\n",
    )
    run = run_import("parties", path)
    assert run.status == "failed"
    assert "deep.jsonl, row 2: the JSON is nested deeper than 32 levels" in reasons(run)
    assert "Traceback" not in reasons(run)


def test_json_nested_just_past_the_limit_is_refused_and_at_the_limit_read(write: Write) -> None:
    def line(depth: int) -> str:
        return '{"external_id": "K1", "x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}\n"

    rows = list(Reader(write("ok.jsonl", line(32)), "jsonl").rows())
    assert rows[0][1]["external_id"] == "K1"
    with pytest.raises(ImportFileError, match=r"too.jsonl, row 1: .*deeper than 32"):
        list(Reader(write("too.jsonl", line(33)), "jsonl").rows())


def test_json_depth_counts_lists_and_objects() -> None:
    assert parsers.json_depth("x", 32) == 0
    assert parsers.json_depth({}, 32) == 1
    assert parsers.json_depth({"a": [1, {"b": []}]}, 32) == 4
    assert (
        parsers.json_depth(json.loads("[" * 50 + "]" * 50), 10) == 11
    )  # stops counting past the limit


# --- XLSX zip bomb --------------------------------------------------------------------------

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def write_bomb(path: Path, text_bytes: int) -> None:
    """An XLSX whose one data cell holds ``text_bytes`` of text, written in 1 MB pieces so the
    test never holds it in memory (a GiB packs to about one MB)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=4) as zf:
        for name, text in _XLSX_PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>external_id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
                b'<row r="2"><c r="A2" t="inlineStr"><is><t>K1</t></is></c><c r="B2" t="inlineStr"><is><t>'
            )
            chunk = b"A" * (1024 * 1024)
            for _ in range(text_bytes // len(chunk)):
                fh.write(chunk)
            fh.write(b"</t></is></c></row></sheetData></worksheet>")


_PEAK_PROBE = """
import os, resource, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.settings")
django.setup()
from django.utils import translation
translation.activate("en")
from verbund.interfaces.parsers import ImportFileError, Reader
try:
    for _row in Reader(sys.argv[1], "xlsx").rows():
        pass
    print("READ")
except ImportFileError as exc:
    print("REFUSED", exc)
# This process's own high-water mark: ru_maxrss keeps the forking pytest worker's size across
# exec (a worker grown to 300 MB made the probe look as big), /proc's VmHWM starts afresh.
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("PEAK_KB", peak)
"""


@pytest.fixture(scope="module")
def gib_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    write_bomb(path, 1024**3)
    return path


def test_an_xlsx_zip_bomb_is_refused_before_unpacking_and_stays_under_300_mb(
    gib_bomb: Path, tmp_path: Path
) -> None:
    assert gib_bomb.stat().st_size < 1.1 * 1024 * 1024  # a 1 MB workbook
    probe = subprocess.run(
        [sys.executable, "-c", _PEAK_PROBE, str(gib_bomb)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**__import__("os").environ, "VERBUND_LANGUAGE": "en", "SECRET_KEY": "probe"},
    )
    assert probe.returncode == 0, probe.stderr
    assert "REFUSED bomb.xlsx: the archive member xl/worksheets/sheet1.xml" in probe.stdout
    assert "zip bomb" in probe.stdout
    peak_kb = int(probe.stdout.rsplit("PEAK_KB", 1)[1].split()[0])
    print(f"peak memory of the refused 1 GiB zip bomb: {peak_kb / 1024:.0f} MB")
    assert peak_kb < 300 * 1024


def test_the_zip_bomb_fails_its_import_run_naming_the_file(gib_bomb: Path, run_import: Run) -> None:
    run = run_import("parties", gib_bomb)
    assert run.status == "failed"
    assert "bomb.xlsx: the archive member xl/worksheets/sheet1.xml unpacks to" in reasons(run)


def test_an_archive_with_too_many_members_is_refused(tmp_path: Path, settings) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"x/{i}", "")
    with pytest.raises(ImportFileError, match=r"many.xlsx: the archive holds 10,001 files"):
        list(Reader(path, "xlsx").rows())


def test_an_archive_declaring_more_than_the_unpacked_limit_is_refused(
    tmp_path: Path, settings
) -> None:
    settings.VERBUND_MAX_UNPACKED_BYTES = 1024 * 1024
    path = tmp_path / "big.xlsx"
    write_bomb(path, 2 * 1024 * 1024)
    with zipfile.ZipFile(path) as zf:  # under the ratio floor? no: make the ratio harmless
        assert sum(i.file_size for i in zf.infolist()) > 1024 * 1024
    with pytest.raises(ImportFileError, match=r"big.xlsx: the archive (unpacks|member)"):
        list(Reader(path, "xlsx").rows())


def test_an_ordinary_workbook_passes_the_archive_check(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["external_id", "name"])
    for i in range(2000):
        ws.append([f"K{i}", "Müller Handel GmbH"])
    path = tmp_path / "ok.xlsx"
    wb.save(path)
    assert len(list(Reader(path, "xlsx").rows())) == 2000


# --- mapping files that reach out ---------------------------------------------------------


@pytest.mark.parametrize("target", ["../../../../../../etc/passwd", "/etc/passwd"])
def test_a_mapping_cannot_extend_a_file_outside_the_import_folder(
    target: str, settings, tmp_path: Path
) -> None:
    folder = Path(settings.VERBUND_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    own = folder / "own.toml"
    own.write_text(f'extends = "{target}"\n[parties]\nKUNDE = "external_id"\n', encoding="utf-8")
    with pytest.raises(
        ImportFileError, match=r"only a preset .* or a mapping file in the import folder"
    ):
        load_mapping(str(own))


def test_a_mapping_cannot_extend_through_a_link_out_of_the_import_folder(
    settings, tmp_path: Path
) -> None:
    folder = Path(settings.VERBUND_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    secret = tmp_path / "secret.toml"
    secret.write_text('[parties]\nx = "name"\n', encoding="utf-8")
    (folder / "link.toml").symlink_to(secret)
    own = folder / "own.toml"
    own.write_text('extends = "link.toml"\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="import folder"):
        load_mapping(str(own))


def test_a_mapping_may_extend_a_preset_or_a_file_in_the_import_folder(settings) -> None:
    folder = Path(settings.VERBUND_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.toml").write_text('extends = "sap"\n[parties]\nKUNDE = "external_id"\n')
    own = folder / "own.toml"
    own.write_text('extends = "base.toml"\n[parties]\nFIRMA = "name"\n', encoding="utf-8")
    mapping = load_mapping(str(own))
    assert mapping.columns["parties"]["kunde"] == "external_id"
    assert mapping.columns["parties"]["firma"] == "name"
    assert mapping.partner_functions is not None  # from the sap preset
