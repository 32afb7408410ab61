"""Reading import files: CSV, XLSX, JSON Lines and the GLEIF RR golden copy.

Every reader yields ``(row_number, {column: text})`` with row numbers as a user sees them
(the header is row 1 in CSV and XLSX, JSON Lines count from line 1). Problems with the file
itself (size, encoding, structure) raise :class:`ImportFileError` naming file, row and reason;
problems with values are the engine's business.
"""

import codecs
import csv
import datetime as dt
import io
import json
import mmap
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verbund.core.exports import restore_cell
from verbund.core.security import MAX_JSON_DEPTH, json_depth

FORMATS = ["csv", "xlsx", "jsonl", "gleif-rr"]
# A single CSV field or JSON line larger than this is not ERP data but a broken file.
MAX_FIELD_BYTES = 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024
DELIMITERS = [";", ",", "\t", "|"]
# XLSX workbooks are zip archives. Before openpyxl reads one, the archive's own directory must
# look like a workbook and not a zip bomb: the sizes it declares bound what zipfile will ever
# unpack (it stops at the declared size and fails the CRC check of a member that lies).
MAX_ARCHIVE_ENTRIES = 10_000
MAX_ARCHIVE_RATIO = 100  # unpacked / packed, for members above RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024
# UTF-32 first: its little-endian mark begins with UTF-16's.
BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


class ImportFileError(Exception):
    """The file cannot be read at all; nothing is written. The message names file and row."""


def grouped(value: float) -> str:
    """A number in messages as the active language writes it: "20.000" / "20,000"."""
    return number_format(value, decimal_pos=0, force_grouping=True)


# Bytes no text file holds (controls other than tab, line feed, form feed, carriage return).
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def looks_binary(sample: bytes) -> bool:
    """Whether the start of a file is binary data rather than text in an 8-bit encoding or
    UTF-8: more than one in a hundred bytes (and at least four) are control bytes. A single
    NUL in a text file is a cell error (``Reader._refuse_nul``), not a binary file."""
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls >= 4 and controls * 100 > len(sample)


def not_text(name: str) -> ImportFileError:
    return ImportFileError(
        _(
            "%(file)s: not a text file (it holds binary data); import CSV, XLSX or JSON Lines, or choose the file's format."
        )
        % {"file": name}
    )


@dataclass
class ReadOptions:
    encoding: str = "auto"  # auto, utf-8, utf-8-sig, cp1252 ...
    delimiter: str = "auto"


def guess_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "csv"


def check_size(path: str | Path, name: str | None = None) -> int:
    size = os.path.getsize(path)
    limit = int(getattr(settings, "VERBUND_MAX_UPLOAD_BYTES", 512 * 1024 * 1024))
    if size > limit:
        raise ImportFileError(
            _("%(file)s: the file has %(size)s bytes, more than the limit of %(limit)s bytes.")
            % {"file": name or Path(path).name, "size": grouped(size), "limit": grouped(limit)}
        )
    if size == 0:
        raise ImportFileError(_("%(file)s: the file is empty.") % {"file": name or Path(path).name})
    return size


