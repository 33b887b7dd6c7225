"""Ask from the terminal: the same pipeline as the bot, with a readable or JSON answer.

    python -m bot.ask "who said what about Idlib?"
    python -m bot.ask --json -k 10 "what did Lavrov say?"
    python -m bot.ask -  < questions.txt        # one question a line; model loaded once
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.render import fmt_date, group_by_speaker, source_label, speaker_key
from bot.schema import Answer, ArticleRef, DateMention
from index.config import IndexSettings
from index.embed import ModelError
from index.store import IndexProblem


def citation(ref: ArticleRef) -> str:
    parts = [ref.title, ref.source, fmt_date(ref.date)]
    line = "— " + ", ".join(p for p in parts if p)
    return f"{line} <{ref.url}>" if ref.url else line


def _dates(mentions: list[DateMention]) -> str:
    return "; ".join(f"{m.mention} = {fmt_date(m.date)}" for m in mentions)


def render_text(answer: Answer, width: int = 88) -> str:
    """A plain-text answer for terminals: speakers, their quotes, citations, dates."""
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    lines: list[str] = []
    if answer.message:
        lines.append(answer.message)
    quotes: list[str] = []
    group: str | None = None
    for quote in group_by_speaker(answer.quotes):  # the same grouping as in Telegram
        if speaker_key(quote) != group:
            group = speaker_key(quote)
            role = f" ({quote.speaker_role})" if quote.speaker and quote.speaker_role else ""
            quotes += ["", source_label(quote) + role + ":"]
        quotes += wrap.wrap(f"“{quote.text}”" if quote.form == "quote" else
                            f"(reported) {quote.text}" if quote.form == "reported" else quote.text)
        quotes.append("    " + citation(quote.article))
        quotes += ["    also in " + citation(ref) for ref in quote.also_in]
        if quote.dates:
            quotes.append("    (" + _dates(quote.dates) + ")")
    passages: list[str] = []
    if answer.passages:
        first = answer.kind == "passages" or not answer.quotes
        passages += ["", "From the articles:" if first else "Passages:"]
        for passage in answer.passages:
            passages += wrap.wrap(passage.text)
            passages.append("    " + citation(passage.article))
            if passage.dates:
                passages.append("    (" + _dates(passage.dates) + ")")
            passages.append("")
    # in the answer's reading order: its kind first (see bot.schema.Answer.kind)
    lines += passages + quotes if answer.kind == "passages" else quotes + passages
    return "\n".join(lines).strip() + "\n"


def answer_lines(answerer, questions: Iterable[str], k: int, as_json: bool, out: TextIO) -> None:
    previous = None
    for question in questions:
        question = question.strip()
        if not question:
            continue
        answer = answerer.ask(question, k=k, previous=previous)
        previous = answer.context or question
        out.write(answer.to_json() + "\n" if as_json else render_text(answer) + "\n")
        out.flush()


def open_answerer(settings: IndexSettings):
    from bot.answer import Answerer

    return Answerer.open(settings)


def repl(settings: IndexSettings, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    """The terminal prompt `make run` offers when no Telegram token is set."""
    answerer = open_answerer(settings)
    info = answerer.corpus_info()
    out.write(f"Index: {info.articles} articles, {info.chunks} passages, {info.quotes} quotes. "
              "Ask a question (empty line or Ctrl-D to quit), e.g. who said what about Idlib?\n")
    previous = None
    while True:
        out.write("> ")
        out.flush()
        line = stdin.readline()
        if not line or not line.strip():
            out.write("\n")
            return
        answer = answerer.ask(line.strip(), previous=previous)
        previous = answer.context or line.strip()
        out.write(render_text(answer) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ask", description=__doc__.split("\n")[0])
    parser.add_argument("question", nargs="+", help="the question, or - to read one a line from stdin")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument("-k", type=int, default=5, help="how many quotes or passages (default 5)")
    parser.add_argument("--index-dir", type=Path, help="the index (default: INDEX_DIR)")
    args = parser.parse_args(argv)
    settings = IndexSettings()
    if args.index_dir:
        settings = settings.model_copy(update={"index_dir": args.index_dir})
    try:
        answerer = open_answerer(settings)
    except (IndexProblem, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    questions = sys.stdin if args.question == ["-"] else [" ".join(args.question)]
    answer_lines(answerer, questions, args.k, args.json, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
