"""Where ``verbund lists update`` finds the official files, and which list each file is.

``--from`` names a folder the official files are dropped into (one file per list, or OFAC's
sdn.csv with add.csv and alt.csv), one file, an http(s) address of one file, or ``official``
(every address in ``OFFICIAL``; ``official:KEY`` for one list) on servers that have internet.
Reads only: ``read_source`` returns ``(format, files)`` per list, in a fixed order, for
``list_updates.do_update_lists``; files it does not know are named in ``skipped``.
"""

import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from verbund.compliance.parsers import DEFAULT_LIST_KEYS

# The official download addresses (``--from official``).
OFFICIAL: dict[str, tuple[str, list[str]]] = {
    "ofac-sdn": (
        "ofac-csv",
        [f"https://www.treasury.gov/ofac/downloads/{n}.csv" for n in ("sdn", "add", "alt")],
    ),
    "un": ("un-xml", ["https://scsanctions.un.org/resources/xml/en/consolidated.xml"]),
    "opensanctions-peps": (
        "ftm-pep",
        ["https://data.opensanctions.org/datasets/latest/peps/entities.ftm.json"],
    ),
}
# OFAC's legacy CSV files, read together as one list; the order fixes the version checksum.
_OFAC_FILES = ("sdn.csv", "add.csv", "alt.csv")
# The root element of each XML list format.
_XML_ROOTS = {
    "consolidated_list": "un-xml",
    "export": "eu-xml",
    "sdnlist": "ofac-xml",
    "designations": "uk-xml",
    "arrayoffinancialsanctionstarget": "uk-xml",
}
_SNIFF = 65_536
TIMEOUT = 120


class SourceError(ValueError):
    """The source cannot be read, or holds two files for one list."""


@dataclass
class Source:
    groups: list[tuple[str, list[tuple[str, bytes]]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def max_bytes() -> int:
    return int(settings.VERBUND_MAX_UPLOAD_BYTES)


def detect(name: str, head: bytes) -> str:
    """The list format of a file from its name and first bytes ("" when it is no list file)."""
    lower = name.lower()
    if lower in _OFAC_FILES:
        return "ofac-csv"
    if lower.endswith("targets.simple.csv"):
        return "opensanctions-csv"
    if lower.endswith(".xml"):
        text = head[:_SNIFF].decode("utf-8", "replace")
        # The first element that is no declaration, comment or processing instruction.
        m = re.search(r"<(?![?!])(?:[\w.-]+:)?([\w.-]+)", text)
        return _XML_ROOTS.get(m.group(1).lower(), "") if m else ""
    if lower.endswith((".json", ".jsonl", ".ftm.json")):
        pep = "pep" in lower or b'"role.pep"' in head[:_SNIFF]
        return "ftm-pep" if pep else "ftm"
    return ""


def _group(found: list[tuple[str, str, bytes]]) -> Source:
    """Group (format, name, bytes) into one (format, files) per list; two files for one list
    (other than OFAC's three) are refused."""
    out = Source()
    by_format: dict[str, list[tuple[str, bytes]]] = {}
    for fmt, name, data in found:
        if not fmt:
            out.skipped.append(name)
            continue
        files = by_format.setdefault(fmt, [])
        if files and fmt != "ofac-csv":
            raise SourceError(
                _("%(first)s and %(second)s are both %(format)s files: one file per list.")
                % {"first": files[0][0], "second": name, "format": fmt}
            )
        files.append((name, data))
    keys: dict[str, str] = {}
    for fmt in sorted(by_format):
        files = by_format[fmt]
        # Two formats of one list (EU XML and EU CSV) would make two versions of it at once.
        key = DEFAULT_LIST_KEYS[fmt][0]
        if key in keys:
            raise SourceError(
                _(
                    "%(first)s and %(second)s are both files of the list %(list)s: one file per list."
                )
                % {"first": by_format[keys[key]][0][0], "second": files[0][0], "list": key}
            )
        keys[key] = fmt
        if fmt == "ofac-csv":
            files.sort(key=lambda f: _OFAC_FILES.index(f[0].lower()))
        out.groups.append((fmt, files))
    return out


def _read_file(path: Path) -> bytes:
    size = path.stat().st_size
    if size > max_bytes():
        raise SourceError(
            _("%(file)s is larger than %(limit)s bytes.") % {"file": path, "limit": max_bytes()}
        )
    return path.read_bytes()


def _download(url: str) -> tuple[str, bytes]:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise SourceError(_("%(url)s: only http and https addresses") % {"url": url})
    name = Path(parsed.path).name or "download"
    request = urllib.request.Request(url, headers={"User-Agent": "Verbund list update"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only
            data = response.read(max_bytes() + 1)
    except OSError as exc:
        raise SourceError(
            _("%(url)s could not be downloaded: %(error)s") % {"url": url, "error": exc}
        ) from exc
    if len(data) > max_bytes():
        raise SourceError(
            _("%(file)s is larger than %(limit)s bytes.") % {"file": url, "limit": max_bytes()}
        )
    return name, data


def read_source(source: str) -> Source:
    """The lists in ``source`` (see the module's docstring)."""
    if source == "official" or source.startswith("official:"):
        wanted = source.partition(":")[2]
        if wanted and wanted not in OFFICIAL:
            raise SourceError(
                _("Unknown official list %(key)s; known: %(known)s.")
                % {"key": wanted, "known": ", ".join(OFFICIAL)}
            )
        out = Source()
        for key, (fmt, urls) in OFFICIAL.items():
            if not wanted or key == wanted:
                files = [_download(u) for u in urls]
                out.groups.append((fmt, [(n.lower(), d) for n, d in files]))
        return out
    if re.match(r"https?://", source, re.I):
        name, data = _download(source)
        return _group([(detect(name, data), name, data)])
    path = Path(source)
    if path.is_file():
        data = _read_file(path)
        return _group([(detect(path.name, data), path.name, data)])
    if not path.is_dir():
        raise SourceError(_("%(source)s: no such folder or file") % {"source": source})
    found = []
    for child in sorted(path.iterdir()):
        if not child.is_file() or child.name.startswith("."):
            continue
        with child.open("rb") as fh:
            head = fh.read(_SNIFF)
        fmt = detect(child.name, head)
        found.append((fmt, child.name, _read_file(child) if fmt else b""))
    return _group(found)
