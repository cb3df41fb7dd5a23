"""Micro-benchmark of the detector building blocks: µs per call on realistic inputs.

Run: ``.venv/bin/python bench/micro_detectors.py [--number N]``. Prints the best and the
median of several repeats (the best is the cost, the median shows the machine's noise).
"Cold" rows give the per-call cost on inputs never seen before (the memo caches miss);
"warm" rows repeat one input, as a mail stream mostly does. No assertions on time.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import string
import timeit
from collections.abc import Callable

from detectors.attachments import assess_attachments
from detectors.domains import is_freemail, lookalike, registrable_domain, url_host
from detectors.lexicon import scan_text, scan_texts
from detectors.names import address_in_display_name, looks_like_person, name_key
from detectors.urls import assess_urls
from schemas.records import Attachment, Url

PARAGRAPHS = [
    "Thanks for joining the quarterly planning meeting yesterday. As discussed, we will move "
    "the project kickoff to next Tuesday so that the design review can finish first. Please "
    "update the shared roadmap with your estimates before Friday.",
    "The finance group asked that all vendor invoices for October be submitted through the "
    "portal by the 15th. If you have questions about the new purchase workflow, Maria’s FAQ "
    "is on the intranet.",
    "Regarding the customer escalation from last week, we shipped the fix in release 4.2.1 "
    "and the client confirmed that the reports are generating correctly again — great work.",
    "Finally, the summer party survey is still open; only half of you have answered. It takes "
    "two minutes and helps us choose a venue that works for families too.",
    "Best regards,\nJonathan Miller\nHead of Operations · Acme Industries GmbH",
]
BEC_OPENING = (
    "Hi Sarah, are you available? I need you to process a wire transfer today, it is urgent. "
    "We changed our bank details due to an audit, please use the new account below. Keep "
    "this between us until the deal is announced, I'm in a meeting and can't talk.\n\n"
)


def body(chars: int, opening: str = "") -> str:
    text = opening
    for paragraph in itertools.cycle(PARAGRAPHS):
        if len(text) >= chars:
            break
        text += paragraph + "\n\n"
    return text[:chars]


def random_domain(rng: random.Random) -> str:
    name = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 14)))
    return name + rng.choice([".com", ".net", ".de", ".co.uk", ".io"])


def measure(label: str, fn: Callable[[], object], number: int) -> None:
    runs = [timeit.timeit(fn, number=number) / number * 1e6 for _ in range(7)]
    print(f"{label:<58} {min(runs):8.2f} µs   (median {statistics.median(runs):7.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--number", type=int, default=2000, help="calls per repeat")
    n = parser.parse_args().number
    rng = random.Random(7)

    # --------------------------------------------------------------- lexicon
    ham_3k, ham_15 = body(3000), body(1500)
    bec_3k = body(3000, BEC_OPENING)
    ascii_3k = ham_3k.encode("ascii", "ignore").decode()
    print("lexicon.scan_text")
    measure("  ham 3 KB (non-ASCII)", lambda: scan_text("Planning update", ham_3k), n)
    measure("  ham 3 KB (ASCII)", lambda: scan_text("Planning update", ascii_3k), n)
    measure("  ham 1.5 KB (~250 words)", lambda: scan_text("Planning update", ham_15), n)
    measure("  BEC 3 KB (14 phrases match)", lambda: scan_text("Urgent request", bec_3k), n)
    measure("  empty", lambda: scan_text("", ""), n * 10)
    # The cascade's path: one vectorised call per batch; reported per message.
    batch = [("Planning update", ham_3k), ("Planning update", ascii_3k),
             ("Planning update", ham_15), ("Urgent request", bec_3k)] * 64
    per_batch = max(1, n // 50)
    print(f"lexicon.scan_texts, batch of {len(batch)} (µs per message)")
    runs = [timeit.timeit(lambda: scan_texts(batch), number=per_batch) / per_batch
            / len(batch) * 1e6 for _ in range(7)]
    print(f"  {'mixed 1.5-3 KB messages':<56} {min(runs):8.2f} µs   "
          f"(median {statistics.median(runs):7.2f})")

    # --------------------------------------------------------------- domains
    candidates = frozenset(
        {random_domain(rng) for _ in range(500)}
        | {"paypal.com", "microsoft.com", "acme.com", "gmail.com", "wellsfargo.com"})
    lookalike("warm-up.com", candidates)  # builds the candidate index once
    fresh = iter([random_domain(rng) for _ in range(n * 8)])
    fresh_warm_reg = [random_domain(rng) for _ in range(n * 8)]
    for d in fresh_warm_reg:
        registrable_domain(d)
    fresh_reg = iter(fresh_warm_reg)
    hosts = iter([f"mail{i}.{random_domain(rng)}" for i in range(n * 8)])
    print("domains")
    measure("  registrable_domain warm", lambda: registrable_domain("mail.acme.co.uk"), n * 10)
    measure("  registrable_domain cold (tldextract)", lambda: registrable_domain(next(hosts)), n)
    measure("  is_freemail", lambda: is_freemail("gmail.com"), n * 10)
    measure("  url_host", lambda: url_host(
        "https://login.microsoftonline.com.evil.net/common/oauth2?client=1"), n * 10)
    measure("  lookalike warm (500 candidates)", lambda: lookalike("paypa1.com", candidates),
            n * 10)
    measure("  lookalike cold domain, 500 candidates", lambda: lookalike(next(fresh_reg),
                                                                          candidates), n)
    measure("  lookalike cold domain + cold registrable", lambda: lookalike(next(fresh),
                                                                             candidates), n)
    measure("  lookalike single-target set (rules/lookalike.py)",
            lambda: lookalike("paypa1.com", frozenset(("paypal.com",))), n * 10)

    # --------------------------------------------------------------- names
    cold_names = iter([f"Jose Núñez{i}" for i in range(n * 8)])
    print("names")
    measure("  name_key warm", lambda: name_key("SMITH, Róbert"), n * 10)
    measure("  name_key cold (non-ASCII)", lambda: name_key(next(cold_names)), n)
    measure("  looks_like_person warm", lambda: looks_like_person("Jane Doe"), n * 10)
    measure("  address_in_display_name (no @)",
            lambda: address_in_display_name("Jane Doe", "jane@acme.com"), n * 10)
    measure("  address_in_display_name (spoof)",
            lambda: address_in_display_name("ceo@acme.com", "x93@gmail.com"), n * 10)

    # --------------------------------------------------------------- urls
    links = [
        Url("https://www.acme.com/news/2024/q3", "Read the news"),
        Url("https://click.list-manage.com/track/click?u=1&id=2", "www.acme.com"),
        Url("https://partner.example.com/reports/q3.pdf?utm_campaign=update"),
        Url("https://www.linkedin.com/company/acme"),
        Url("https://evil-login.web.app/office365/signin.php", "https://portal.acme.com"),
    ]
    print("urls")
    measure("  assess_urls 5 links (warm hosts)", lambda: assess_urls(links, "acme.com"), n)
    cold_links = iter([[Url(f"https://{random_domain(rng)}/account/login")] * 5
                       for _ in range(n * 8)])
    measure("  assess_urls 5 links, one new host", lambda: assess_urls(next(cold_links),
                                                                         "acme.com"), n)
    measure("  assess_urls none", lambda: assess_urls((), "acme.com"), n * 10)

    # --------------------------------------------------------------- attachments
    attachments = [Attachment("invoice.pdf", "application/pdf", 120_000),
                   Attachment("image001.png", "image/png", 4_000)]
    lure = [Attachment("Invoice_0042.pdf.exe", "application/octet-stream", 90_000)]
    print("attachments")
    measure("  assess_attachments 2 benign", lambda: assess_attachments(attachments), n * 5)
    measure("  assess_attachments double extension", lambda: assess_attachments(lure), n * 5)
    measure("  assess_attachments none", lambda: assess_attachments(()), n * 10)


if __name__ == "__main__":
    main()
