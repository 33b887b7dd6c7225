"""One loader, several formats; bad input is reported with file and line, never fatal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.articles import Article, Problem, load, parse_csv_map
from tests.conftest import SEED, data_file


def split(items) -> tuple[list[Article], list[Problem]]:
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def test_seed_form_gives_date_title_and_verbatim_body():
    [article], problems = split(load([SEED]))
    assert not problems
    assert article.id == "000_90aed92b11813b25"
    assert article.date == datetime(2020, 2, 25, 14, 22, tzinfo=UTC)
    assert article.title == "Syrian army forces push further into southern Idlib, liberate three villages"
    assert article.source is None
    raw = SEED.read_text(encoding="utf-8")
    assert article.text in raw and article.text.startswith("Syrian government forces")
    assert "“This is the worst wave of displacement we’ve seen" in article.text  # curly marks kept


def test_front_matter_markdown(tmp_path: Path):
    path = tmp_path / "story.md"
    path.write_text('---\ntitle: A "quoted" title\ndate: 2017-03-05T10:00:00+02:00\n'
                    "source: SANA\nurl: https://example.org/a\n---\nBody with “curly” quotes.\n")
    [article], problems = split(load([path]))
    assert not problems
    assert (article.id, article.title, article.source, article.url) == (
        "story", 'A "quoted" title', "SANA", "https://example.org/a")
    assert article.date.utcoffset().total_seconds() == 7200
    assert article.text == "Body with “curly” quotes."


def test_jsonl_bad_line_is_reported_and_the_rest_loads(tmp_path: Path):
    path = tmp_path / "feed.jsonl"
    good = {"id": "a1", "title": "T", "date": "2016-05-01T00:00:00Z", "source": "x", "url": None,
            "text": "Some text."}
    path.write_text("\n".join([json.dumps(good), "{not json", json.dumps(good | {"id": "a2",
                    "date": "someday never"}), json.dumps(good | {"id": "a3", "text": ""})]) + "\n")
    articles, problems = split(load([path]))
    assert [a.id for a in articles] == ["a1"]
    assert [(p.line, p.path.name) for p in problems] == [(2, "feed.jsonl"), (3, "feed.jsonl"),
                                                         (4, "feed.jsonl")]
    assert "date" in problems[1].reason and "text" in problems[2].reason


def test_fakes_csv_with_a_column_map():
    path = data_file("fakes", "FA-KES-Dataset.csv")
    mapping = parse_csv_map("title=article_title,text=article_content,date=date")
    articles, problems = split(load([path], mapping))
    assert not problems
    assert len(articles) == 804
    first = articles[0]
    assert first.id == "FA-KES-Dataset-0" and first.source
    assert first.date.tzinfo is not None
    jsonl = json.loads(data_file("fakes", "articles.jsonl").read_text().splitlines()[0])
    assert first.title == " ".join(jsonl["title"].split())
    assert first.date.date().isoformat() == jsonl["date"][:10]


def test_csv_without_the_text_column_says_how_to_map_it():
    path = data_file("fakes", "FA-KES-Dataset.csv")
    _, [problem] = split(load([path]))
    assert "--csv-map text=" in problem.reason and "article_content" in problem.reason


def test_unsupported_and_missing_files_are_problems(tmp_path: Path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "broken.txt").write_text("not a date\ntitle\nbody")
    articles, problems = split(load([tmp_path, tmp_path / "nope.jsonl"]))
    assert not articles
    reasons = " | ".join(str(p) for p in problems)
    assert "unsupported file type '.pdf'" in reasons
    assert "broken.txt" in reasons and "date" in reasons
    assert "no such file" in reasons


@pytest.mark.parametrize("spec", ["title", "titel=x", "text="])
def test_bad_csv_map_is_a_clear_error(spec):
    with pytest.raises(ValueError, match="--csv-map"):
        parse_csv_map(spec)


def test_a_broken_csv_row_is_reported_and_the_rest_loads(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text('title,text,date\nA,First body.,2016-01-01\nB,"Bro"ken,2016-01-02\n'
                    "C,Third body.,2016-01-03\n", encoding="utf-8")
    articles, problems = split(load([path]))
    assert [a.title for a in articles] == ["A", "C"]
    assert problems and problems[0].line == 3 and "CSV" in problems[0].reason
