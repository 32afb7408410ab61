"""`verbund import` and `verbund export` with bad input: a non-zero exit, a clear error naming
the file, row, field or argument, and no traceback."""

from collections.abc import Callable
from pathlib import Path

import pytest

from verbund.core.testing import assert_cli_refuses
from verbund.interfaces.models import ImportRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]

Write = Callable[..., Path]


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["import", "robots", "x.csv"], "kind"),
        (["import", "parties"], "file"),
        (["import", "parties", "x.csv", "--format", "pdf"], "--format"),
        (["export", "robots"], "kind"),
        (["export", "parties", "--format", "pdf"], "--format"),
        (["export", "parties", "--format", "xlsx"], "--output"),
    ],
)
def test_bad_arguments_are_named(capsys, args, names):
    assert_cli_refuses(capsys, *args, names=names)


def test_a_row_error_names_file_row_and_field_and_the_run_says_nothing_was_written(
    capsys, write: Write
):
    path = write("kunden.csv", "id;name;country\nK1;A GmbH;XX\n")
    code_line = assert_cli_refuses(
        capsys, "import", "parties", str(path), names=["#"], lines=1, report=True
    )
    assert "kunden.csv, row 2" in code_line and "country" in code_line


def test_an_unknown_mapping_is_named(capsys, write: Write):
    path = write("kunden.csv", "id;name\nK1;A GmbH\n")
    assert_cli_refuses(
        capsys, "import", "parties", str(path), "--mapping", "nosuch", names="nosuch", report=True
    )


def test_a_missing_file_is_named(capsys):
    assert_cli_refuses(capsys, "import", "parties", "/nonexistent/kunden.csv", names="kunden.csv")
    assert not ImportRun.objects.filter(status="running").exists()


def test_a_folder_given_as_the_import_file_is_named(capsys, tmp_path: Path):
    folder = tmp_path / "kunden"
    folder.mkdir()
    assert_cli_refuses(capsys, "import", "parties", str(folder), names=["kunden", "folder"])
    assert not ImportRun.objects.exists()


def test_an_output_file_that_cannot_be_written_is_named(capsys):
    assert_cli_refuses(
        capsys, "export", "parties", "--output", "/nonexistent/dir/out.csv", names="out.csv"
    )


def test_a_nul_character_in_a_cell_names_file_row_and_field(capsys, write: Write):
    path = write("kunden.csv", "id;name;city\nK1;A GmbH;Kö\x00ln\n")
    text = assert_cli_refuses(capsys, "import", "parties", str(path), names=["#"], report=True)
    assert "kunden.csv, row 2" in text and "city" in text


def test_a_random_binary_file_is_not_a_text_file(capsys, write: Write):
    import random

    data = random.Random(7).randbytes(4096)
    text = assert_cli_refuses(
        capsys, "import", "parties", str(write("kunden.csv", data)), names=["#"], report=True
    )
    assert "kunden.csv: not a text file" in text and "cp1252" not in text
    assert "row 0" not in text


def test_a_nul_character_in_a_json_lines_value_names_file_row_and_field(capsys, write: Write):
    path = write("kunden.jsonl", '{"id": "K1", "name": "A GmbH", "city": "K\\u0000ln"}\n')
    text = assert_cli_refuses(capsys, "import", "parties", str(path), names=["#"], report=True)
    assert "kunden.jsonl, row 1, city" in text


def test_damaged_xml_in_a_workbook_names_the_file_and_line_without_the_parsers_words(
    capsys, tmp_path: Path
):
    import zipfile

    import openpyxl

    good, bad = tmp_path / "good.xlsx", tmp_path / "kunden.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["id", "name"])
    wb.active.append(["K1", "A GmbH"])
    wb.save(good)
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><row <<")
            zout.writestr(info, data)
    text = assert_cli_refuses(capsys, "import", "parties", str(bad), names=["#"], report=True)
    assert "kunden.xlsx: not a readable XLSX workbook" in text and "line 1" in text
    assert "not well-formed" not in text and "ParseError" not in text
