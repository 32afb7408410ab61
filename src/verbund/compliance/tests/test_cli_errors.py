"""`verbund lists` and `verbund screen` with bad input: a non-zero exit and one clear line
naming the file or the argument, no traceback."""

from pathlib import Path

import pytest

from verbund.core.testing import assert_cli_refuses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


def test_importing_a_missing_file_names_it(capsys):
    assert_cli_refuses(
        capsys, "lists", "import", "/nonexistent/sdn.csv", "--format", "ofac-csv", names="sdn.csv"
    )


def test_importing_a_file_of_another_format_names_it(capsys, tmp_path: Path):
    bad = tmp_path / "sdn.csv"
    bad.write_text("id;name\nK1;A\n")
    assert_cli_refuses(capsys, "lists", "import", str(bad), "--format", "ofac-csv", names="sdn.csv")


def test_importing_broken_xml_names_the_file(capsys, tmp_path: Path):
    bad = tmp_path / "un.xml"
    bad.write_text("<kaputt")
    assert_cli_refuses(capsys, "lists", "import", str(bad), "--format", "un-xml", names="un.xml")


def test_an_unknown_format_is_named(capsys, tmp_path: Path):
    assert_cli_refuses(
        capsys, "lists", "import", str(tmp_path), "--format", "pdf", names="--format"
    )


def test_showing_an_unknown_list_names_it(capsys):
    assert_cli_refuses(capsys, "lists", "show", "no-such-list", names="no-such-list")


def test_screening_an_unknown_party_names_it(capsys):
    assert_cli_refuses(capsys, "screen", "K-404", names="K-404")


def test_screening_nothing_says_how_to_screen_everything(capsys):
    assert_cli_refuses(capsys, "screen", names="--all")


def test_screening_with_no_workers_is_refused(capsys):
    assert_cli_refuses(capsys, "screen", "--all", "--workers", "0", names="--workers")
