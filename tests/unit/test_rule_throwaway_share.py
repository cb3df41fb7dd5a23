"""A file shared by a throwaway address (``detectors/rules/share.py``)."""

from __future__ import annotations

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned

_NOTICE = ("Caine Washabaugh shared a presentation with you.\nOpen\n"
           "Google LLC, 1600 Amphitheatre Parkway, Mountain View, CA 94043, USA")


def _share(sharer: str, *, sender: str = "drive-shares-noreply@google.com", t: float = T0):
    return mail(sender, name="Caine Washabaugh (via Google Slides)", reply_to=sharer,
                subject="📈 You're Entitled to a Refund: Don't Let It Slip Away! ⏰",
                text=_NOTICE, urls=("https://docs.google.com/presentation/d/1x/edit",), t=t,
                auth=("pass", "pass", "pass"))


@pytest.mark.parametrize("sharer", ["lomontedignann53o@fdrdgqky.tewusi.makeup",
                                    "x@lnozdnnzl.zeqifeku.quest", "sg1h@yjbjgbjgald.kopy.mom",
                                    "x@Lnozdnnzl.Zeqifeku.QUEST."])
def test_a_share_notice_from_an_address_on_a_throwaway_tld_is_held_as_a_scam(sharer):
    d = warned(_share(sharer), probability=0.01)[0]
    h = hits_of(d)["throwaway_share"]
    assert h["attack_type"] == "scam" and h["tld"] == sharer.rstrip(".").lower().rpartition(".")[2]
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


@pytest.mark.parametrize("sharer", ["caine@acme-partners.com", "caine.w@gmail.com"])
def test_a_colleagues_or_customers_share_is_left_alone(sharer):
    assert "throwaway_share" not in hits_of(verdicts(_share(sharer))[0])


def test_a_sharer_whose_domain_the_tenant_writes_to_is_a_correspondent():
    asked = mail("bob@acme.com", ("ana@studio.quest",), direction="outbound")
    d = verdicts(asked, _share("ana@studio.quest", t=T0 + 60))[1]
    assert "throwaway_share" not in hits_of(d)


def test_only_googles_share_notices_are_read():
    # any other sender with such a Reply-To is the reply-to rules' business
    d = verdicts(_share("x@lnozdnnzl.zeqifeku.quest", sender="news@shop.example"))[0]
    assert "throwaway_share" not in hits_of(d)