def bom_encoding(sample: bytes) -> str | None:
    """The encoding a byte order mark at the start of ``sample`` names (UTF-8/16/32), or None."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding
    return None


def detect_encoding(sample: bytes) -> str:
    """The encoding a byte order mark names (UTF-8, UTF-16, UTF-32), else UTF-8, or else
    Windows-1252 (which decodes any byte)."""
    by_bom = bom_encoding(sample)
    if by_bom:
        return by_bom
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
        return "cp1252"


def _same_family(declared: str, by_bom: str) -> bool:
    return declared.replace("_", "-").lower().startswith(by_bom)


def detect_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _LineGuard:
    """Line iterator over a text stream: counts lines, refuses over-long lines and names the
    row of a decoding error (found again by a byte scan, since decoding runs in chunks)."""

    def __init__(self, raw: IO[bytes], encoding: str, name: str) -> None:
        self._text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")  # type: ignore[arg-type]
        self._name = name
        self._encoding = encoding
        self._path = getattr(raw, "name", None)
        self.line = 0
        # Set when a line holds an apostrophe: the record may carry a neutralised formula.
        self.quote_seen = False

    def readline(self) -> str:
        try:
            text = self._text.readline(MAX_LINE_BYTES + 1)
        except UnicodeDecodeError:
            raise ImportFileError(
                _(
                    "%(file)s, row %(row)s: the text is not valid %(encoding)s; declare the file's encoding (e.g. cp1252)."
                )
                % {"file": self._name, "row": self._bad_line(), "encoding": self._encoding}
            ) from None
        if len(text) > MAX_LINE_BYTES:
            raise ImportFileError(
                _("%(file)s, row %(row)s: the line is longer than %(limit)s characters.")
                % {"file": self._name, "row": self.line + 1, "limit": grouped(MAX_LINE_BYTES)}
            )
        if text:
            self.line += 1
            if "'" in text:
                self.quote_seen = True
        return text

    def _bad_line(self) -> int:
        if not self._path:
            return self.line + 1
        with open(self._path, "rb") as fh:
            for number, raw_line in enumerate(fh, start=1):
                try:
                    raw_line.decode(self._encoding)
                except UnicodeDecodeError:
                    return number
        return self.line + 1

    def __iter__(self) -> "_LineGuard":
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def detach(self) -> None:
        self._text.detach()


class Reader:
    """Iterates a file's rows; ``columns`` is the header, ``progress()`` the fraction read."""

    columns: list[str]

    def __init__(
        self,
        path: str | Path,
        fmt: str,
        options: ReadOptions | None = None,
        name: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self.fmt = fmt
        self.options = options or ReadOptions()
        self.size = check_size(self.path, self.name)
        self._fh: IO[bytes] | None = None
        self._pos = 0
        self.columns = []
        self.encoding = ""
        self.delimiter = ""

    def progress(self) -> float:
        return min(1.0, self._pos / self.size) if self.size else 1.0

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if self.fmt in ("csv", "gleif-rr"):
            yield from self._csv_rows()
        elif self.fmt == "xlsx":
            yield from self._xlsx_rows()
        elif self.fmt == "jsonl":
            yield from self._jsonl_rows()
        else:
            raise ImportFileError(_("Unknown format %(format)s.") % {"format": self.fmt})

    # --- CSV ------------------------------------------------------------------------------

    def _csv_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        with open(self.path, "rb") as raw:
            sample = raw.read(65536)
            raw.seek(0)
            encoding = self.options.encoding
            by_bom = bom_encoding(sample)
            if not encoding or encoding == "auto":
                encoding = detect_encoding(sample)
            elif by_bom in ("utf-16", "utf-32") and not _same_family(encoding, by_bom):
                # A UTF-16/32 byte order mark cannot start text in any 8-bit encoding the
                # mapping might declare (it would read as "ÿþ" and zero bytes): the mark wins.
                encoding = by_bom
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ImportFileError(
                    _("%(file)s: unknown encoding %(encoding)s.")
                    % {"file": self.name, "encoding": encoding}
                ) from None
            if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and sample.startswith(
                codecs.BOM_UTF8
            ):
                encoding = "utf-8-sig"
            self.encoding = encoding
            if not by_bom or by_bom == "utf-8-sig":
                if looks_binary(sample):
                    raise not_text(self.name)
                self._refuse_nul(encoding)
            stream = _LineGuard(raw, encoding, self.name)
            header_line = stream.readline()
            while header_line and not header_line.strip():
                header_line = stream.readline()
            if not header_line.strip():
                raise ImportFileError(_("%(file)s: the file is empty.") % {"file": self.name})
            delimiter = self.options.delimiter
            if not delimiter or delimiter == "auto":
                delimiter = detect_delimiter(header_line)
            elif delimiter in ("tab", "\\t"):
                delimiter = "\t"
            self.delimiter = delimiter
            header = next(csv.reader([header_line], delimiter=delimiter))
            self.columns = [h.strip() for h in header]
            self._check_header()
            csv.field_size_limit(MAX_FIELD_BYTES)
            reader = csv.reader(stream, delimiter=delimiter)
            width = len(self.columns)
            row_no = stream.line
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raise ImportFileError(
                        _("%(file)s, row %(row)s: %(reason)s")
                        % {"file": self.name, "row": stream.line, "reason": exc}
                    ) from None
                row_no = stream.line
                if row_no & 1023 == 0:
                    self._pos = raw.tell()
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue
                if stream.quote_seen:
                    stream.quote_seen = False
                    values = [restore_cell(v) for v in values]
                if len(values) != width:
                    raise ImportFileError(
                        _(
                            "%(file)s, row %(row)s: %(found)s fields where the header has %(expected)s."
                        )
                        % {
                            "file": self.name,
                            "row": row_no,
                            "found": len(values),
                            "expected": width,
                        }
                    )
                yield row_no, dict(zip(self.columns, values, strict=True))
            self._pos = self.size

    def _refuse_nul(self, encoding: str) -> None:
        """A NUL character in a cell (which PostgreSQL cannot store) refuses the file, naming
        row and column; one scan of the mapped file, so the row loop stays as it is."""
        with open(self.path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
            at = m.find(b"\x00")
            if at < 0:
                return
            line_no = m[:at].count(b"\n") + 1
            start = m.rfind(b"\n", 0, at) + 1
            end = m.find(b"\n", at)
            line = m[start : end if end >= 0 else len(m)]
            head_end = m.find(b"\n")
            header = m[: head_end if head_end >= 0 else len(m)]
        text = line.decode(encoding, "replace")
        delimiter = self.options.delimiter
        header_text = header.decode(encoding, "replace").lstrip("\ufeff")
        if not delimiter or delimiter == "auto":
            delimiter = detect_delimiter(header_text)
        elif delimiter in ("tab", "\\t"):
            delimiter = "\t"
        columns = next(csv.reader([header_text.strip()], delimiter=delimiter), [])
        values = next(csv.reader([text.strip()], delimiter=delimiter), [])
        column = next((c.strip() for c, v in zip(columns, values, strict=False) if "\x00" in v), "")
        raise ImportFileError(
            _(
                "%(file)s, row %(row)s, %(field)s: the value holds a NUL character (binary data); remove it and import again."
            )
            % {"file": self.name, "row": line_no, "field": column or "?"}
        )

    def _check_header(self) -> None:
        seen: set[str] = set()
        for col in self.columns:
            key = col.lower()
            if key in seen:
                raise ImportFileError(
                    _("%(file)s, row 1: the column %(column)s appears twice.")
                    % {"file": self.name, "column": col}
                )
            seen.add(key)

    # --- XLSX -----------------------------------------------------------------------------

    def _xlsx_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        import openpyxl

        def broken(exc: Exception) -> ImportFileError:
            if isinstance(exc, SyntaxError):
                # The XML parsers' own messages (ElementTree's ParseError, lxml's
                # XMLSyntaxError) are English and name no file: say it in the user's words.
                line, column = getattr(exc, "position", None) or (exc.lineno, exc.offset)
                return ImportFileError(
                    _(
                        "%(file)s: not a readable XLSX workbook: its XML is damaged (line %(line)s, column %(column)s of the workbook's sheet data)."
                    )
                    % {"file": self.name, "line": line or "?", "column": column or "?"}
                )
            return ImportFileError(
                _("%(file)s: not a readable XLSX workbook (truncated or damaged: %(reason)s).")
                % {"file": self.name, "reason": type(exc).__name__}
            )

        check_archive(self.path, self.name)
        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
            raise broken(exc) from None
        except Exception as exc:  # openpyxl raises assorted errors for damaged archives
            raise broken(exc) from None
        try:
            ws = wb.worksheets[0]
            it = ws.iter_rows(values_only=True)
            try:
                header = next(it, None)
            except Exception as exc:  # zip, zlib and XML errors of a damaged sheet
                raise broken(exc) from None
            if not header or all(h is None for h in header):
                raise ImportFileError(_("%(file)s: the file is empty.") % {"file": self.name})
            self.columns = [str(h).strip() if h is not None else "" for h in header]
            while self.columns and not self.columns[-1]:
                self.columns.pop()
            self._check_header()
            width = len(self.columns)
            total = max(ws.max_row or 1, 1)
            row_no = 1
            while True:
                try:
                    values = next(it)
                except StopIteration:
                    break
                except Exception as exc:  # zlib/zip errors surface while streaming
                    raise broken(exc) from None
                row_no += 1
                self._pos = int(self.size * row_no / total)
                cells = [_cell_text(v) for v in values[:width]]
                if not any(cells):
                    continue
                cells += [""] * (width - len(cells))
                yield row_no, dict(zip(self.columns, cells, strict=True))
        finally:
            wb.close()
        self._pos = self.size

    # --- JSON Lines -----------------------------------------------------------------------

    def _refuse_json_nul(self, obj: dict[str, Any], row: int) -> None:
        for key, value in obj.items():
            if "\x00" in str(key) or "\x00" in _json_text(value):
                raise ImportFileError(
                    _(
                        "%(file)s, row %(row)s, %(field)s: the value holds a NUL character (binary data); remove it and import again."
                    )
                    % {"file": self.name, "row": row, "field": str(key).replace("\x00", "")}
                )

    def _jsonl_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        with open(self.path, "rb") as raw:
            sample = raw.read(65536)
            encoding = bom_encoding(sample[:4]) or "utf-8"
            if encoding == "utf-8" and looks_binary(sample):
                raise not_text(self.name)
            raw.seek(0)
            stream = _LineGuard(raw, encoding, self.name)
            self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
            columns: dict[str, None] = {}
            seen_any = False
            for line in stream:
                if stream.line & 1023 == 0:
                    self._pos = raw.tell()
                if not line.strip():
                    continue
                obj = load_json_line(line, self.name, stream.line)
                if not isinstance(obj, dict):
                    raise ImportFileError(
                        _("%(file)s, row %(row)s: each line must be a JSON object.")
                        % {"file": self.name, "row": stream.line}
                    )
                if "\\u0000" in line or "\x00" in line:
                    self._refuse_json_nul(obj, stream.line)
                seen_any = True
                for k in obj:
                    columns.setdefault(k, None)
                self.columns = list(columns)
                yield stream.line, {str(k): _json_text(v) for k, v in obj.items()}
            if not seen_any:
                raise ImportFileError(_("%(file)s: the file is empty.") % {"file": self.name})
        self._pos = self.size


def load_json_line(line: str, name: str, row: int) -> Any:
    """One JSON Lines row, refused with file and row when it is not JSON or nested deeper than
    MAX_JSON_DEPTH (the C decoder stops at Python's recursion limit with a RecursionError)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("%(file)s, row %(row)s: not valid JSON (%(reason)s).")
            % {"file": name, "row": row, "reason": exc.msg}
        ) from None
    except RecursionError:
        obj = None
        depth = MAX_JSON_DEPTH + 1
    else:
        depth = json_depth(obj, MAX_JSON_DEPTH)
    if depth > MAX_JSON_DEPTH:
        raise ImportFileError(
            _("%(file)s, row %(row)s: the JSON is nested deeper than %(limit)s levels.")
            % {"file": name, "row": row, "limit": MAX_JSON_DEPTH}
        )
    return obj


def check_archive(path: str | Path, name: str) -> None:
    """Refuse a zip archive (XLSX) whose directory declares more members, more unpacked bytes or
    a higher compression ratio than a workbook has, before anything is unpacked.

    The limits: MAX_ARCHIVE_ENTRIES members; members above RATIO_FLOOR_BYTES unpack to at most
    MAX_ARCHIVE_RATIO times their packed size; all members together to at most
    ``VERBUND_MAX_UNPACKED_BYTES`` (default 4 GiB).
    """
    limit = int(getattr(settings, "VERBUND_MAX_UNPACKED_BYTES", 4 * 1024**3))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportFileError(
            _("%(file)s: not a readable XLSX workbook (truncated or damaged: %(reason)s).")
            % {"file": name, "reason": type(exc).__name__}
        ) from None
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise ImportFileError(
            _(
                "%(file)s: the archive holds %(count)s files, more than the %(limit)s a workbook may have."
            )
            % {"file": name, "count": grouped(len(infos)), "limit": grouped(MAX_ARCHIVE_ENTRIES)}
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_ARCHIVE_RATIO:
            raise ImportFileError(
                _(
                    "%(file)s: the archive member %(member)s unpacks to %(size)s bytes, %(ratio)s times its packed size (at most %(limit)s): refused as a possible zip bomb."
                )
                % {
                    "file": name,
                    "member": info.filename[:100],
                    "size": grouped(info.file_size),
                    "ratio": grouped(ratio),
                    "limit": MAX_ARCHIVE_RATIO,
                }
            )
    if total > limit:
        raise ImportFileError(
            _(
                "%(file)s: the archive unpacks to %(size)s bytes, more than the limit of %(limit)s bytes."
            )
            % {"file": name, "size": grouped(total), "limit": grouped(limit)}
        )


def records_reader(
    records: list[dict[str, Any]], not_text: dict[int, dict[str, str]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """API batches: record n (from 1) as row n, its values as text. The keys it sent a JSON
    object or list go into ``not_text[n]`` (with the value as JSON text) before the row is
    yielded: no field takes one, so each is an error of its record (``Context.row_values``)."""
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            yield i, {}
            continue
        row: dict[str, str] = {}
        for k, v in rec.items():
            row[str(k)] = text = _json_text(v)
            if isinstance(v, list | dict):
                not_text.setdefault(i, {})[str(k)] = text
        yield i, row


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return restore_cell(text)


# --- values ---------------------------------------------------------------------------------

_DE_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str, style: str = "auto") -> dt.date:
    """ISO (2025-12-31, also with a time), German (31.12.2025) or SAP (20251231) dates."""
    text = text.strip()
    m = _DE_DATE.match(text)
    if m and style in ("auto", "de"):
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    m = _COMPACT_DATE.match(text)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if "T" in text or " " in text.strip():
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return dt.date.fromisoformat(text)


_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_decimal(text: str, style: str = "auto") -> Decimal:
    """German "1.234,56" or English "1,234.56"; ``style`` de/en decides plain "1.234" and "1,5"."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if raw.endswith("-"):  # SAP writes negative amounts with a trailing minus
        raw = "-" + raw[:-1]
    if style == "de":
        raw = raw.replace(".", "").replace(",", ".")
    elif style == "en":
        raw = raw.replace(",", "")
    elif "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        raw = (
            raw.replace(",", "")
            if _EN_GROUPED.match(raw) and raw.count(",") > 1
            else raw.replace(",", ".")
        )
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value
