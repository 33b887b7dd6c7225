"""Finding each quote's cue: the seed article, hand-checked quotes, and each cue pattern
(after, before, embedded, colon, dash signature, whole paragraph, inherited)."""

from __future__ import annotations

import pytest

from index.articles import Article
from index.quotes import Quote, extract_quotes
from tests.index.quotes.helpers import DATA, make, quote_in, quotes, seed_quote, speaker_of

# --- the seed article ----------------------------------------------------------------------


def test_seed_lavrov_quotes(seed: tuple[Article, list[Quote]]) -> None:
    q = seed_quote(seed, "This is capitulating before terrorists and even a reward")
    assert q.speaker == "Sergei Lavrov"
    assert q.role and "Russian Foreign Minister" in q.role
    assert q.text(seed[0]).endswith("Security Council resolutions,")
    assert seed_quote(seed, "a desire to justify outrageous acts").speaker == "Sergei Lavrov"
    assert seed_quote(seed, "a desire to justify").text(seed[0]).endswith("groupings.")
    q = seed_quote(seed, "Otherwise, it would be difficult to explain")
    assert q.speaker == "Sergei Lavrov"
    assert q.cue == "the top Russian diplomat said"


def test_seed_icrc_quotes(seed: tuple[Article, list[Quote]]) -> None:
    q = seed_quote(seed, "This is the worst wave of displacement")
    assert q.speaker == "Fabrizio Carboni"
    assert q.role and "ICRC" in q.role
    assert q.text(seed[0]).endswith("It’s completely unacceptable,")
    assert seed_quote(seed, "deeply alarmed").speaker == "International Committee of the Red Cross"


def test_seed_nobody_else(seed: tuple[Article, list[Quote]]) -> None:
    article, found = seed
    allowed = {"Sergei Lavrov", "Fabrizio Carboni", "International Committee of the Red Cross"}
    assert {q.speaker for q in found} <= allowed
    immediately = [q for q in found if q.text(article) == "immediately"]
    assert all(q.speaker in {"Fabrizio Carboni", "International Committee of the Red Cross"}
               for q in immediately)


# --- hand-checked quotes from the data (speaker read off the text by a person) -------------

PN, GU, FK, NY = ("polnear/articles.jsonl", "russia-ukraine-2022/guardian.jsonl",
                  "fakes/articles.jsonl", "russia-ukraine-2022/nyt.jsonl")
HAND_CHECKED = [
    # (dataset, article id, fragment of the quote, expected speaker)
    (PN, "pn-0794", "If you believe you represent the people", "Barney Frank"),
    (PN, "pn-0527", "All of Trump’s properties had gone to hell", "Ernest D. Coursey"),
    (PN, "pn-0761", "They have a perception of the Clintons", "Mattie Thomas"),
    (PN, "pn-0690", "I could say I identify as anything", "Franson Reneus"),
    (PN, "pn-0754", "The timing of it is quite suspect", "Tom Vilsack"),
    (PN, "pn-0180", "This is an absolute epidemic", "Ted Cruz"),
    (PN, "pn-0739", "October provided a resurgence for her", "David Axelrod"),
    (PN, "pn-0641", "The reason that we are generating this enthusiasm", "Bernie Sanders"),
    (PN, "pn-0046", "You shouldn’t say that unless you can really deliver it", "Hillary Clinton"),
    (GU, "guardian-38", "This decision is really unprecedented", "Dmitry Peskov"),
    (GU, "guardian-181", "It’s impossible to predict what the future may hold",
     "Chris Kempczinski"),
    (GU, "guardian-20", "There is now very strong evidence this is a purposive", "Brian Daniels"),
    (GU, "guardian-99", "due to Russian blockades we are unable", "Volodymyr Zelenskiy"),
    (FK, "fakes-190", "The troops and militiamen knew exactly where", "Rami Abdel Rahman"),
    (FK, "fakes-282", "At least 15 people were killed and 12 others injured",
     "Rami Abdel Rahman"),
    (FK, "fakes-571", "We need help from the international community", "Idris Nahsen"),
    (FK, "fakes-376", "Three attacks reportedly hit heavily crowded areas", "UNICEF"),
    (FK, "fakes-0", "Some cases appear to show additional signs", "World Health Organization"),
    (FK, "fakes-86", "No one has yet visited the site", "Vladimir Safronkov"),
    (NY, "nyt-0", "I thought it should be outside politics", "Slava Lepsheiev"),
    (NY, "nyt-0", "I realized I had a responsibility", "Slava Lepsheiev"),
]


