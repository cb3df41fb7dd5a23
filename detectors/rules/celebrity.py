"""A famous business name on a stranger's mail: an endorsement or a donation nobody made.

"Eco Savings by Elon Musk", "Elon's Green Blueprint", "Musk Energy Solutions": the energy-saver
kits sell a gadget under the name of the man their readers believe; "MR. JEFFREY BEZOS" and
"Mr. Warren Buffett Billionaire investor" announce a donation that costs a fee to collect;
Musk giveaways double the crypto sent to them. The name in the sender column is the lure: it
is what makes a stranger's mail worth opening.

These people do not write to strangers from other people's domains. Their own mail comes from
their companies' ("Jeff Bezos <jeffb@amazon.com>", the letter Amazon's customers had in 2002,
is SpamAssassin ham), so the table below lists each name's domains, as ``brand.BRANDS`` does
for brands, and a first contact naming one from elsewhere, not list mail, is held. A
newsletter about them ("Musk Watch") carries list headers; a correspondent of the same name
is no first contact.

Names are read in the display name only, as ``brand`` reads it (lower case, accents folded,
every run of other characters one space): the subject and the text of news and newsletters
mention these people all the time. A surname is enough where it names one person ("Musk",
"Bezos", "Zuckerberg"); "Gates" and "Buffett" need the first name ("Jimmy Buffett" is a
singer with a fan club's newsletter). Measured on the corpus replay (December 2026, read from
both halves' misses): 28 phishing_pot display names name one of them, 8 not held before; of
ham only Amazon's letter, from its own domain. Decisive (``combine.decisive``); not a model
input (``layout.DETECTORS``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar, Final

from detectors.base import Context, InboundRule, hit, list_mail
from detectors.names import MAX_NAME_CHARS
from detectors.rules.brand import plain_text
from schemas.records import Hit

CELEBRITIES: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "elon musk": (r"musk|elon s", frozenset({
        "tesla.com", "spacex.com", "x.com", "twitter.com", "neuralink.com",
        "boringcompany.com", "x.ai"})),
    "jeff bezos": (r"bezos", frozenset({
        "amazon.com", "blueorigin.com", "bezosearthfund.org", "washingtonpost.com"})),
    "mark zuckerberg": (r"zuckerberg", frozenset({
        "meta.com", "fb.com", "facebook.com", "chanzuckerberg.com"})),
    "warren buffett": (r"warren buff?ett?", frozenset({"berkshirehathaway.com"})),
    "bill gates": (r"bill gates", frozenset({
        "gatesfoundation.org", "gatesnotes.com", "microsoft.com"})),
    "mackenzie scott": (r"mac?kenzie scott", frozenset({"yieldgiving.com"})),
}
"""Each name: the pattern that finds it in a display name read plain, and its domains."""
_NAMES: Final = re.compile("|".join(f"(?P<c{i}>\\b(?:{p})\\b)"
                                    for i, (p, _) in enumerate(CELEBRITIES.values())))
_BY_GROUP: Final = {f"c{i}": name for i, name in enumerate(CELEBRITIES)}


def celebrity_named(display_name: str) -> str | None:
    """The famous name a display name claims, if any."""
    # Bounded before the memo, as names are read (detectors.names.MAX_NAME_CHARS): a memo
    # keyed on whole names would keep 65,536 crafted long headers.
    return _celebrity_in(display_name[:MAX_NAME_CHARS])


@lru_cache(maxsize=65536)
def _celebrity_in(name: str) -> str | None:
    found = _NAMES.search(plain_text(name))
    return _BY_GROUP[found.lastgroup] if found is not None and found.lastgroup else None


class CelebritySender(InboundRule):
    """A first contact whose display name is a famous businessperson's, from elsewhere."""

    name: ClassVar[str] = "celebrity_sender"

    def detect(self, ctx: Context) -> list[Hit]:
        record = ctx.record
        name = record.sender.name
        if not name or not ctx.inbound:
            return []
        who = celebrity_named(name)  # memoised, so first: None for nearly every message
        if who is None or not ctx.first_contact:
            return []
        domain = ctx.facts.sender_domain
        if domain in CELEBRITIES[who][1] or list_mail(record):
            return []
        return [hit(self.name, self.score, "scam", named=who, sender_domain=domain,
                    reason="a famous name on a stranger's mail from a domain not theirs")]
