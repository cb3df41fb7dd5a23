"""Small builders of MailRecords for tests that state their input explicitly."""

from __future__ import annotations

import hashlib
import random
from itertools import count

from schemas import Address, AuthResults, MailRecord, Url

_ids = count()
T0 = 1_767_600_000.0  # 2026-01-05, a Monday


def mail(sender: str = "alice@partner.com", to: tuple[str, ...] = ("bob@acme.com",), *,
         name: str = "", tenant: str = "acme", direction: str = "inbound", t: float = T0,
         subject: str = "hello", text: str = "Hi Bob, see you tomorrow.", urls: tuple[str, ...]
         = (), reply_to: str = "", message_id: str | None = None, in_reply_to: str = "",
         client_ip: str = "", auth: tuple[str, str, str] = ("", "", "")) -> MailRecord:
    """One message with only the fields a test cares about."""
    return MailRecord(
        message_id=message_id or f"<m{next(_ids)}@test>",
        tenant_id=tenant, direction=direction, received_at=t,  # type: ignore[arg-type]
        sender=Address(sender, name), to=tuple(Address(a) for a in to),
        reply_to=(Address(reply_to),) if reply_to else (), subject=subject, text=text,
        urls=tuple(Url(u) for u in urls), in_reply_to=in_reply_to, client_ip=client_ip,
        auth=AuthResults(*auth),
    )


def org_traffic(n: int, *, tenants: int = 3, seed: int = 1) -> list[MailRecord]:
    """``n`` messages of a few small organisations: internal mail, partners, replies."""
    rng = random.Random(seed)
    out = []
    people = {f"t{i}": [f"user{j}@t{i}.example" for j in range(12)] for i in range(tenants)}
    partners = [f"p{j}@partner{j % 5}.example" for j in range(20)]
    for k in range(n):
        tenant = f"t{rng.randrange(tenants)}"
        staff = people[tenant]
        t = T0 + k * 37.0
        if rng.random() < 0.5:
            sender, direction = rng.choice(staff), "internal"
            to = tuple(rng.sample(staff, rng.randint(1, 3)))
        elif rng.random() < 0.7:
            sender, direction = rng.choice(partners), "inbound"
            to = (rng.choice(staff),)
        else:
            sender, direction = rng.choice(staff), "outbound"
            to = (rng.choice(partners),)
        digest = hashlib.sha1(f"{seed}-{k}".encode()).hexdigest()[:12]
        out.append(mail(sender, to, tenant=tenant, direction=direction, t=t,
                        name=sender.split("@")[0].title() + " Example",
                        message_id=f"<{digest}@{tenant}>", subject=f"note {k}",
                        text=f"message number {k} about the project plan and schedule"))
    return out