@pytest.mark.parametrize(("rel", "article_id", "fragment", "expected"), HAND_CHECKED)
def test_hand_checked(rel: str, article_id: str, fragment: str, expected: str | None) -> None:
    if DATA is None:
        pytest.skip("../shared/data not found")
    assert quote_in(rel, article_id, fragment).speaker == expected


# --- patterns on short synthetic text ------------------------------------------------------


def test_x_said_after() -> None:
    text = "Ukraine’s president Volodymyr Zelenskiy spoke. “We will win,” Zelenskiy said."
    assert speaker_of(text, "We will win") == "Volodymyr Zelenskiy"


def test_said_x_after() -> None:
    text = "“We will not give up the city,” said Oleksiy Arestovych, an adviser to the president."
    found = extract_quotes(make(text))
    assert found[0].speaker == "Oleksiy Arestovych"
    assert found[0].role and "adviser" in found[0].role


def test_x_said_before_with_colon() -> None:
    text = "Mayor Vitali Klitschko said: “The city is ready to defend itself.”"
    assert speaker_of(text, "The city is ready") == "Vitali Klitschko"


def test_according_to() -> None:
    text = "The talks failed, according to Dmitry Peskov, who called them “a waste of our time”."
    assert speaker_of(text, "a waste of our time") == "Dmitry Peskov"
    text = "“Prices will keep rising for months,” according to Janet Yellen."
    assert speaker_of(text, "Prices will keep") == "Janet Yellen"


def test_colon_cue() -> None:
    text = "Senator Lindsey Graham: “This is a disgrace for the whole country.”"
    assert speaker_of(text, "This is a disgrace") == "Lindsey Graham"


def test_quote_before_and_after_cue() -> None:
    text = "“We are ready,” Olaf Scholz said, “to send more weapons if needed.”"
    found = quotes(text)
    assert [s for _, s in found] == ["Olaf Scholz", "Olaf Scholz"]


def test_cue_in_previous_sentence() -> None:
    text = ("Antonio Guterres spoke to reporters in Geneva on Monday. He said the war had to end. "
            "“Enough is enough. The suffering must stop.”")
    assert speaker_of(text, "Enough is enough") == "Antonio Guterres"


def test_embedded_quote_takes_subject() -> None:
    text = "Sergei Lavrov slammed some governments for having “a desire to justify bad acts.”"
    assert speaker_of(text, "a desire") == "Sergei Lavrov"


def test_quoted_as_saying() -> None:
    text = ('"We have no idea what this is connected with," the RBK news website quoted '
            "Margarita Simonyan, the editor in chief, as saying.")
    assert speaker_of(text, "We have no idea") == "Margarita Simonyan"


def test_agency_reported_x_as_saying() -> None:
    text = ("The Belarusian president, Alexander Lukashenko, spoke on Sunday.\n\n"
            "“We were and will act together with our brothers in Russia,” the state news agency "
            "Belta reported Lukashenko as saying.")
    assert speaker_of(text, "We were and will act") == "Alexander Lukashenko"


def test_cue_after_an_intervening_clause() -> None:
    text = ('"Many would consider that an embarrassment" if she did not win by more, said David '
            'Wasserman, an elections analyst. "And yet it would seal the deal" because she would '
            "expand her lead, he said.")
    assert [s for _, s in quotes(text)] == ["David Wasserman", "David Wasserman"]


def test_reporting_outlet_after_a_clause_is_not_the_speaker() -> None:
    text = ('Donald Trump welcomed the news, saying Kasich was "doing the right thing," suggesting '
            "he might consider him as a running mate, CNN reported.")
    assert speaker_of(text, "doing the right thing") != "CNN"


def test_also_said_is_a_cue() -> None:
    text = ("Bernie Sanders spoke in California on Tuesday night.\n\n"
            "But he also said that “we will not allow this to happen to our country.”")
    assert speaker_of(text, "we will not allow") == "Bernie Sanders"


# --- "said X, <a long appositive>", colons, passives, documents, whole paragraphs, signatures ---


