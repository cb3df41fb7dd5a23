"""A brand's receipt from a personal mailbox: callback phishing.

The callback lure ("telephone-oriented attack delivery") is an order confirmation, an invoice
or a subscription renewal of a brand the reader knows (Microsoft, Norton, McAfee, PayPal,
Geek Squad) for a sum the reader never paid, with a telephone number to call to cancel it:
the fraud happens on the call, so the message has no link and no file to judge. It is
written from a free-mail account, which no brand's billing system sends from. The shipped
model warns about these (0.9-0.99), not past the spam quarantine threshold. Of the
phishing_pot messages the cascade only warned about, 7 were such receipts from free-mail
accounts; of the 171 ham messages it warned about, none (two list posts from Yahoo! accounts
name Yahoo!, their own provider's footer, which does not count).

Late (``Cascade.late_hit``): it runs only on a model warning nothing else corroborates, never
acts alone, is not a model input, and reads the brand table's regex over the opening of the
message only then. A first contact only: a colleague forwarding an invoice from a private
account is no stranger.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, LateRule, hit
from detectors.rules.brand import brand_in_text, is_brand_domain
from schemas.records import Hit

READ_CHARS: Final = 1_500
"""Characters of the text read: a receipt names the brand and the sum at the top."""
_BILLING: Final = re.compile(r"\b(your order|order confirmation|order (?:no|number|#)|invoice|"
                             r"receipt|subscription|renewal|renewed|purchase|transaction|"
                             r"billing|payment|charged|fatura|factura)\b", re.IGNORECASE)
_QUOTED: Final = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
"""A quoted line of a reply: another person's words, and their mail provider's footer."""


class BrandReceipt(LateRule):
    """A stranger's free-mail message billing the reader in a brand's name."""

    name: ClassVar[str] = "brand_receipt"

    def detect(self, ctx: Context) -> list[Hit]:
        if not ctx.inbound or not ctx.first_contact or not ctx.content.sender_freemail:
            return []
        record = ctx.record
        opening = f"{record.subject}\n{_QUOTED.sub('', record.text[:READ_CHARS])}"
        billing = _BILLING.search(opening)
        if billing is None:
            return []
        domain = ctx.facts.sender_domain
        # The provider's own name is its footer ("Do You Yahoo!?"), not a claim.
        brand = brand_in_text(opening, lambda b: not is_brand_domain(b, domain))
        if brand is None:
            return []
        return [hit(self.name, self.score, "scam", brand=brand,
                    billing=billing.group(1).lower(), sender_domain=domain,
                    reason="a brand's billing notice from a free-mail account")]
