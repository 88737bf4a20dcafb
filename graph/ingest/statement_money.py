"""Statement rules for services and money: provision, contracts (with term, start and
annual value from the sentences that follow), funding (an amount each, or a rate; the
body funded where the sentence says) and funding gaps.
"""

from __future__ import annotations

import re
from typing import Any

from nhskg.graph.curated.coverage import Sentence
from nhskg.graph.ingest.mention_rules import BODY_HEADS
from nhskg.graph.ingest.model import (
    Candidate,
    Mention,
    mention_ref,
)
from nhskg.graph.ingest.statement_context import (
    TRUST,
    DocumentView,
    is_group,
    is_hub,
    make_candidate,
    named_as,
    outermost,
    sentence_span,
    words_after,
)
from nhskg.graph.ingest.statement_values import amounts_in, dates_in, number_word

_PROVIDED_BY = re.compile(r"\bprovided by\b", re.I)

_SERVICE = re.compile(
    r"((?:(?:a|an|the|some)\s+)?(?:range of\s+)?[\w ,&'’-]{0,60}?services?)\s*$", re.I
)


_PROVIDES = re.compile(
    r"^\s*(?:will\s+|is\s+to\s+|also\s+)?(?:provides?|deliver(?:s)?|runs?)\s+"
    r"((?:the|a|an)\s+[\w ,&'’-]{0,60}?services?)\b"
)
_COMMISSIONED_BY = re.compile(r"\bcommissioned by\b", re.I)


def _provides(doc: DocumentView, s: Sentence, inside: list[Mention]) -> list[Candidate]:
    """ "X will provide the new diabetes service ..., commissioned by Y": X provides it,
    for Y where the sentence says who commissions it."""
    for provider in inside:
        said = _PROVIDES.match(words_after(s, provider))
        if not said or is_group(provider):
            continue
        record: dict[str, Any] = {
            "type": "provision",
            "provider": [mention_ref(provider)],
            "service": said[1],
        }
        why = f"'{provider.text} ... {said[0].strip()}'"
        by = _COMMISSIONED_BY.search(s.text)
        later = [m for m in inside if by and m.start >= s.start + by.end()]
        if later:
            record["commissioner"] = [mention_ref(later[0])]
            why += f"; commissioned by {named_as(later[:1])}"
        return [make_candidate(doc, record, [sentence_span(s)], 0.5, why)]
    return []


def provision(doc: DocumentView, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], outermost(doc.inside[i])
    cue = _PROVIDED_BY.search(s.text)
    if not cue:
        return _provides(doc, s, inside)
    after = [m for m in inside if m.start >= s.start + cue.end()]
    if not after:
        return []
    service = _SERVICE.search(s.text[: cue.start()])
    if not service:
        return []
    words = service[1].strip()
    words = re.sub(r"^.*\b(?:about|improving|for|on|to)\s+", "", words, flags=re.I) or words
    provider = after[0]
    record = {"type": "provision", "provider": [mention_ref(provider)], "service": words}
    why = f"cue 'provided by'; provider {named_as([provider])}; service '{words}'"
    return [make_candidate(doc, record, [sentence_span(s)], 0.55, why)]


_CONTRACT = re.compile(
    r"\b(preferred (?:bidder|provider)|new provider|awarded the contract|contract)\b", re.I
)

_TERM = re.compile(r"\bfor (?:the next |a )?(\w+) years?\b|\b(\w+)[- ]year contract\b", re.I)

_COMMENCE = re.compile(r"\b(?:commenc|start|begin)(?:e|es|s|ing)?\b", re.I)


def _contract_values(doc: DocumentView, s: Sentence, record: dict[str, Any]) -> list[str]:
    """A contract's annual value ("the annual value ... is £39m", "worth £10m a year") and
    start ("due to commence 1 April 2018", "starting 1 April 2019") in a sentence."""
    said = []
    money = amounts_in(s.text, s.start)
    if money and "annual_value" not in record and _ANNUAL.search(s.text):
        record["annual_value"] = money[0].value
        record["currency"] = "GBP"
        said.append(f"annual value '{money[0].text}'")
    start = [d for d in dates_in(s.text, s.start, doc.when) if d.value]
    if start and "start" not in record and _COMMENCE.search(s.text):
        record["start"] = start[0].value
        said.append(f"start '{start[0].text}'")
    return said


_ANNUAL = re.compile(r"annual value|per (?:year|annum)|a year\b", re.I)


