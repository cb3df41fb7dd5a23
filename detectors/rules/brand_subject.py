"""A stranger's subject naming a brand its domain is not: the lure's first line.

"Your amazon prime membership renewal was failed", "Thank You! Amazon Purchase Complete",
"Microsoft_unusual signin activity": the kit puts the brand in the subject, where the inbox
list shows it, and sends from whatever domain it has (`studiozp.com.mx`,
`diempresarialgt.com`). ``brand_impersonation`` reads the display name and the sender's
domain; the subject is the kit's other place. The model warns about these (0.8-1.0) without
passing the spam quarantine threshold.

In the corpus replay, of the first contacts the model only warned about, 5 phishing_pot
messages (3 direct, 2 carried by empty forwards) had a subject naming a brand of the brand
table that the sender's domain is not, and none of the 171 ham messages did. A subject that
names a brand is otherwise everyday mail (a retailer's "Apple week", a reseller's
"Microsoft 365 renewal"), which is why this only corroborates: late (``Cascade.late_hit``),
on a model warning nothing else corroborates, never alone, not a model input. The brand
table's pattern is read over the subject's first ``MAX_SUBJECT_CHARS`` only then.
"""

from __future__ import annotations

from typing import ClassVar

from detectors.base import MAX_SUBJECT_CHARS, Context, LateRule, content_attack, hit
from detectors.rules.brand import brand_in_text, is_brand_domain
from schemas.records import Hit


class BrandSubject(LateRule):
    """A first contact whose subject names a brand the sender's domain is not."""

    name: ClassVar[str] = "brand_subject"

    def detect(self, ctx: Context) -> list[Hit]:
        subject = ctx.record.subject
        if not subject or not ctx.inbound or not ctx.first_contact:
            return []
        domain = ctx.facts.sender_domain
        brand = brand_in_text(subject[:MAX_SUBJECT_CHARS], lambda b: not is_brand_domain(b, domain))
        if brand is None:
            return []
        return [hit(self.name, self.score, content_attack(ctx), brand=brand,
                    sender_domain=domain,
                    reason="a stranger's subject names a brand its domain is not")]
