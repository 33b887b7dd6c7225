"""Who said it: the right speaker on the seed article, on quotes hand-checked in the data, and
for each cue pattern (after, before, colon, according to, pronouns, the previous sentence)."""

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


def test_pronoun() -> None:
    text = ("Boris Johnson visited Kyiv on Saturday.\n\n"
            "“The UK stands with Ukraine,” he said.")
    assert speaker_of(text, "The UK stands") == "Boris Johnson"


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


def test_report_is_not_a_speaker() -> None:
    text = "“Civilian casualties rose sharply in March,” the report said."
    assert speaker_of(text, "Civilian casualties") is None


def test_pronoun_next_to_verb_wins() -> None:
    text = ("Donald Trump spoke on Monday. In a tweet, Trump slammed establishment Republicans, "
            "who he said are “far more difficult than Crooked Hillary” to deal with.")
    assert speaker_of(text, "far more difficult") == "Donald Trump"


def test_quoted_as_saying() -> None:
    text = ('"We have no idea what this is connected with," the RBK news website quoted '
            "Margarita Simonyan, the editor in chief, as saying.")
    assert speaker_of(text, "We have no idea") == "Margarita Simonyan"


def test_agency_reported_x_as_saying() -> None:
    text = ("The Belarusian president, Alexander Lukashenko, spoke on Sunday.\n\n"
            "“We were and will act together with our brothers in Russia,” the state news agency "
            "Belta reported Lukashenko as saying.")
    assert speaker_of(text, "We were and will act") == "Alexander Lukashenko"


def test_it_needs_a_nearby_organisation() -> None:
    text = ("The Washington Post reported the incident in March. " + "Filler sentence here. " * 20
            + "The affidavit was filed later. It continued: “Probable cause exists to charge him.”")
    assert speaker_of(text, "Probable cause") is None


def test_cue_after_an_intervening_clause() -> None:
    text = ('"Many would consider that an embarrassment" if she did not win by more, said David '
            'Wasserman, an elections analyst. "And yet it would seal the deal" because she would '
            "expand her lead, he said.")
    assert [s for _, s in quotes(text)] == ["David Wasserman", "David Wasserman"]


def test_reporting_outlet_after_a_clause_is_not_the_speaker() -> None:
    text = ('Donald Trump welcomed the news, saying Kasich was "doing the right thing," suggesting '
            "he might consider him as a running mate, CNN reported.")
    assert speaker_of(text, "doing the right thing") != "CNN"


# --- definite descriptions re-mentioning someone named earlier ------------------------------


def test_description_resolves_to_the_person_named_before() -> None:
    text = ("Rubio still doubts Trump.\n\nOne month after announcing his support for Donald Trump, "
            "Marco Rubio still believes that the presumptive GOP nominee is unfit to be "
            "commander-in-chief. “I stand by everything I said during the campaign,” the Florida "
            "senator told THE WEEKLY STANDARD on Thursday.")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == ("Marco Rubio", "the Florida senator")


def test_description_resolves_to_the_organisation_named_before() -> None:
    text = ("At least 19 civilians were killed on Tuesday, the Syrian Observatory for Human Rights "
            "said. “It was a series of air strikes throughout the day and the death toll may "
            "still rise,” the Britain-based group added.")
    assert speaker_of(text, "series of air strikes") == "Syrian Observatory for Human Rights"


def test_description_skips_a_person_whose_role_conflicts() -> None:
    text = ("Trump wants mosques watched.\n\nDonald Trump called on Mayor Bill de Blasio to "
            "restart the surveillance of mosques. De Blasio disbanded the unit in April 2014."
            "\n\n“We ought to start it up again this morning,” the Republican presidential candidate said.")
    assert speaker_of(text, "start it up again") == "Donald Trump"


def test_description_of_an_unnamed_one_stays_unresolved() -> None:
    text = ("Talks fail.\n\nSergei Lavrov met his counterpart on Monday. A western official "
            "said the talks had failed.\n\n“Russia is starting to learn from its mistakes,” "
            "the official said.")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == (None, "the official")


