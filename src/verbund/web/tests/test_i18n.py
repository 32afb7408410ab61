"""The German catalogue is complete and current: every msgid has a German msgstr, none fuzzy,
and a fresh extraction from the sources finds no string the catalogue lacks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from verbund.web import po

PACKAGE = Path(__file__).resolve().parents[2]
GERMAN = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"
EXTRACT = """
import os, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.LOCALE_PATHS = [os.path.abspath("locale")]
call_command("makemessages", locale=["de"], ignore_patterns=["tests/*"], verbosity=0)
"""


def test_every_german_entry_is_translated_and_none_is_fuzzy():
    entries = po.messages(GERMAN)
    assert len(entries) > 100
    missing = [e.msgid for e in po.untranslated(GERMAN)]
    assert missing == [], (
        f"{len(missing)} German translations missing or fuzzy, e.g. {missing[:10]}"
    )


def test_the_compiled_catalogue_is_committed_and_used():
    assert GERMAN.with_suffix(".mo").exists()
    with translation.override("de"):
        assert translation.gettext("Relationships") == "Beziehungen"
    with translation.override("en"):
        assert translation.gettext("Relationships") == "Relationships"


def test_the_po_parser_reads_plurals_flags_and_continued_lines(tmp_path):
    sample = tmp_path / "x.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "a %(n)s"\nmsgstr "b %(n)s"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "eins"\nmsgstr[1] ""\n\n'
        'msgid ""\n"long "\n"text"\nmsgstr ""\n"langer "\n"Text"\n',
        encoding="utf-8",
    )
    entries = po.messages(sample)
    assert [e.msgid for e in entries] == ["a %(n)s", "one", "long text"]
    assert entries[0].fuzzy and entries[2].msgstr[0] == "langer Text"
    assert [e.msgid for e in po.untranslated(sample)] == ["a %(n)s", "one"]


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="xgettext (GNU gettext) is not installed: staleness not checked",
)
def test_the_catalogue_holds_every_string_of_the_sources(tmp_path):
    copy = tmp_path / "verbund"

    def wanted(directory: str, names: list[str]) -> list[str]:
        return [
            n
            for n in names
            if n in ("locale", "__pycache__", "tests", "static")
            or n.endswith((".mo", ".po", ".sqlite3"))
        ]

    shutil.copytree(PACKAGE, copy, ignore=wanted)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-c", EXTRACT], cwd=copy, check=True, capture_output=True, timeout=300
    )
    fresh = {
        (e.msgctxt, e.msgid)
        for e in po.messages(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")
    }
    committed = {(e.msgctxt, e.msgid) for e in po.messages(GERMAN)}
    stale = sorted(m for _, m in fresh - committed)
    assert stale == [], (
        f"{len(stale)} strings are not in the catalogue (run `make messages` and translate), e.g. {stale[:10]}"
    )
