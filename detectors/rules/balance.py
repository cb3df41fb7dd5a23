"""A stranger's free-mail message announcing money credited to the reader: a fake balance.

"Your balance has been replenished +29,738$", "You have 24 hours to withdraw +17,794$",
"Accounts with a balance of +11,765$ will be blocked!": the fake-balance kit writes a signed
sum (the way a statement shows a credit) from a free-mail account, under a subject that is
some person's name, beside a shared-drive link or a PDF, and pads the rest with sentences
from novels so that no content filter reads a lure. The content model gives them 0.0-0.2.
What a reader is meant to do is withdraw the sum, which costs a "fee".

A signed sum in the opening of a first contact from a free-mail account is the sign: no bank,
exchange or payment service writes statements from Gmail, and people writing from their own
mailbox do not put a plus before an amount they mention. In the corpus replay 22 phishing_pot
messages from free-mail strangers had one (10 of them not held before this rule); every ham
message with one came from a colleague (Enron's accounting: "an offsetting +$1530", "amount
=+$12,896"), which a first contact excludes. Decisive (``combine.decisive``); not a model input
(``layout.DETECTORS``).
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, InboundRule, hit
from schemas.records import Hit

READ_CHARS: Final = 1_000
"""Characters of the text read: the sum is the kit's first line."""
_SIGNED_SUM: Final = re.compile(
    r"(?<![\w.,+])\+[ \t]?(?:(?:US)?\$[ \t]?\d{1,3}(?:[.,]?\d{3})+|"
    r"\d{1,3}(?:[.,]?\d{3})+(?:[.,]\d{2})?[ \t]?(?:\$|USD|€|EUR|£))")
"""A credit of at least a thousand: "+17,794$", "+28728$", "+11.443$", "+$4,811", "+ 2.500 €"."""


class BalanceLure(InboundRule):
    """A first contact from a free-mail account whose opening credits the reader a sum."""

    name: ClassVar[str] = "balance_lure"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.content.sender_freemail or not ctx.first_contact:
            return []
        record = ctx.record
        subject, text = record.subject, record.text
        found = ("+" in subject and _SIGNED_SUM.search(subject)) or (
            text.find("+", 0, READ_CHARS) >= 0 and _SIGNED_SUM.search(text, 0, READ_CHARS))
        if not found:
            return []
        return [hit(self.name, self.score, "scam",
                    sum=found.group(0), reason="a free-mail stranger credits the reader a sum")]