def contract(doc: DocumentView, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], doc.inside[i]
    cue = _CONTRACT.search(s.text)
    if not cue:
        return []
    providers = [
        m
        for m in inside
        if not is_group(m) and TRUST.search(m.text + " " + (m.links[0].name if m.links else ""))
    ]
    if not providers:
        providers = [m for m in inside if not is_group(m) and not is_hub(m)]
    if not providers:
        return []
    provider = providers[0]
    spans = [sentence_span(s)]
    record: dict[str, Any] = {"type": "contract"}
    service = re.search(r"\bto provide ([^.,;]+?)(?: for the next| from|$|[.,;])", s.text)
    label = service[1] if service else f"Contract with {provider.text}"
    record["label"] = label
    record["provider"] = [mention_ref(provider)]
    why = [f"cue '{cue[1]}'; provider {named_as([provider])}"]
    if service:
        record["service"] = service[1]
    term = _TERM.search(s.text)
    if term and (n := number_word(term[1] or term[2])):
        record["term"] = f"P{n}Y"
        why.append(f"term '{term[0]}'")
    why += _contract_values(doc, s, record)
    if re.search(r"preferred (bidder|provider)", s.text, re.I):
        record["status"] = "preferred-bidder"
        why.append("status words 'preferred bidder'")
    # the next sentences of the paragraph that speak of "the contract"
    j = i + 1
    while j < len(doc.sentences) and j <= i + 2:
        nxt = doc.sentences[j]
        if doc.text.count("\n\n", s.end, nxt.start) > 1 or not re.search(
            r"\bthe contract\b", nxt.text, re.I
        ):
            break
        if doc.inside[j] and any(not is_group(m) for m in doc.inside[j]):
            break
        why += [f"{w} in the next sentence" for w in _contract_values(doc, nxt, record)]
        spans.append(sentence_span(nxt))
        j += 1
    return [make_candidate(doc, record, spans, 0.55, "; ".join(why))]


_FUND_STATUS = [
    (re.compile(r"\b(secured|securing)\b", re.I), "secured"),
    (re.compile(r"\b(allocated)\b", re.I), "allocated"),
    (re.compile(r"\b(commitment|committed)\b", re.I), "committed"),
    (re.compile(r"\b(applied for|applying for|bid(?:ding)? for)\b", re.I), "applied-for"),
    (re.compile(r"\b(approved)\b", re.I), "approved"),
]

_FUND_CUE = re.compile(
    r"\b(fund(?:s|ing|ed)?|secured|allocated|commitment|committed|invest(?:ment)?|totalling|grant)\b",
    re.I,
)

_GAP = re.compile(r"\b(gap|shortfall|deficit)\b", re.I)


def _nearest_status(text: str, begin: int, end: int, at: int) -> tuple[str, str] | None:
    """The funding status word between ``begin`` and ``end`` nearest to the amount at ``at``."""
    found = [
        (abs(begin + m.start() - at), begin + m.start(), key, m[1])
        for pat, key in _FUND_STATUS
        for m in pat.finditer(text[begin:end])
    ]
    return (min(found)[2], min(found)[3]) if found else None


_IS_A_BODY = re.compile(
    r"^(?:[-•*]\s*)?([A-Z][\w-]*(?:\s+[\w-]+){0,3}?)\s+is\s+an?\s+(workstream|work-stream|programme|"
    r"project|partnership)\b"
)

_FUNDED_TO_RUN = re.compile(
    r"\bfunding\b[^.;]*?\bto\s+(?:\w+\s+){1,2}the\s+((?:[\w-]+\s+){0,4}?(?:work\s+programme|"
    r"workstream|project))\b",
    re.I,
)


def _funded_body(doc: DocumentView, s: Sentence) -> tuple[Mention, Candidate] | None:
    """Who funding without an amount goes to, where the sentence says: a body it defines
    ("Social prescribing is a workstream ... has received transformation funding") or
    runs ("funding has been secured to programme manage the mental health work
    programme"), or a mention there. The body is proposed as a new entity."""
    named = _IS_A_BODY.match(s.text)
    run = _FUNDED_TO_RUN.search(s.text)
    if named:
        words, head, at = named[1], named[2], s.start + named.start(1)
    elif run:
        words, head, at = run[1], run[1].split()[-1], s.start + run.start(1)
    else:
        return None
    kind = BODY_HEADS.get(head.casefold(), "workstream")
    for m in doc.inside[doc.sentences.index(s)]:
        if m.start == at and m.text == words:
            body = m
            break
    else:
        body = Mention(at, at + len(words), words, "new-body", kind=kind, why="phrase")
    record = {"key": mention_ref(body), "kind": kind, "name": words}
    why = f"the body the funding is for, as the sentence names it: '{words}'"
    return body, make_candidate(doc, record, [(body.start, body.end)], 0.4, why, section="entities")


