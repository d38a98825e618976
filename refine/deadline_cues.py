"""The words around a date that make it a deadline, or something else, in free text (fr/nl/en): the vocabulary of
refine.deadline_text, kept apart so the extractor reads as rules and this file as data a linguist can extend."""

from __future__ import annotations

import re

# Where a word starts. A bare \b also holds where a word ends, and there the engine would try every alternative in
# vain (half the time of a scan); every cue and term below starts with a letter, so the matches are the same.
AT_WORD = r"\b(?=\w)"

DEADLINE_CUES = (
    # fr
    r"date[\s-]+limite|limite\s+de\s+(?:dépôt|remise|réception|soumission|candidature|inscription)|"
    r"échéance|cl[ôo]tur\w*|se\s+cl[ôo]t|avant\s+le|au\s+plus\s+tard|jusqu['’]\s*au|date\s+butoir|"
    r"délai\s+de\s+(?:remise|dépôt|réception|soumission|candidature|rentrée)|"
    r"(?:remise|dépôt|réception|introduction|envoi)\s+des\s+(?:offres|candidatures|dossiers|projets|demandes)|"
    r"fin\s+des\s+(?:inscriptions|candidatures)|à\s+(?:rentrer|introduire|déposer|remettre|envoyer)\s+pour\s+le|"
    # nl
    r"uiterste\s+\w*datum|uiterste|uiterlijk|ten\s+laatste|indien\w*datum|sluitingsdatum|"
    r"sluit(?:en|ing)?|afsluiting|tot\s+en\s+met|t\.\s?e\.\s?m\.?|t/m|vóór|"
    r"(?:indienen|inzenden|aanvragen|inschrijven|kandideren|solliciteren|insturen)\s+(?:kan\s+)?(?:tot|voor)|"
    # en
    r"deadline|closing\s+date|(?:next\s+)?cut[\s-]?off(?:\s+date)?|next\s+(?:review|evaluation|submission)\s+date|"
    r"prochaine\s+(?:date\s+(?:de\s+|d['’])?)?(?:dépôt|remise|clôture|échéance|évaluation)|volgende\s+(?:indien|ronde)\w*|clos(?:e|es|ing)(?:\s+on)?|due(?:\s+(?:date|by|on))?|submission\s+date|"
    r"time\s+limit|receipt\s+of\s+(?:tenders|applications|requests|proposals)|"
    r"submi(?:t|ssions?|tted)\s+(?:by|before|until|no\s+later\s+than)|no\s+later\s+than|"
    r"(?:received|sent|delivered|uploaded)\s+(?:by|before)|"
    r"(?:apply|register|registration)\s+(?:by|before|until)|until|expir(?:y|es|ation)(?:\s+date)?"
)
OTHER_CUES = (
    # Dates that are not deadlines: publication, opening, information sessions, events, starts.
    r"publi\w*|gepubliceerd|posted|ouverture|opening|opens?|ouvert|s['’]ouvre|start\w*|d[ée]but\w*|begin\w*|"
    r"aanvang|commence\w*|séance|sessions?|infosessie|info[\s-]?session|webinar|webinaire|atelier|workshop|"
    r"événement|evenement|event|concert|spectacle|voorstelling|festival|aura\s+lieu|vindt\s+plaats|"
    r"takes?\s+place|held\s+on|lancement|launch\w*|mis\s+à\s+jour|updated?|bijgewerkt|vanaf|"
    r"à\s+partir\s+du|résultats?|results?|resultaten|notification|annonce|bekendmaking"
)
CUE_RE = re.compile(
    rf"{AT_WORD}(?:(?P<deadline>{DEADLINE_CUES})|(?P<other>{OTHER_CUES}))(?!\w)", re.IGNORECASE
)
# A deadline word can also bound what is not a submission: the completion of works, an event taking place.
NOT_SUBMISSION = re.compile(
    AT_WORD
    + r"(?:oplevering|opgeleverd|réception\s+(?:provisoire|définitive)|achèvement|completion|completed|"
    r"voltooi\w*|plaatsvinden|plaatsvindt|avoir\s+lieu|take\s+place)\b",
    re.IGNORECASE,
)
SUBMIT_AFTER = re.compile(
    AT_WORD
    + r"(?:in\s+te\s+dienen|ingediend|te\s+bezorgen|binnen\s+te\s+(?:brengen|zijn)|to\s+be\s+(?:submitted|received)|"
    r"à\s+(?:remettre|introduire|déposer|envoyer|rentrer)|doivent\s+(?:être\s+)?(?:remis|introduit|déposé|envoyé|parvenir)\w*)",
    re.IGNORECASE,
)
# Cues that bound anything, not only a submission: "until", "jusqu'au", "tot en met", "au plus tard", "closes"...
# The nearest cue being one of these, the clause must not be about something else that ends (an exhibition, a
# contract, eligible costs, results), unless it names what is submitted.
WEAK_CUE = re.compile(
    r"until|jusqu['’]\s*au|tot\s+en\s+met|t\.\s?e\.\s?m\.?|t/m|vóór|avant\s+le|au\s+plus\s+tard|ten\s+laatste|"
    r"uiterlijk|no\s+later\s+than|expir\w*(?:\s+date)?|clos(?:e|es|ing)(?:\s+on)?|cl[ôo]tur\w*|se\s+cl[ôo]t|"
    r"sluit(?:en|ing)?|afsluiting|due(?:\s+(?:by|on))?",
    re.IGNORECASE,
)
OTHER_SUBJECT = re.compile(
    AT_WORD
    + r"(?:expos\w*|exhibit\w*|tentoonstelling\w*|museum|musée|galerie|gallery|fermée?s?|closed|gesloten|"
    r"contra(?:ct|t)s?|overeenkomst\w*|valid|valable|geldig|van\s+kracht|co[ûu]ts|costs|dépenses|expenses|kosten|"
    r"subsidiabel|éligibles?|eligible|activit(?:y|ies|és?)|activiteiten|réalis\w*|uitgevoerd|uitvoering|"
    r"carried\s+out|implemented|durée|duration|looptijd|p[ée]riode?|period|r[ée]siden\w*|r[ée]sultats?|results?|resultaten|lauréats|winners?|jury|"
    r"informée?s?|informed|communiquée?s?|communicated|annoncée?s?|announced|notifiée?s?|notified|payments?|"
    r"paiements?|betaling\w*|versée?s?|paid|festival|concerts?|spectacles?|voorstelling\w*)\b",
    re.IGNORECASE,
)
APPLICATION = re.compile(
    AT_WORD
    + r"(?:candidat\w*|inscri\w*|dossiers?|offres?|demandes?|soumi\w*|d[ée]p[ôo]\w*|postul\w*|propos\w*|"
    r"applica\w*|apply|submi\w*|regist\w*|entries|tenders?|bids?|aanvra\w*|indien\w*|inschrij\w*|kandida\w*|"
    r"inzend\w*|aanmeld\w*|offertes?|appels?|calls?(?!-off)|oproep\w*|formulier\w*|formulaires?)\b",
    re.IGNORECASE,
)
# "Aanmelding dient te gebeuren voor 28.1.2019": a bare "voor"/"before" right in front of the date, in a clause
# about applying (alone, Dutch "voor" is mostly "for", so it is no cue of its own).
BEFORE_DATE = re.compile(AT_WORD + r"(?:voor|before)\s*(?:" + r"(?:de|the)\s+)?$", re.IGNORECASE)
# A deadline word after the date (and its time): "le 17.7.2018 à 12:00 au plus tard", "by 1 May at the latest".
CUE_AFTER = re.compile(r"^[\s,]*(?:au\s+plus\s+tard|at\s+the\s+latest|op\s+zijn\s+laatst)\b", re.IGNORECASE)
COPULA = re.compile(
    AT_WORD + r"(?:is|are|was|est|sont|fixée?s?\s+au|is\s+vastgesteld\s+op|bedraagt)\s*$", re.IGNORECASE
)