def test_indefinite_and_anonymous_descriptions_stay_unresolved() -> None:
    text = ("Rubio in Iowa.\n\nMarco Rubio spoke in Iowa on Monday.\n\n“We will win this state easily,” "
            "a Florida senator said.\n\n“Nobody here believes that at all,” said the senator, "
            "who spoke on condition of anonymity.")
    found = {q.text(make(text)): (q.speaker, q.role) for q in extract_quotes(make(text))}
    assert found["We will win this state easily,"][0] is None
    assert found["Nobody here believes that at all,"] == (None, "the senator")


def test_description_needs_a_fitting_name() -> None:
    text = ("Macron in Moscow.\n\nVladimir Putin met Emmanuel Macron in Moscow.\n\n“The talks were useful,” "
            "the ministry said.")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == (None, "the ministry")


# --- cue subjects that look like participles or adverbs, and "also said" ---------------------


@pytest.mark.parametrize("name", ["Curt Schilling", "Mark Kelly", "Sarah Manning"])
def test_name_ending_like_a_participle_or_adverb_is_a_subject(name: str) -> None:
    last = name.split()[-1]
    text = (f"{name} spoke on Tuesday.\n\nTo that, {last} added: “A rule is a rule no matter "
            "what anybody says about it.”")
    assert speaker_of(text, "A rule is a rule") == name


def test_leading_participial_phrase_is_not_the_role() -> None:
    text = ("Jerry Brown spoke on Tuesday. Reflecting on his years in office, Brown said: “We did "
            "what we could with what we had.”")
    [q] = extract_quotes(make(text))
    assert q.speaker == "Jerry Brown"
    assert q.role is None or "Reflecting" not in q.role


def test_also_said_is_a_cue() -> None:
    text = ("Bernie Sanders spoke in California on Tuesday night.\n\n"
            "But he also said that “we will not allow this to happen to our country.”")
    assert speaker_of(text, "we will not allow") == "Bernie Sanders"


def test_surname_that_is_a_title_word() -> None:
    text = ("Billie Jean King spoke about the boxer on Friday. King says Ali “talked the talk "
            "and walked the walk.”")
    assert speaker_of(text, "talked the talk") == "Billie Jean King"


def test_it_also_states_is_not_a_person() -> None:
    text = ("Turkey’s defence minister, Hulusi Akar, praised the deal. The text was published "
            "later. However, it also states that “the parties will not undertake any attacks.”")
    assert speaker_of(text, "the parties will not") != "Hulusi Akar"


# --- "said X, <a long appositive>", a colon ending the previous paragraph, FA-KES run-ons -----


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


def test_fakes_name_run_into_its_title() -> None:
    text = ("The United Nations condemned the strikes. \"It is completely unacceptable that "
            "hospitals are being bombed\" said Kevin Kennedy Regional Humanitarian Coordinator for "
            "the Syria Crisis. \"It must stop now\" he added.")
    found = extract_quotes(make(text))
    assert [q.speaker for q in found] == ["Kevin Kennedy", "Kevin Kennedy"]
    assert found[0].role == "Regional Humanitarian Coordinator for the Syria Crisis"


def test_nationality_and_title_run_is_not_a_name() -> None:
    text = ("\"The attacks must end immediately across the country\" said Syrian Foreign Minister "
            "for the region.")
    assert speaker_of(text, "The attacks must end") in (None, "Syrian Foreign Minister")


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


def test_pronoun_takes_an_owner_of_the_gender_said() -> None:
    text = ("“I’ll be back,” said Arnold Schwarzenegger, who once led California.\n\n"
            "Mr. Sunak has run a smooth campaign. Ms. Truss’ campaign has gotten off to a "
            "shakier start. On Wednesday, she posted on Twitter that she was ready “to hit the "
            "ground from day one,” forgetting a word.")
    assert speaker_of(text, "to hit the ground") == "Truss"


def test_pronoun_fallback_keeps_the_gender_said() -> None:
    text = ("Relations are at their worst in decades, and the talks were underscored by "
            "Mr. Ryabkov in comments on Ms. Griner’s case.\n\n"
            "“Hype only gets in the way,” Mr. Ryabkov said.\n\n"
            "He hinted that Moscow wanted to talk about Ms. Griner’s fate, saying she would be "
            "helped by “a serious reading by the American side of the signals.”")
    assert speaker_of(text, "a serious reading") == "Ryabkov"