def test_said_name_before_a_long_appositive() -> None:
    text = ("“We'll be in hand-to-hand combat the rest of the way,” said Marc E. Elias, a "
            "Washington lawyer who has filed many of the suits challenging the laws and whose firm "
            "represents the Democratic presidential nominee and several state parties in the region.")
    assert speaker_of(text, "hand-to-hand") == "Marc E. Elias"
    text = "“What we should do is focus on the economy,” said Donald Trump as he dined on eggs."
    assert speaker_of(text, "focus on the economy") == "Donald Trump"


def test_said_description_with_clause_stays_unnamed() -> None:
    text = "“It was awful, really awful,” said one of two witnesses who relayed the same story."
    assert speaker_of(text, "It was awful") is None


def test_colon_ending_the_previous_paragraph() -> None:
    text = ("Ted Cruz spoke at the debate.\n\nCruz continued:\n\n“You look at the questions "
            "and none of them is about the issues people care about.”")
    assert speaker_of(text, "You look at the questions") == "Ted Cruz"


def test_colon_without_a_speaker_in_the_previous_paragraph() -> None:
    text = ("Mike Pence spoke to Chris Wallace on Sunday.\n\nPartial transcript as follows:\n\n"
            "“We are going to win this election and we are going to win it big.”")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == (None, None)


def test_possessive_cue_before_a_colon() -> None:
    text = ("Clinton top aide Huma Abedin emailed Hillary Clinton about the deaths. Clinton’s "
            "response was: “Is the store off Main Street or Elm?”\n\n"
            "Senator Bernie Sanders met the families. His statement read: “We owe them "
            "answers.”\n\n"
            "The Russian Defence Ministry dismissed the report. The ministry's reply: “These "
            "claims are false.”")
    assert speaker_of(text, "Is the store") == "Hillary Clinton"
    assert speaker_of(text, "We owe them") == "Bernie Sanders"
    assert speaker_of(text, "These claims") == "Russian Defence Ministry"


def test_whole_paragraph_quote_after_a_statement_sentence() -> None:
    text = ("The Democratic National Committee met on Monday.\n\nAt the chair’s direction, the DNC "
            "issued a statement apologizing to Sanders for the emails.\n\n“On behalf of everyone "
            "at the DNC, we want to offer a deep and sincere apology.”\n\nVoters were unmoved.\n\n"
            "“We want our money back, and we want it now.”")
    found = extract_quotes(make(text))
    assert [q.speaker for q in found] == ["Democratic National Committee", None]


@pytest.mark.parametrize("verb", ["exclaimed", "retorted", "answered", "fumed", "went on to say"])
def test_less_common_speech_verbs(verb: str) -> None:
    text = f"Senator Jane Roe met the workers. “This plant will stay open,” Roe {verb}."
    assert speaker_of(text, "plant will stay") == "Jane Roe"


def test_passive_cue_is_no_speech_but_its_agent_speaks() -> None:
    text = ("Jane Roe has a new book. Her book is described on Amazon as a “riveting tale "
            "of heroes under fire.”\n\n"
            "Tax havens grew. The island nation is described by Henley as a “wealth magnet for "
            "the rich.”")
    assert [q.speaker for q in extract_quotes(make(text))] == [None, "Henley"]


def test_uncued_quote_inherits_a_described_source() -> None:
    text = ("Polls tightened.\n\n“Every surrogate is lowering expectations,” said one New Hampshire "
            "Democrat. “Local politicos roll their eyes at such an argument.”")
    assert [(q.speaker, q.role) for q in extract_quotes(make(text))] == [
        (None, "one New Hampshire Democrat")] * 2


def test_embedded_quote_after_an_appositive_or_auxiliary() -> None:
    text = ("Johnson resigned on Thursday.\n\nThe deputy chair of Russia’s security council, Dmitry "
            "Medvedev, gloated that the resignation was “the logical result of British "
            "arrogance”.\n\nBernie Sanders, celebrating a victory in Vermont, is pledging to “win "
            "many hundreds of delegates” next week.")
    assert [q.speaker for q in extract_quotes(make(text))] == ["Dmitry Medvedev", "Bernie Sanders"]


def test_whole_paragraph_quote_after_a_said_sentence() -> None:
    text = ("Prisoners were moved.\n\nVladislav Petrov said he was taken to a prison in Vasylivka "
            "for more than 40 days.\n\n“They had me washing the floor of the room they used for "
            "interrogations.”")
    [q] = extract_quotes(make(text))
    assert q.speaker == "Vladislav Petrov"


