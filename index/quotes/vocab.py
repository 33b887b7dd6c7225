"""Word lists and name-token patterns shared by the registry, attribution and matching."""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    return text.split()


_VERBS = (
    "(?:was|were|is|are|has been|had been) quoted as saying|"
    "said|says|say|told|tells|added|adds|stressed|stresses|warned|warns|noted|notes|stated|"
    "states|declared|declares|explained|explains|insisted|insists|urged|urges|wrote|writes|"
    "tweeted|tweets|asked|asks|replied|replies|responded|responds|argued|argues|claimed|claims|"
    "announced|announces|acknowledged|admitted|admits|recalled|recalls|continued|continues|"
    "concluded|commented|observed|remarked|suggested|suggests|predicted|complained|cautioned|"
    "conceded|emphasised|emphasized|countered|joked|quipped|boasted|vowed|pledged|promised|"
    "demanded|lamented|posted|testified|confirmed|maintained|charged|alleged|contended|agreed|"
    "shouted|yelled|recounted|wondered|reported|reports|"
    "described|describes|called|calls|blasted|accused|proclaimed|pointed out|"
    "(?:went|goes) on to (?:say|add|write)|went on|chimed in|put it|posted on \\w+|asserted|"
    "asserts|affirmed|reiterated|indicated|"
    "revealed|disclosed|mentioned|underlined|highlighted|estimated|texted|emailed|"
    "exclaimed|exclaims|answered|answers|retorted|fumed|barked|snapped|scoffed|clarified|"
    "assured|echoed|elaborated|confessed|sighed|demurred|mused|boomed|pleaded|interjected|"
    "opined|bragged|gushed|marveled|marvelled"
)
_VERB_RE = re.compile(rf"(?<![\w-])({_VERBS})\b")
# Capitalised words that name a function, not a person ("Russian Foreign Minister Sergei Lavrov").
_TITLES = frozenset(_words(
    "president vice minister secretary general gen gen. lt lt. col col. maj maj. sgt sgt. capt "
    "capt. adm adm. sen sen. senator rep rep. representative gov gov. governor mayor chief "
    "spokesman spokeswoman spokesperson ambassador envoy director deputy chairman chairwoman "
    "chair commander king queen prince princess sheikh judge justice attorney dr dr. mr mr. mrs "
    "mrs. ms ms. miss professor prof prof. pope speaker leader premier chancellor commissioner "
    "coordinator candidate nominee emir ayatollah colonel major lieutenant captain "
    "sergeant admiral pastor rev rev. reverend father bishop cardinal rabbi imam sir lord "
    "lady dame officer head adviser advisor aide counsel undersecretary under-secretary "
    "high republican democrat democratic independent rival challenger front-runner frontrunner "
    "billionaire businessman hopeful actor actress singer rapper comedian host anchor journalist "
    "reporter columnist author writer novelist filmmaker producer strategist pollster analyst "
    "economist lawyer activist businesswoman philanthropist veteran ceo cfo coo founder "
    "congressman congresswoman assemblyman assemblywoman alderman councilman councilwoman "
    "councillor councilor sheriff recorder clerk treasurer secretary-treasurer comptroller "
    "superintendent prosecutor advocate mp mep"
))
_HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "sir", "prof", "prof."}
_ORG_WORDS = frozenset(_words(
    "committee ministry council organization organisation agency department office army forces "
    "force government union nations commission institute party front group observatory "
    "association court bank fund coalition news times post press network foundation "
    "university college center centre campaign corporation company inc corp administration "
    "house senate congress parliament assembly authority service services watch international "
    "federation league alliance movement brigade brigades command police guard guards "
    "reuters ap afp tass sana ria interfax kremlin pentagon cabinet bureau board "
    "secretariat mission delegation embassy unicef unhcr who nato icrc isis isil daesh "
    "hezbollah hamas taliban fbi cia nsa msf gop dnc rnc cnn bbc nbc cbs abc fox "
    "journal magazine tribune herald channel tv radio facebook twitter google programme navy society"
))
_NOT_NAMES = frozenset(_words(
    "the a an this that these those his her its their our my your in on at for from by with to "
    "of and but or so if as when while after before since meanwhile separately however "
    "also then later earlier last next monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december "
    "jan jan. feb feb. aug aug. sept sept. oct oct. nov nov. dec dec. mr mr. "
    "according there here it he she they we i you what why how where asked "
    "yes no not now today yesterday tomorrow even still despite although though because does do "
    "did is was are were will would can could should has have had "
    "more most some many all both each every other another such just only team top one"
))
_NON_SPEAKERS = frozenset(_words(
    "report reports statement statements study survey document documents letter article "
    "website site poll polls data analysis figures memo release page book paper video "
    "footage post tweet message note text law bill resolution agreement plan decision "
    "ruling order evidence investigation inquiry probe film story headline lawsuit suit "
    "complaint filing email e-mail"
))
_STOP = frozenset(_words("the a an of for and to in on at his her its their top senior former "
                         "then 's ’s new old chief"))
_NAME_TOKEN = (r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Maj|Sgt|Capt|Adm|St|Jr|Sr|Prof|Rev)\.|"
               r"(?:[A-Z]\.){1,3}(?![\w.])|[A-Z][\w’'\-]*)")
_RUN_RE = re.compile(
    rf"(?<![\w’'.-]){_NAME_TOKEN}(?:(?:[ \t]+|[ \t]*-[ \t]*)"
    rf"(?:(?:al|bin|ibn|de|del|da|van|von|der|la|le|el|abu|bin)"
    rf"[\s-]+)?{_NAME_TOKEN})*"
)
_ORG_OF_RE = re.compile(
    rf"(?<![\w’'.-]){_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN})*(?:[ \t]+(?:of|for)[ \t]+"
    rf"(?:the[ \t]+)?{_NAME_TOKEN}"
    rf"(?:[ \t]+(?:and[ \t]+)?{_NAME_TOKEN})*)+"
)


# Base forms of the verbs above, for questions ("what did X warn", "who urged ..."): a reader's
# verb of saying. `tests/index/quotes/test_vocab.py` checks each is read as a cue when inflected.
SPEECH_LEMMAS = frozenset(_words(
    "say tell add stress warn note state declare explain insist urge write tweet ask reply "
    "respond argue claim announce acknowledge admit recall conclude comment observe remark "
    "suggest predict complain caution concede emphasise emphasize counter joke boast vow pledge "
    "promise demand lament post testify confirm maintain charge allege contend recount "
    "report describe call blast accuse proclaim assert affirm reiterate indicate reveal "
    "disclose mention underline highlight estimate answer clarify assure echo elaborate confess "
    "plead"
))
# Verbs a question uses for someone's words that articles rarely use as cues ("how did X react").
REACTION_LEMMAS = frozenset(_words(
    "react deny criticise criticize condemn defend justify threaten propose think feel believe "
    "hope fear blame praise welcome reject dismiss mean discuss dispute reveal thank "
    "slam mock express speak talk"
))