def _clause_end(words: str) -> str:
    """A purpose's words up to where the clause goes on ("... reconfiguration is currently
    being applied for" -> "... reconfiguration"; "... disorders and" -> "... disorders")."""
    words = re.split(r"\s+(?:is|are|was|were|has|have|had|will)\s+", words, maxsplit=1)[0]
    return re.sub(r"(?:\s+(?:and|as well as)|[\s,])+$", "", words.strip())


def funding(doc: DocumentView, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    if _CONTRACT.search(s.text) and re.search(r"\bcontract\b", s.text, re.I):
        return []
    amounts = amounts_in(s.text, s.start)
    out: list[Candidate] = []
    record: dict[str, Any]
    gap = _GAP.search(s.text)
    if gap:
        for a in amounts:
            record = {
                "type": "funding-gap",
                "label": s.text[max(0, a.start - s.start - 60) : a.end - s.start + 30].strip(),
                "amount": a.value,
                "currency": "GBP",
            }
            why = f"cue '{gap[1]}'; amount '{a.text}'"
            out.append(make_candidate(doc, record, [sentence_span(s)], 0.5, why))
        return out
    cue = _FUND_CUE.search(s.text)
    if not cue:
        return out
    if not amounts:
        if not re.search(r"\bfunding\b", s.text, re.I):
            return out
        status = next(((key, m[1]) for pat, key in _FUND_STATUS if (m := pat.search(s.text))), None)
        if status is None and not re.search(r"\breceived\b", s.text, re.I):
            return out
        record = {"type": "funding"}
        purpose = re.search(r"funding (?:to |for )([^.;]+)", s.text)
        if purpose:
            record["purpose"] = _clause_end(purpose[1])
        recipient = _funded_body(doc, s)
        if recipient is not None:
            record["recipient"] = [mention_ref(recipient[0])]
            out.append(recipient[1])
        if status:
            record["status"] = status[0]
        why = f"cue 'funding'{'; status word ' + repr(status[1]) if status else ''}"
        if recipient is not None:
            why += f"; recipient {named_as([recipient[0]])}"
        return [make_candidate(doc, record, [sentence_span(s)], 0.45, why), *out]
    for k, a in enumerate(amounts):
        # the clause of this amount: up to the next amount
        end = amounts[k + 1].start if k + 1 < len(amounts) else s.end
        begin = amounts[k - 1].end if k else s.start
        status = _nearest_status(doc.text, begin, end, a.start)
        record = {"type": "funding"}
        if a.per:
            record["rate"] = a.value
            record["currency"] = "GBP"
            record["per"] = a.per
            if re.search(r"head|person|capita|patient", a.per, re.I):
                record["per_unit_code"] = "IE"
        else:
            record["amount"] = a.value
            record["currency"] = "GBP"
        purpose = re.search(
            r"^[^£;.]*?\b(?:for|to|of)\s+([^£;]+?)(?:\s+as well as|\s+and\s+£|[.;]|$)",
            doc.text[a.end : end],
        )
        if purpose:
            record["purpose"] = _clause_end(purpose[1])
        if status:
            record["status"] = status[0]
        dates = [d for d in dates_in(s.text, s.start, doc.when) if d.value]
        last_year = re.search(r"\blast year\b", s.text, re.I)
        notes = [f"cue '{cue[1]}'; amount '{a.text}'"]
        if status:
            notes.append(f"status word '{status[1]}'")
        if dates:
            record["date"] = dates[0].value
            record["date_text"] = dates[0].text
            notes.append(f"date '{dates[0].text}'")
        elif last_year and doc.when.first.year == doc.when.last.year:
            record["date"] = str(doc.when.last.year - 1)
            record["date_text"] = last_year[0]
            notes.append(f"'{last_year[0]}': the year before the document's ({doc.when.last.year})")
        out.append(make_candidate(doc, record, [sentence_span(s)], 0.6, "; ".join(notes)))
    return out
