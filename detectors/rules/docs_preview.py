"""A stranger's link to a Google Docs or Drive file rendered for anyone: ``…/d/<id>/preview``.

People share a Google file with its sharing link (``…/edit?usp=sharing``, ``…/view``), which
opens the file in Google's editor or viewer behind its sign-in and sharing checks. The
``/preview`` form is the bare rendering Google serves for embedding a file in a page: no
toolbar, no owner, no report-abuse button, nothing asked of the reader. Kits use it as free,
reputable hosting for the lure itself: a Google Drawing that is one big picture of a
"withdrawal error" or a "coin transfer" whose only link goes to the kit, a PDF "notification"
rendered in place. Google's own domains pass every link reputation check.

So an inbound first contact, not list mail, with such a link is held. Measured on the corpus
replay (December 2026): 19 phishing_pot messages carry one (9 not held before: bare
``drive.google.com/file/d/…/preview`` links from free-mail accounts, Drawings under pages of
hash-busting text); no ham of the 25,226 links to Google Docs or Drive at all, so the corpora
cannot show a legitimate stranger's preview link. That is why list mail is left alone (a
school's or a club's newsletter may link a flyer's preview) and a correspondent's mail is not
read. The synthetic organisations share with ``/edit?usp=sharing`` links, as people do.
Decisive (``combine.decisive``); not a model input (``layout.DETECTORS``).
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from detectors.base import Context, InboundRule, content_attack, hit, list_mail
from schemas.records import Hit

_PREVIEW: Final = re.compile(
    r"https?://(?:docs|drive)\.google\.com/([a-z]+)/(?:[a-z]+/)*d/[\w-]{20,}/preview"
    r"(?:[?#/]|$)",
    re.IGNORECASE)
"""A Docs (document, drawings, presentation, spreadsheets) or Drive (``file``) preview link."""


class DocsPreview(InboundRule):
    """A first contact linking a Google file's bare preview rendering, not list mail."""

    name: ClassVar[str] = "docs_preview"

    def detect(self, ctx: Context) -> list[Hit]:
        # Google's registrable domain among the links' first (one look in a short tuple: the
        # first 32 link domains, ``UrlRisk.domains``), then "/preview" (a substring test;
        # Google's paths are case-sensitive, so the kit writes it so too), and only then the
        # pattern (~0.3 µs a link)
        if "google.com" not in ctx.content.urls.domains or not ctx.inbound \
                or not ctx.first_contact:
            return []
        record = ctx.record
        found = next((m for u in record.urls
                      if "/preview" in u.url and (m := _PREVIEW.match(u.url))), None)
        if found is None or list_mail(record):
            return []
        return [hit(self.name, self.score, content_attack(ctx),
                    kind=found.group(1).lower(),  # "drawings", "file", "presentation", …
                    reason="a stranger's link to a Google file rendered for anyone")]
