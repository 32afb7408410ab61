"""The command line speaks German by default and English when asked: ``VERBUND_LANGUAGE`` first,
then the POSIX locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), then the product's default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import (
    ManagementUtility,
    call_command,
    get_commands,
    load_command_class,
)
from django.core.management.base import CommandError
from django.utils import translation

from verbund.core.management.base import VerbundCommand, cli_language
from verbund.core.tests.cli import run_cli

pytestmark = pytest.mark.django_db

LOCALE = ("VERBUND_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
VERBUND_COMMANDS = {
    "import", "export", "hierarchy", "party", "relationship", "revenue", "dedupe", "screen",
    "lists", "check", "token", "serve", "demo", "bench",
}  # fmt: skip


def environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    for name in LOCALE:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("variables", "language"),
    [
        ({}, "de"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en"}, "en"),
        ({"LANG": "de_AT@euro"}, "de"),
        ({"LANG": "C.UTF-8"}, "de"),
        ({"LANG": "C"}, "de"),
        ({"LANG": "POSIX"}, "de"),
        ({"LANG": "fr_FR.UTF-8"}, "de"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "de_DE.UTF-8", "LC_MESSAGES": "en_GB.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
        ({"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
        ({"VERBUND_LANGUAGE": "en", "LC_ALL": "de_DE.UTF-8"}, "en"),
        ({"VERBUND_LANGUAGE": "de", "LANG": "en_US.UTF-8"}, "de"),
        ({"VERBUND_LANGUAGE": "EN"}, "en"),
    ],
    ids=lambda v: str(v),
)
def test_the_language_comes_from_verbund_language_then_the_locale_then_the_default(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], language: str
) -> None:
    environment(monkeypatch, **variables)
    assert cli_language() == language


def test_the_command_line_speaks_german_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], org
) -> None:
    environment(monkeypatch)
    code, out, _ = run_cli(capsys, "relationship", "types")
    assert code == 0
    assert "Hierarchie" in out and "symmetrisch" in out and "symmetric," not in out
    code, _, err = run_cli(capsys, "party", "update", org("Alpha GmbH").number)
    assert code == 1 and "Nichts zu ändern: Geben Sie mindestens eine Feldoption an." in err


def test_verbund_language_en_gives_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], org
) -> None:
    environment(monkeypatch, VERBUND_LANGUAGE="en", LANG="de_DE.UTF-8")
    code, out, _ = run_cli(capsys, "relationship", "types")
    assert code == 0
    assert "hierarchy" in out and "symmetric" in out and "symmetrisch" not in out
    code, _, err = run_cli(capsys, "party", "update", org("Alpha GmbH").number)
    assert code == 1 and "Nothing to change: give at least one field option." in err


def test_an_english_lang_gives_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment(monkeypatch, LANG="en_US.UTF-8")
    code, out, _ = run_cli(capsys, "relationship", "types")
    assert code == 0 and "symmetric" in out and "symmetrisch" not in out


@pytest.mark.parametrize("lang", ["C.UTF-8", "C", "POSIX"])
def test_a_c_or_posix_locale_gives_german(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    environment(monkeypatch, LANG=lang)
    code, out, _ = run_cli(capsys, "relationship", "types")
    assert code == 0 and "symmetrisch" in out


def test_an_error_is_translated_too(monkeypatch: pytest.MonkeyPatch) -> None:
    environment(monkeypatch)
    with pytest.raises(CommandError, match="Nennen Sie die zu prüfenden Adressen"):
        call_command("screen")
    monkeypatch.setenv("VERBUND_LANGUAGE", "en")
    with pytest.raises(CommandError, match="name parties to screen, or --all"):
        call_command("screen")


def test_help_texts_follow_the_language_even_when_built_from_lists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment(monkeypatch)
    code, out, _ = run_cli(capsys, "import", "--help")
    assert code == 0
    assert "Adressen, Beziehungen oder Umsätze aus CSV-" in out
    assert "Vorlage (generic" in out and "Die gültigen Zeilen schreiben" in out
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    code, out, _ = run_cli(capsys, "import", "--help")
    assert code == 0
    assert "Import parties, relationships or revenue" in out and "Preset (generic" in out


def test_verbund_help_prints_a_commands_help_in_the_language_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment(monkeypatch)
    ManagementUtility(["verbund", "help", "relationship"]).execute()
    assert "Beziehungen zwischen Adressen anlegen" in capsys.readouterr().out


def test_a_command_gives_the_caller_its_language_back(monkeypatch: pytest.MonkeyPatch) -> None:
    environment(monkeypatch)
    with translation.override("en"):
        with pytest.raises(CommandError, match="Nennen Sie"):
            call_command("screen")
        assert translation.get_language() == "en"


def test_an_unknown_verbund_language_is_refused_naming_the_languages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment(monkeypatch, VERBUND_LANGUAGE="fr")
    code, out, err = run_cli(capsys, "screen", "--all")
    assert code == 1 and out == ""
    assert "VERBUND_LANGUAGE=fr: keine Sprache von Verbund (de, en)." in err
    assert "Traceback" not in err


def test_every_verbund_command_speaks_the_command_lines_language() -> None:
    ours = {
        name: load_command_class(app, name)
        for name, app in get_commands().items()
        if app.startswith("verbund.")
    }
    assert VERBUND_COMMANDS - set(ours) == set()
    assert [name for name, command in ours.items() if not isinstance(command, VerbundCommand)] == []


def test_the_verbund_program_follows_the_shells_locale(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        SECRET_KEY_FILE=str(tmp_path / "secret"),
    )

    def screen(**variables: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "verbund.cli", "screen"],
            env={**env, **variables},
            capture_output=True,
            text=True,
            timeout=120,
        )

    german = screen(LANG="C.UTF-8")
    assert german.returncode == 1
    assert "Nennen Sie die zu prüfenden Adressen oder verwenden Sie --all." in german.stderr
    english = screen(LANG="en_US.UTF-8")
    assert english.returncode == 1 and "name parties to screen, or --all" in english.stderr