def test_title_field_before_a_name_said_once() -> None:
    text = ("Former Secretary of State Hillary Clinton spoke on Monday. “We will win this race "
            "easily,” Clinton said. “Our plan is working well,” Secretary of State John F. Kerry "
            "said.")
    found = extract_quotes(make(text))
    assert [(q.speaker, q.role) for q in found] == [("Hillary Clinton", None),
                                                    ("John F. Kerry", "Secretary of State")]


def test_outlet_or_party_owning_a_name() -> None:
    text = ("“We will win this race easily,” Fox News’ Jenna Lee said. “Nobody expected it,” "
            "Zionist Union Party’s Nachman Shai said.")
    found = extract_quotes(make(text))
    assert [(q.speaker, q.role) for q in found] == [("Jenna Lee", "Fox News"),
                                                    ("Nachman Shai", "Zionist Union Party")]


def test_appositive_with_an_abbreviated_place_before_said() -> None:
    text = ("Polls show a tight race.\n\n“I just don't think she's been truthful with us,” Cecelia "
            "Purner, 67, a retired nurse in Allentown, Pa., said in an interview. But, she added, "
            "“I think she'll make a good president.”")
    found = extract_quotes(make(text))
    assert [(q.speaker, q.role) for q in found] == [
        ("Cecelia Purner", "a retired nurse in Allentown"), ("Cecelia Purner", None)]


def test_whole_paragraph_quote_after_a_statement_sentence() -> None:
    text = ("The Democratic National Committee met on Monday.\n\nAt the chair’s direction, the DNC "
            "issued a statement apologizing to Sanders for the emails.\n\n“On behalf of everyone "
            "at the DNC, we want to offer a deep and sincere apology.”\n\nVoters were unmoved.\n\n"
            "“We want our money back, and we want it now.”")
    found = extract_quotes(make(text))
    assert [q.speaker for q in found] == ["Democratic National Committee", None]


def test_document_with_its_author_named() -> None:
    text = ("Edward Lister was chief of staff to the mayor. An email from Lister on 16 September "
            "indicated plans were developing: “Boris has it in his diary for the 23 June.”\n\n"
            "“We will not retreat from our positions,” said a statement by the Defence Ministry.\n\n"
            "Senator Bernie Sanders met the families. “We owe them answers now,” his letter "
            "said.\n\n“Growth will slow sharply this year,” the IMF report said.")
    assert [q.speaker for q in extract_quotes(make(text))] == [
        "Edward Lister", "Defence Ministry", "Bernie Sanders", "IMF"]


def test_document_without_an_author_is_the_role() -> None:
    text = ("Hill Democrats were vague. Sen. Jack Reed said he hadn’t read the president's plan, "
            "but called it a “starting point for our deliberations.”\n\n"
            "Voters sued the county. “The burdens on voters were inexcusable,” the lawsuit says.")
    found = extract_quotes(make(text))
    assert [(q.speaker, q.role) for q in found][1] == (None, "the lawsuit")
    assert found[0].speaker in ("Jack Reed", None)


def test_medium_after_a_named_speaker() -> None:
    text = ("“There is no organized effort to stop him,” said RNC spokesman Sean Spicer in a "
            "Friday tweet.")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == ("Sean Spicer", "RNC spokesman")


def test_long_description_of_an_anonymous_source_is_cut_to_its_head() -> None:
    text = ("Yachts went dark.\n\nOne member of crew on a superyacht linked to a Russian oligarch "
            "sanctioned by the UK told the Observer last week: “We were told to turn off the AIS.”")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == (None, "One member of crew on a superyacht")


@pytest.mark.parametrize("verb", ["exclaimed", "retorted", "answered", "fumed", "went on to say"])
def test_less_common_speech_verbs(verb: str) -> None:
    text = f"Senator Jane Roe met the workers. “This plant will stay open,” Roe {verb}."
    assert speaker_of(text, "plant will stay") == "Jane Roe"


