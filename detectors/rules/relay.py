"""One free mailbox writes to a stranger, another one reads the replies: a disposable sender.

The advance-fee letter ("My Donation €4,000,000", "Please confirm the receipt of this e-mail
for a lucrative business venture"), the "I've sent you a message before but you haven't
replied" probe and the fake supplier are sent from a free-mail account made for the run,
which its provider bans for what it sends, and name another free-mail address in Reply-To,
the one their author keeps. ``diverted_reply`` says so beside a model's warning; the model,
trained on 2002's spam, does not warn about most of them (a letter in Portuguese, two lines
of "Bom dia, posso falar com você?").

In the corpus replay it fires on 53 phishing_pot messages (11 not held before) and 43
SpamAssassin spam; of the 25,226 ham, on 4 MSN Groups posts (their replies go to the group,
which ``list_mail`` does not recognise; held already). The watchdog list's 419 letters of
that shape carry list headers. A person who sends from one mailbox and reads another writes so to
people they know: only a first contact is read, never list mail, and a Reply-To on the
sender's own address (any case) is no diversion. Decisive (``combine.decisive``); not a
model input, and learning-neutral (``cascade._LEARNING_NEUTRAL``): it fires on SpamAssassin
spam of the training replay, and keeping those senders out of the state's baseline would
change what the shipped model is trained on.
"""

from __future__ import annotations

from typing import ClassVar

from detectors.base import Context, InboundRule, content_attack, hit, list_mail
from detectors.domains import is_freemail
from schemas.records import Hit


class FreeMailRelay(InboundRule):
    """A first contact from a free mailbox whose replies go to another free mailbox."""

    name: ClassVar[str] = "free_mail_relay"

    def detect(self, ctx: Context) -> list[Hit]:
        content = ctx.content
        if not content.sender_freemail or not content.reply_to_domains or not ctx.inbound \
                or not ctx.first_contact:
            return []
        record = ctx.record
        reply = record.reply_to[0].address.lower()
        if reply == record.sender.address.lower() or not is_freemail(
                content.reply_to_domains[0]) or list_mail(record):
            return []
        return [hit(self.name, self.score, content_attack(ctx),
                    reply_domain=content.reply_to_domains[0],
                    sender_domain=ctx.facts.sender_domain,
                    reason="one free mailbox writes to a stranger, another reads the replies")]
