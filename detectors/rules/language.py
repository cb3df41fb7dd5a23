"""A stranger writing in a language the tenant does not write in.

The content model reads the words of the languages it was trained on (English mail of
2001-2002 and synthetic organisations'), so it half-recognises a Portuguese billing lure or a
Dutch prize mail by its links and layout and warns at 0.8-0.99, below the spam quarantine
threshold that solicited newsletters set. Of the phishing_pot messages the cascade only
warned about, 174 were written in a language none of the tenant's own mail was (Portuguese
120, Dutch 35, Spanish 10, German 5), against 2 of the 25,226 ham messages of the corpus
replay (a Japanese support letter and a German fax-service advertisement, both first
contacts with links). This rule says so beside the warning: a stranger's message in a
language the tenant's people never write in (``TenantProfile.languages``, learned from
their own mail: ``detectors.language``) corroborates the model (``combine.corroborating``)
and turns its warning into a quarantine. It never acts alone, on no message the model calls
harmless, and a tenant that has written nothing yet (no language learned) gets no hit. The
hit names what the message's own content is (``content_attack``: credential phishing when it
asks for a sign-in, else scam, invoice fraud, malware or spam).

It is the cascade's late tier (``late``): language identification costs ~30 µs, so it runs
only on a message the model warns about that nothing else corroborates, not in the
heuristics tier for every message. Below ``SUSPICIOUS`` and not a model input, like every
late hit: it changes nothing the state learns or the models are trained on.

A multilingual tenant learns its languages from its own mail. One that expects mail in a
language it does not write yet (its new Spanish customers) declares it: ``mailhawk policy
language --tenant T --add es`` (a ``tenant_language`` directory entry, or for every tenant
with ``--all-tenants``, which only adds to a tenant's own languages: a tenant that has written
nothing still gets no hit); ``--remove`` takes a language back, declared or learned. One whose
mail arrives in languages it never writes (a translation agency's inbound orders) switches the
rule off in the scores file (``detectors.unfamiliar_language``).
"""

from __future__ import annotations

from typing import ClassVar

from detectors.base import Context, LateRule, content_attack, hit
from detectors.language import language_of
from schemas.records import Hit


class UnfamiliarLanguage(LateRule):
    """A first contact in a language none of the tenant's own mail is written in."""

    name: ClassVar[str] = "unfamiliar_language"

    def detect(self, ctx: Context) -> list[Hit]:
        known = ctx.state.tenant.languages
        if not known or not ctx.inbound or not ctx.first_contact:
            return []
        record = ctx.record
        language = language_of(record.subject, record.text, record.html)
        if not language or language in known or language in ctx.state.everyone.languages:
            return []
        return [hit(self.name, self.score, content_attack(ctx),
                    language=language, tenant_languages=",".join(known),
                    reason="a stranger writes in a language the tenant does not write in")]
