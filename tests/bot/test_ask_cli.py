"""`python -m bot.ask`: readable and JSON answers, and one question a line from stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def ask(*args: str, stdin: str | None = None, index_dir=None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "bot.ask", *args]
    if index_dir is not None:
        command[3:3] = ["--index-dir", str(index_dir)]
    return subprocess.run(command, cwd=ROOT, input=stdin, capture_output=True, text=True,
                          timeout=180)


def test_readable_answer_names_speakers_quotes_and_dates(seed_index):
    result = ask("who said what about Idlib?", index_dir=seed_index.index_dir)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Sergei Lavrov" in out and "Fabrizio Carboni" in out
    assert "“This is capitulating before terrorists" in out
    assert "25 Feb 2020" in out and "Syrian army forces push further into southern Idlib" in out


def test_stdin_mode_answers_each_line_as_json_with_k(seed_index):
    questions = "who said what about Idlib?\n\nwhat did Lavrov say?\nbanana bread recipe?\n"
    result = ask("--json", "-k", "2", "-", stdin=questions, index_dir=seed_index.index_dir)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == ["who said what about Idlib?",
                                                "what did Lavrov say?", "banana bread recipe?"]
    assert [a["kind"] for a in answers] == ["quotes", "quotes", "none"]
    assert all(len(a["quotes"]) <= 2 for a in answers)
    assert {q["speaker"] for q in answers[1]["quotes"]} == {"Sergei Lavrov"}


def test_missing_index_is_a_clear_error(tmp_path):
    result = ask("anything", index_dir=tmp_path / "nowhere")
    assert result.returncode == 2
    assert "no index" in result.stderr and "python -m index.build" in result.stderr


def run_bot(index_dir, stdin: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["INDEX_DIR"] = str(index_dir)
    return subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, input=stdin, env=env,
                          capture_output=True, text=True, timeout=180)


def test_without_a_token_the_bot_answers_in_the_terminal_and_says_how_to_add_one(seed_index):
    result = run_bot(seed_index.index_dir, "what did Lavrov say?\n\n")
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and ".env" in result.stderr
    assert "Sergei Lavrov" in result.stdout and "25 Feb 2020" in result.stdout


def test_without_an_index_the_bot_says_how_to_build_one(tmp_path):
    result = run_bot(tmp_path / "none", "anything\n")
    assert result.returncode == 2
    assert "python -m index.build" in result.stderr
