"""A stranger's money story that asks for a reply to another mailbox: advance-fee fraud.

The "419" letter (an inheritance, a donation, a consignment, funds awaiting release, a
lucrative proposal) carries no link and no file: all it needs is a reply, and it wants that
reply in a mailbox its sender controls, so it is written from a free-mail account or names
another domain's address in Reply-To. The content model reads its words well enough to warn
(0.8-1.0) but not beyond the spam quarantine threshold, which solicited newsletters set. Of
the phishing_pot messages the cascade only warned about, 74 came from a free-mail account or
diverted replies; 24 of them told such a story (a scam phrase of the lexicon, or three of
:data:`PHRASES`) against none of the 171 ham messages the model warned about (the corpus
replay; among all 25,226 ham, 11 have both, none of them warned about).

So this rule says so beside the warning: it is late (``Cascade.late_hit``), runs only on a
message the model warns about that nothing else corroborates, never acts alone, and is not a
model input (it changes nothing the state learns or the models are trained on). Only a first
contact: a correspondent's mail about a real inheritance or a loan is the tenant's business.
Its phrases are the advance-fee vocabulary SpamAssassin's and Rspamd's rules are built on,
in English and Portuguese (the languages its kits were seen in); the lexicon's own scam
phrases (``detectors.lexicon``, "next of kin", "atm card") count as three.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, LateRule, hit
from schemas.records import Hit

PHRASES: Final = (
    "lucrative", "donated", "donation", "charity", "beneficiary", "inheritance", "next of kin",
    "bequest", "probate", "atm card", "consignment", "diplomat", "fund release", "your funds",
    "approved funds", "compensation", "unclaimed", "business proposal", "proposition", "loan",
    "barrister", "late husband", "deceased", "private email", "risk free", "risk-free",
    "urgent response", "urgent reply", "mutual benefit", "mutually beneficial", "investor",
    "investment", "confirm the receipt", "sent you an email", "sent you a message",
    "haven't replied", "have not replied", "million", "transaction", "funds",
    "your assistance",
    "beneficiário", "herança", "doação", "lucrativo", "empréstimo",
)
"""Advance-fee vocabulary: the money, the story and the plea for a reply."""
MIN_PHRASES: Final = 3
"""Distinct phrases of :data:`PHRASES` that make a story (one alone is any business letter)."""
READ_CHARS: Final = 3_000
"""Characters of the text read: the story is told at the top."""
_PHRASE: Final = re.compile(r"\b(" + "|".join(map(re.escape, PHRASES)) + r")\b")
_SPACES: Final = re.compile(r"\s+")
"""Line breaks and runs of spaces: a letter wrapped at 70 columns ("mutually\nbeneficial")
says its phrases all the same."""


class AdvanceFee(LateRule):
    """A first contact telling a money story, replies going to a mailbox of its choosing."""

    name: ClassVar[str] = "advance_fee"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.first_contact:
            return []
        content = ctx.content
        replies = content.reply_to_domains
        if content.sender_freemail:
            channel = "free_mail_sender"
        elif replies and replies[0] != ctx.facts.sender_domain:
            channel = "reply_to_elsewhere"
        else:
            return []
        record = ctx.record
        letter = _SPACES.sub(" ", f"{record.subject}\n{record.text[:READ_CHARS]}").lower()
        found = sorted(set(_PHRASE.findall(letter)))
        if not content.cues.scam and len(found) < MIN_PHRASES:
            return []
        return [hit(self.name, self.score, "scam",
                    channel=channel, phrases=found[:5],
                    scam_phrase=content.cues.phrases.get("scam", ""),
                    reason="a stranger's money story asking for a reply elsewhere")]
