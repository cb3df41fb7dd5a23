"""A stranger offering what no business sells by mail: explicit sex, stolen access.

Dating and "adult" spam solicits in slang no business letter, newsletter or clinic writes
("Je krijgt naaktfoto's te zien", "Ik wil dat je me neukt", "horny MILFs near you"); the
carding market lists its wares ("Cpanels - Shells - SSH/WHM - RDPs / Smtps - Mailers -
Webmails"). The content model was trained on English mail of 2002 and reads neither the
Dutch and German kits nor the shops' lists: in the corpus replay it let 12 phishing_pot
messages through (Dutch dating kits under rotating women's names from a tool shop's address,
two "black market" price lists among them).

The words are two categories of the lexicon (``detectors.lexicon``), read in the subject and
the text by the batch scan that finds every cue, so the rule costs two field reads:
``explicit`` (English, Dutch, German, Portuguese, Spanish, French slang; clinical words such
as "erectile" and ordinary ones such as "dating" are not in it), one of which is enough, and
``stolen_access`` (cPanels, SMTPs, RDPs, shells, WHM, fullz…), three of which are: one alone
is a sysadmin's word or a shotgun's. The ambiguous wares of the same trades ("porn",
"casino", "viagra") are ``vice_topic``'s, which only corroborates a model warning.

A first contact only (a partner's joke is theirs), and not a discussion list's relay of a
member's post: lists argue about anything, in any words (the one corpus ham with such a word
is a list thread, "Selling Wedded Bliss"). A relay is told by its ``List-Id`` (RFC 2919: a
dotted identifier under the list's domain) naming a domain that is not the sender's; a bulk
sender's own list ("zt787h7p2q97a <Complete_OPN>", no domain) is not one. Measured on the
corpus replay (December 2026): +12 phishing_pot, no ham of the 25,226 (1 without the list
exemption), the synthetic organisations' verdicts unchanged. Decisive
(``combine.decisive``), as spam; not a model input.

The category's newsworthy words ("nude photos", "naaktfoto's", "Nacktbilder", "sexting")
would hold a news outlet's first newsletter to a recipient that reports such a leak (a held
message teaches no relationship, so its later issues stay first contacts too). The Dutch
kits need "naaktfoto" (9 of the 12); if the risk shows, those words belong in
``vice_topic``, which only corroborates a model warning.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, InboundRule, hit
from schemas.records import Hit, MailRecord

MIN_WARES: Final = 3
"""Distinct stolen-access wares that make a price list (one is a sysadmin's word)."""
_LIST_ID: Final = re.compile(r"<([^<>\s]+\.[^<>\s]+)>")
"""The dotted identifier of an RFC 2919 ``List-Id`` ("Friends of Rohit Khare <fork.xent.com>")."""


def _relayed_by_list(record: MailRecord, sender_domain: str) -> bool:
    """Whether a discussion list relays the message: its List-Id names another domain."""
    found = _LIST_ID.search(record.headers.get("list-id", "")[:256])
    if found is None:
        return False
    list_id = found.group(1).lower()
    return not (list_id == sender_domain or list_id.endswith("." + sender_domain))


class IllicitOffer(InboundRule):
    """A first contact soliciting in explicit sexual slang or listing stolen access for sale."""

    name: ClassVar[str] = "illicit_offer"

    def detect(self, ctx: Context) -> list[Hit]:
        cues = ctx.content.cues
        if cues.explicit:
            trade, category = "sex", "explicit"
        elif cues.stolen_access >= MIN_WARES:
            trade, category = "stolen_access", "stolen_access"
        else:
            return []
        if not ctx.inbound or not ctx.first_contact or \
                _relayed_by_list(ctx.record, ctx.facts.sender_domain):
            return []
        return [hit(self.name, self.score, "spam", trade=trade,
                    example=cues.phrases.get(category, ""),
                    reason="a stranger offering what no business sells by mail")]