def test_definite_document_speaks_for_its_issuer_named_before() -> None:
    text = ("The Kremlin issued a statement on Friday. Talks had stalled for weeks.\n\n"
            "“We remain open to dialogue,” the statement said.\n\n"
            "An email was sent from the club’s director, Jeremy Boreing, to members. "
            "The email said, “We are going to wind down the organization.”\n\n"
            "In a statement, Senator Jane Roe said she would vote no. Aides were silent. "
            "“The bill is a disgrace to this chamber,” the statement added.\n\n"
            "Voters sued the county. “The burdens on voters were inexcusable,” the lawsuit says.")
    found = extract_quotes(make(text))
    assert [(q.speaker, q.role) for q in found] == [
        ("Kremlin", None), ("Jeremy Boreing", "the club’s director"), ("Jane Roe", "Senator"),
        (None, "the lawsuit")]


def test_surname_of_namesakes_is_the_main_one_or_who_just_acted() -> None:
    text = ("The jet.\n\nDonald J. Trump flew to Ohio on Monday in his Boeing jet.\n\n"
            "Its leather also graces the chairs in Ivanka Trump's den. “It's like a new plane,” "
            "Mr. Trump said.\n\n"
            "The daughter of Eric Garner sent tweets on Thursday. “Why would you use my dad?” "
            "Erica Garner said. Aides declined to comment.\n\n"
            "Staff met on Friday. Campaign officials were silent all week on the matter.\n\n"
            "“These people will co-opt anything,” Garner wrote.")
    found = extract_quotes(make(text))
    assert [q.speaker for q in found] == ["Donald J. Trump", "Erica Garner", "Erica Garner"]


def test_one_opening_a_phrase_is_no_name() -> None:
    [q] = extract_quotes(make("One Clinton spokesman called it “overclassification run amok.”"))
    assert (q.speaker, q.role) == (None, "One Clinton spokesman")


def test_passive_cue_is_no_speech_but_its_agent_speaks() -> None:
    text = ("Jane Roe has a new book. Her book is described on Amazon as a “riveting tale "
            "of heroes under fire.”\n\n"
            "Tax havens grew. The island nation is described by Henley as a “wealth magnet for "
            "the rich.”")
    assert [q.speaker for q in extract_quotes(make(text))] == [None, "Henley"]


@pytest.mark.parametrize(("cue", "speaker", "role"), [
    ("Michael A. McFaul said", "Michael A. McFaul", None),
    ("Maricopa County Recorder Helen Purcell said", "Helen Purcell", "Maricopa County Recorder"),
    ("Congressman Chris Collins said", "Chris Collins", "Congressman"),
])
def test_initials_and_local_titles_before_a_name(cue: str, speaker: str, role: str | None) -> None:
    [q] = extract_quotes(make(f"Voters waited for hours. “We made some horrendous mistakes,” {cue}."))
    assert (q.speaker, q.role) == (speaker, role)


def test_place_after_a_leading_preposition_is_no_speaker() -> None:
    text = ("RT faced sanctions.\n\nIn Moscow, the management of RT said: “We will stay on air for "
            "our viewers.”")
    [q] = extract_quotes(make(text))
    assert (q.speaker, q.role) == (None, "the management of RT")


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


def test_pronoun_that_writes_is_the_author_of_the_writing_just_introduced() -> None:
    text = ("Hillary Clinton used a private server.\n\nAn email sent out in the first week of "
            "March 2015 by campaign director Jennifer Palmieri to John Podesta shows Obama knew.\n\n"
            "“Suggest Philippe talk to Josh or Eric about it,” she wrote.")
    [q] = extract_quotes(make(text))
    assert q.speaker == "Jennifer Palmieri"


def test_document_subject_with_a_non_speech_verb() -> None:
    from index.quotes import extract_quotes
    from tests.index.quotes.helpers import make
    text = ("Jim Smith runs the agency. The report found that “the agency failed to keep track "
            "of the weapons it shipped.”")
    article = make(text)
    [q] = extract_quotes(article)
    assert (q.speaker, q.role) == (None, "The report")


def test_an_unnamed_source_is_nobody_named_earlier() -> None:
    text = ("Army units killed a leader nicknamed Abu Moussa on Monday.\n\n"
            "“Dozens of terrorists were killed,” the source said.")
    assert speaker_of(text, "Dozens of terrorists") is None


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