def test_passive_quoted_as_saying() -> None:
    text = ("Fighting went on.\n\n“These armed men are too weak to get close to Latakia,” a senior "
            "army officer was quoted as saying.")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == (None, "a senior army officer")


def test_document_subject_with_a_non_speech_verb() -> None:
    from index.quotes import extract_quotes
    from tests.index.quotes.helpers import make
    text = ("Jim Smith runs the agency. The report found that “the agency failed to keep track "
            "of the weapons it shipped.”")
    article = make(text)
    [q] = extract_quotes(article)
    assert (q.speaker, q.role) == (None, "The report")


def test_a_document_cue_stays_out_of_a_later_sentence() -> None:
    text = ("The video shows him doubting a contest while “every day children are dying” in "
            "Ukraine. Last month he held up a sign saying “I am against the war” in court.")
    assert speaker_of(text, "every day children") is None
    found = [q for q in extract_quotes(make(text)) if "against the war" in q.text(make(text))]
    assert not found or found[0].role is None


def test_a_document_cue_reaches_a_later_sentence_about_it() -> None:
    text = ("The report says the plan “went wrong from the very start” in March. The piece goes "
            "on to list “a costly failure for taxpayers” among its findings.")
    found = [q for q in extract_quotes(make(text)) if "costly failure" in q.text(make(text))]
    assert found and found[0].role == "The report"


def test_dash_signature_ends_the_paragraph() -> None:
    text = ("Readers wrote to us.\n\n“He represents our greatest shame, and we know it.” ― Sonya "
            "Herridge\n“As a young woman I would rather not see him win.” ― Francisco Herrero"
            "\n\n“We can build a wall around him instead.” — Steve Quinlan, a teacher\n\n"
            "Bernie Sanders spoke.\n\n“The top 1 percent takes it all now.”\n\n- Sanders.\n\n"
            "“He called him my friend in the rally.”\n\n- Reuters.")
    assert speaker_of(text, "greatest shame") == "Sonya Herridge"
    assert speaker_of(text, "wall around him") == "Steve Quinlan"
    assert speaker_of(text, "As a young woman") != "Sonya Herridge"
    assert speaker_of(text, "top 1 percent") == "Bernie Sanders"
    assert speaker_of(text, "my friend") is None


# --- an official quoted after their organisation's statement --------------------------------

_AFFILIATED = (
    "Shelling hit a clinic in Marbek on Tuesday, killing four people. The World Food Programme "
    "condemned the attack and called for safe access for aid convoys. “Nobody who delivers "
    "food should have to fear for their life,” said Anna Petrov, the regional emergency "
    "coordinator. “This must stop,” she added.\n\n"
    "“We heard the planes first,” said Omar Haddad, a local teacher, at the market.")


def _role_of(text: str, fragment: str) -> str | None:
    article = make(text)
    [q] = [q for q in extract_quotes(article) if fragment in q.text(article)]
    return q.role


def test_an_official_after_the_organisations_statement_speaks_for_it() -> None:
    assert _role_of(_AFFILIATED, "Nobody who delivers") == \
        "the regional emergency coordinator, World Food Programme"
    assert _role_of(_AFFILIATED, "This must stop") == \
        "the regional emergency coordinator, World Food Programme"  # the same person, the same role
    assert _role_of(_AFFILIATED, "heard the planes") == "a local teacher"  # another paragraph


def test_no_affiliation_from_a_country_a_person_or_a_role_naming_its_own_body() -> None:
    base = ("{subject} condemned the attack on the clinic in Marbek. “Nobody should fear for "
            "their life,” said Anna Petrov, {role}.")
    for subject, role in [("The U.S.", "the regional emergency coordinator"),
                          ("Oleg Sidorov", "the regional emergency coordinator"),
                          ("The World Food Programme", "the UNICEF regional coordinator"),
                          ("The World Food Programme", "the agency's regional coordinator")]:
        assert _role_of(base.format(subject=subject, role=role), "Nobody should") == role, subject
    text = ("The World Food Programme said aid was blocked. The shelling went on all night. "
            "“Nobody should fear for their life,” said Anna Petrov, a regional coordinator.")
    assert _role_of(text, "Nobody should") == "a regional coordinator"  # not the sentence before
