"""scripts/image_check.py, the check `make image-test` runs on the container's answer: it passes
the real answer on the seed and fails one with the wrong date, a missing speaker or altered words."""

from __future__ import annotations

import copy
import importlib.util
import json

import pytest

from tests.conftest import ROOT

SEED = ROOT / "corpus" / "000_90aed92b11813b25.txt"
SPEAKERS = ["Lavrov", "Carboni"]


def _load_check():
    spec = importlib.util.spec_from_file_location("image_check", ROOT / "scripts" / "image_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


image_check = _load_check()


@pytest.fixture(scope="module")
def seed_answer(answerer) -> dict:
    return json.loads(answerer.ask("who said what about Idlib?", k=10).to_json())


def test_real_answer_on_the_seed_passes(seed_answer):
    assert image_check.problems(seed_answer, SEED, SPEAKERS) == []


def test_seed_date_and_title_are_read_from_the_file():
    date, title, text = image_check.seed_facts(SEED)
    assert date.isoformat() == "2020-02-25T14:22:00+00:00"
    assert title == "Syrian army forces push further into southern Idlib, liberate three villages"
    assert title in text


def test_another_date_fails(seed_answer):
    answer = copy.deepcopy(seed_answer)
    for quote in answer["quotes"]:
        quote["article"]["date"] = "2020-02-26T14:22:00+00:00"
    found = image_check.problems(answer, SEED, SPEAKERS)
    assert len(found) == 2 and all("do not cite the seed" in p for p in found)


def test_a_missing_speaker_fails(seed_answer):
    answer = copy.deepcopy(seed_answer)
    answer["quotes"] = [q for q in answer["quotes"] if "Carboni" not in (q["speaker"] or "")]
    assert image_check.problems(answer, SEED, SPEAKERS) == ["no quote by Carboni"]


def test_words_not_in_the_seed_fail(seed_answer):
    answer = copy.deepcopy(seed_answer)
    for quote in answer["quotes"]:
        quote["text"] = quote["text"].replace("e", "a", 1)  # one letter changed
    found = image_check.problems(answer, SEED, SPEAKERS)
    assert len(found) == 2 and all("verbatim" in p for p in found)


def test_main_exits_nonzero_on_a_failed_check(seed_answer, tmp_path, capsys):
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({**seed_answer, "quotes": []}), encoding="utf-8")
    assert image_check.main([str(path), str(SEED), *SPEAKERS]) == 1
    assert "image-test FAILED" in capsys.readouterr().err
