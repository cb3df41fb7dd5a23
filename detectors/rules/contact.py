"""A stranger asking, in its own words, to be written to at another free-mail mailbox.

Romance scams ("I am going to send You my photos, e-mail me at alice…@gmail.com") and
advance-fee letters ("contact the law firm at the below email address: …@gmail.com") are sent
through accounts their authors do not read, a compromised small business's mailbox or a
throwaway address, and name the mailbox the conversation is to go on in: a free-mail account,
not the sender's own. It is ``reply_to_divergence`` written into the text, where the header
checks cannot see it, and the content model reads these short personal letters as ham
(0.0-0.2). In the corpus replay 34 phishing_pot messages the cascade did not hold (25 of them
carried by an empty forward) asked for replies that way, 42 held ones did too; of the 25,226
ham messages, the only ones with such a request were from known correspondents (an Enron
colleague's new private address) or list mail.

So it fires on a first contact only (no recipient has exchanged mail with the sender: a
correspondent giving a private address is ordinary), never on list mail (``List-Id``,
``List-Unsubscribe``, ``Precedence: bulk``: a mailing-list post or newsletter names the
addresses of its own business), and reads the sender's own words: the text above a quoted
reply or a forwarded message, quoted lines left out, header lines ("To:", "Cc:") and links
skipped. The address must be on a free-mail domain, be neither the sender's nor its Reply-To
(``reply_to_divergence`` judges that) nor a recipient's, and follow a request to write:
"e-mail me at", "write to:", "reply me to", "Email:", "my e-mail for response" (a few
connecting words allowed between, nothing else), not "this email was sent to" or "your email
address". Decisive (``combine.decisive``): a first contact that moves its reply to a mailbox
its sender does not write from is the scam's mechanism, whatever its story. Not a model
input (``layout.DETECTORS``).
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, InboundRule, hit, list_mail
from detectors.domains import FREEMAIL_DOMAINS, is_freemail
from detectors.forward import own_words
from schemas.records import Hit, MailRecord

READ_CHARS: Final = 3_000
"""Characters of the text read: the request comes at the top or just under a short letter."""
MAX_CANDIDATES: Final = 16
"""Free-mail addresses read at most: a letter's request comes among its first, and a crafted
text full of them costs a bounded time (~0.2 ms)."""
WINDOW: Final = 60
"""Characters before an address in which the request to write must end."""
_LOCAL: Final = re.compile(r"(?<![\w.%+/=?-])[\w.+-]{1,64}$")
"""An address's local part ending at its "@", in running text: not one inside a link's query
("…?to=a%40b.com", "%20a@b")."""
_LOCAL_MAX: Final = 64
_AT_DOMAIN: Final = re.compile(r"@((?:[\w-]{1,63}\.){1,4}[a-z]{2,24})\b", re.IGNORECASE)
"""An "@" and the domain after it."""
_REQUEST: Final = re.compile(
    r"\b(?:e-?mail|write|reply|respond|response|contact|reach|get back|send|escreva|envie|"
    r"responda|contato|contacte)\b(?:[ \t\n]+(?:me|us|to|at|on|via|through|back|directly|now|here|"
    r"for|response|reply|box|address|is|it|it's|the|below|this|mail|a|an|message))*"
    r"[ \t\n]*[:\-]?[ \t\n]*[(<\[]?[ \t\n]*$", re.IGNORECASE)
"""A request to write ending right before the address, connecting words allowed between."""
_YOURS: Final = re.compile(r"\byour[ \t\n]*$", re.IGNORECASE)
""""Your email address: …" names the reader's mailbox, not one to write to."""
_HEADER_LINE: Final = re.compile(r"^[ \t]*\*?(?:to|cc|bcc|from|para|de|an|von|à|a|sent|"
                                 r"enviado|date|data)[ \t]*:", re.IGNORECASE)


class ContactElsewhere(InboundRule):
    """A first contact asking to be written to at a free-mail mailbox it does not send from."""

    name: ClassVar[str] = "contact_elsewhere"

    def detect(self, ctx: Context) -> list[Hit]:
        record = ctx.record
        text = record.text
        if not ctx.inbound or not ctx.first_contact or text.find("@", 0, READ_CHARS) < 0 \
                or list_mail(record):
            return []
        found = _requested_mailbox(text[:READ_CHARS], record)
        if found is None:
            return []
        domain, request = found
        return [hit(self.name, self.score, "scam",
                    mailbox_domain=domain, request=request,
                    sender_domain=ctx.facts.sender_domain,
                    reason="a stranger asks for replies to another free-mail mailbox")]


def _requested_mailbox(text: str, record: MailRecord) -> tuple[str, str] | None:
    """The free-mail domain a request to write in ``text`` points at, and the request.

    The first such address in the sender's own words (``own_words``) that is not
    ``record``'s sender's, its Reply-To's nor a recipient's, nor on a header line; None if
    there is none. Addresses are found from an "@" and the domain after it, and the few on a
    free-mail domain read further (a pattern for whole addresses run over the text cost ~45
    µs a message); the own words are read only once an address passes the rest (~40 µs), and
    once a message.
    """
    own: str | None = None
    candidates = 0
    for domain_match in _AT_DOMAIN.finditer(text):
        domain = domain_match.group(1).lower()
        if not _maybe_free_mail(domain):
            continue
        candidates += 1
        if candidates > MAX_CANDIDATES:
            break
        at = domain_match.start()
        local = _LOCAL.search(text, max(at - _LOCAL_MAX, 0), at)
        if local is None or not is_freemail(domain):
            continue
        start, end = local.start(), domain_match.end()
        address = text[start:end]
        if _named_in_headers(address.lower(), record):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        if _HEADER_LINE.match(text, line_start, start):
            continue
        window = text[max(start - WINDOW, 0):start]
        request = _REQUEST.search(window)
        if request is None or _YOURS.search(window, 0, request.start()):
            continue
        if own is None:
            own = own_words(text)  # once a message: a crafted text may hold many candidates
        if address not in own:
            continue  # quoted, or below a reply's or a forward's header: another's words
        return domain, " ".join(request.group(0).split())
    return None


def _maybe_free_mail(domain: str) -> bool:
    """A cheap first test of :func:`is_freemail` (a set probe each, no memo).

    The domain, or it without its first label, or its last two labels, is a provider's.
    """
    return (domain in FREEMAIL_DOMAINS or domain.partition(".")[2] in FREEMAIL_DOMAINS
            or ".".join(domain.rsplit(".", 2)[-2:]) in FREEMAIL_DOMAINS)


def _named_in_headers(address: str, record: MailRecord) -> bool:
    """Whether ``address`` (lower case) is the sender's, its Reply-To's or a recipient's."""
    return address == record.sender.address.lower() or any(
        address == a.address.lower() for a in (*record.reply_to, *record.to, *record.cc))
