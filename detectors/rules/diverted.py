"""A stranger's words whose replies go to a free-mail account not its own: a diverted reply.

The advance-fee letter, the "lucrative proposal" and the "did you get my first email?" probe
are written from a mailbox their authors took over (a school, a small firm, a ministry) and
set Reply-To on a free-mail account they read: the borrowed mailbox only carries the words,
no link and no file. The model warns about many of them (0.8-1.0) without passing the spam
quarantine threshold, and with fewer than three of ``advance_fee``'s phrases ("I have a very
lucrative deal to discuss with you. Get back so I can proceed") that rule says nothing.

In the corpus replay, first contacts from a company domain with Reply-To on a free-mail
provider are 324 phishing_pot messages and 32 SpamAssassin spam, and of ham only list posts
(the watchdog list's B4 relay, whose posts carry ``List-Id``): none that is not list mail.
The same holds of a free-mail account whose replies go to another free-mail address (the
sending account is the disposable one, banned for what it sends): 55 phishing_pot and 50
SpamAssassin spam, and of ham only posts of lists (MSN Groups' replies to the group) and
spam sent to the watchdog list (December 2026: +1 phishing_pot, +1 SpamAssassin spam; the
rest the model does not warn about, or held already). That shape is now held in tier 2 by
``free_mail_relay`` (decisive, ``detectors/rules/relay.py``) before this rule runs; this
branch stays for a tenant that switches that rule off.
A web form's notification ("wordpress@site" with the visitor's Gmail in Reply-To) or a job
board's applicant mail has that shape too, which is why this only corroborates: late
(``Cascade.late_hit``), on a model warning nothing else corroborates, with nothing in the
message but text, never on list mail, and not a model input.
"""

from __future__ import annotations

from typing import ClassVar

from detectors.base import Context, LateRule, content_attack, hit, list_mail
from detectors.domains import is_freemail
from schemas.records import Hit


class DivertedReply(LateRule):
    """A first contact, words only, its replies going to a free mailbox other than its own."""

    name: ClassVar[str] = "diverted_reply"

    def detect(self, ctx: Context) -> list[Hit]:
        content = ctx.content
        replies = content.reply_to_domains
        if not ctx.inbound or not replies or not ctx.first_contact:
            return []
        record = ctx.record
        reply = replies[0]
        if content.sender_freemail:
            # One free mailbox writes, another reads the replies: the sending account is
            # the disposable one, banned by its provider for the mail it sends.
            if not record.reply_to or record.reply_to[0].address.lower() == \
                    record.sender.address.lower():
                return []
        elif reply == ctx.facts.sender_domain:
            return []
        if not is_freemail(reply) or record.urls or record.attachments or list_mail(record):
            return []
        return [hit(self.name, self.score, content_attack(ctx), reply_domain=reply,
                    sender_domain=ctx.facts.sender_domain,
                    reason="a company-domain stranger's replies go to a free-mail account")]
