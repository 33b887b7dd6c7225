"""Read articles from the formats operators have: plain text, front-matter Markdown, JSON Lines, CSV.

Every loader yields `Article`s and `Problem`s; a bad file or line is reported and skipped so
that one broken row never stops a build (the build's `--strict` turns problems into errors).
Article text is kept exactly as written: quotes are later cut out of it by offset.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from index.records import Article

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".csv"}
FIELDS = ("id", "title", "date", "source", "url", "text")

csv.field_size_limit(1 << 26)


@dataclass(frozen=True)
class Problem:
    """A file or line that could not be read, and why."""

    path: Path
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.reason}"


class ArticleError(ValueError):
    """One record cannot become an Article (missing text, unreadable date, ...)."""


def parse_date(value: object) -> datetime:
    """Parse the date formats met in news exports into an aware datetime (UTC if none given)."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ArticleError("no date")
        parsed = _parse_date_text(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_DATE_FORMATS = ("%m/%d/%Y", "%Y/%m/%d", "%b %d, %Y %H:%M %Z", "%b %d, %Y", "%d %B %Y")


def _parse_date_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if fmt.endswith("%Z") else parsed
    import dateparser  # slow to import; only the odd formats need it

    parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"})
    if parsed is None:
        raise ArticleError(f"unreadable date {text!r}")
    return parsed


def make_article(record: Mapping[str, object], default_id: str,
                 max_chars: int | None = None) -> Article:
    """Check one record's fields and build the Article (text kept verbatim, only trimmed).
    A text over `max_chars` is refused: one runaway record (a whole archive pasted into one
    field) would otherwise spend the build's hours embedding it."""
    text = str(record.get("text") or "").strip()
    if not text:
        raise ArticleError("no text")
    if max_chars is not None and len(text) > max_chars:
        raise ArticleError(f"text of {len(text):,} characters is over the limit of "
                           f"{max_chars:,} (MAX_ARTICLE_CHARS); skipped")
    title = " ".join(str(record.get("title") or "").split())
    if not title:
        title = " ".join(text.split()[:12]) + "…"
    return Article(
        id=str(record.get("id") or default_id),
        title=title,
        date=parse_date(record.get("date")),
        source=_optional(record.get("source")),
        url=_optional(record.get("url")),
        text=text,
    )


def _optional(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def parse_csv_map(spec: str | None) -> dict[str, str]:
    """`title=article_title,text=article_content` -> {"title": "article_title", ...}."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        field, sep, column = part.partition("=")
        if not sep or field.strip() not in FIELDS or not column.strip():
            raise ValueError(
                f"bad --csv-map entry {part!r}: expected FIELD=COLUMN with FIELD one of {FIELDS}"
            )
        mapping[field.strip()] = column.strip()
    return mapping


# --- formats -----------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[•·*\-–]\s*")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _read_text_file(path: Path, max_chars: int | None) -> Iterator[Article | Problem]:
    raw = path.read_text(encoding="utf-8")
    front = _FRONT_MATTER.match(raw)
    try:
        if front:
            meta = yaml.safe_load(front.group(1)) or {}
            if not isinstance(meta, dict):
                raise ArticleError("front matter is not a mapping")
            record = {k: meta.get(k) for k in FIELDS if k != "text"}
            yield make_article(record | {"text": raw[front.end() :]}, path.stem, max_chars)
            return
        # The seed's form: line 1 the date, line 2 the title after a bullet, then the body.
        first, _, rest = raw.lstrip("\ufeff").partition("\n")
        title, _, body = rest.partition("\n")
        record = {"date": first, "title": _BULLET.sub("", title), "text": body}
        yield make_article(record, path.stem, max_chars)
    except (ArticleError, yaml.YAMLError) as exc:
        yield Problem(path, None, f"{exc} (expected YAML front matter, or line 1 a date and "
                                  "line 2 the title)")


def jsonl_records(path: Path) -> Iterator[tuple[int, dict | str]]:
    """(line number, JSON object) for each non-blank line, or (line number, why not)."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"not JSON: {exc}"
                continue
            yield number, record if isinstance(record, dict) else "not a JSON object"


def _read_jsonl(path: Path, max_chars: int | None) -> Iterator[Article | Problem]:
    for number, record in jsonl_records(path):
        try:
            if isinstance(record, str):
                raise ArticleError(record)
            yield make_article(record, f"{path.stem}-{number - 1}", max_chars)
        except ArticleError as exc:
            yield Problem(path, number, str(exc))


def _read_csv(path: Path, mapping: Mapping[str, str],
              max_chars: int | None) -> Iterator[Article | Problem]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, strict=True)  # broken quoting is an error, not a guess
        columns = {f: mapping.get(f, f) for f in FIELDS}
        if columns["text"] not in (reader.fieldnames or []):
            yield Problem(path, 1, f"no column {columns['text']!r} for the article text; columns "
                                   f"are {reader.fieldnames} (use --csv-map text=COLUMN)")
            return
        row_number = -1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a NUL byte or broken quoting: skip that row, go on
                # line_num does not yet count the line that failed
                yield Problem(path, reader.line_num + 1, f"unreadable CSV row: {exc}")
                continue
            row_number += 1
            record = {f: row.get(c) for f, c in columns.items()}
            try:
                yield make_article(record, f"{path.stem}-{row_number}", max_chars)
            except ArticleError as exc:
                yield Problem(path, reader.line_num, str(exc))


def iter_files(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    """Expand directories (sorted, hidden files skipped); report what cannot be read."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(p.startswith(".") for p in child.relative_to(path).parts):
                    yield child if child.suffix.lower() in SUFFIXES else Problem(
                        child, None, f"unsupported file type {child.suffix or '(none)'!r}")
        elif path.is_file():
            yield path if path.suffix.lower() in SUFFIXES else Problem(
                path, None, f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield Problem(path, None, "no such file or directory")


def load(paths: Iterable[Path], csv_map: Mapping[str, str] | None = None,
         max_chars: int | None = None) -> Iterator[Article | Problem]:
    """Every article under `paths`, in a stable order, with a Problem for whatever was skipped
    (also an article whose text is longer than `max_chars`)."""
    for item in iter_files(paths):
        if isinstance(item, Problem):
            yield item
            continue
        suffix = item.suffix.lower()
        try:
            if suffix == ".jsonl":
                yield from _read_jsonl(item, max_chars)
            elif suffix == ".csv":
                yield from _read_csv(item, csv_map or {}, max_chars)
            else:
                yield from _read_text_file(item, max_chars)
        except (OSError, UnicodeDecodeError) as exc:
            yield Problem(item, None, f"cannot read: {exc}")
