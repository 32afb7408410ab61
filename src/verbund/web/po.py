"""A small reader for gettext .po files: enough to check that a catalogue is complete."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(text: str) -> str:
    return str(ast.literal_eval(text))


def parse(path: Path | str) -> list[Entry]:
    """The entries of a .po file, header included (the entry with msgid "")."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    started = False

    def flush() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#:"):
            current.references.extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        started = True
        if line.startswith('"'):
            if target is None:
                continue
            kind, index = target
            value = _unquote(line)
            if kind == "msgid":
                current.msgid += value
            elif kind == "msgid_plural":
                current.msgid_plural += value
            elif kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            else:
                current.msgstr[index] = current.msgstr.get(index, "") + value
            continue
        keyword, _, rest = line.partition(" ")
        value = _unquote(rest)
        if keyword == "msgid":
            current.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword == "msgctxt":
            current.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgstr":
            current.msgstr[0], target = value, ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            current.msgstr[index], target = value, ("msgstr", index)
    flush()
    return entries


def messages(path: Path | str) -> list[Entry]:
    """The real messages: no header, no obsolete entries."""
    return [e for e in parse(path) if e.msgid and not e.obsolete]


def untranslated(path: Path | str) -> list[Entry]:
    """Messages without a translation, or marked fuzzy."""
    return [e for e in messages(path) if not e.translated or e.fuzzy]
