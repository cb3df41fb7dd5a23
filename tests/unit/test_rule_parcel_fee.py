"""A parcel held for a fee in a stranger's subject (``detectors/rules/parcel.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned

_FEE = ("Sua encomenda está retida na alfândega. Para liberar, efetue o pagamento da taxa de "
        "R$ 19,90 até hoje.\nPagar agora")


def _kit(subject: str, *, sender: str = "notifica@calungas.example",
         urls: tuple[str, ...] = ("https://calungas.example/pagar",), t: float = T0):
    return mail(sender, name="ganine", subject=subject, text=_FEE, urls=urls, t=t)


@pytest.mark.parametrize(("subject", "carrier"), [
    ("Pagamento Necessário: Seu Pedido Correios Retido na Alfândega", "correios"),
    ("📦 Aviso Importante: Pendências de Tarifas - Correios", "correios"),
    ("Your DHL parcel is on hold: customs fee", "dhl"),
])
def test_a_strangers_fee_for_a_carriers_parcel_linking_away_is_held(subject, carrier):
    d = warned(_kit(subject), probability=0.02)[0]
    h = hits_of(d)["parcel_fee"]
    assert h["carrier"] == carrier and h["links_to"] == ["calungas.example"]
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


def test_the_carriers_own_notice_or_link_is_not_this():
    own = _kit("Your DHL parcel: duties due", sender="noreply@dhl.com")
    assert "parcel_fee" not in hits_of(verdicts(own)[0])
    home = _kit("Your DHL parcel: duties due", urls=("https://www.dhl.com/pay",))
    assert "parcel_fee" not in hits_of(verdicts(home)[0])


def test_a_shops_order_mail_a_list_or_a_correspondent_is_not_this():
    shipped = mail("orders@shop.example", subject="Your order shipped with UPS",
                   text="Thanks for your order. Track it here.",
                   urls=("https://shop.example/track",))
    assert "parcel_fee" not in hits_of(verdicts(shipped)[0])  # no payment wording
    # a new shop's order mail: its text speaks of the payment, its subject of no fee or hold
    paid = replace(shipped, subject="Order 123 shipped with DHL", message_id="<paid@test>",
                   text="Thanks: your payment of R$ 89,90 was received. Track your order.")
    assert "parcel_fee" not in hits_of(verdicts(paid)[0])
    bulk = replace(_kit("Correios: taxa pendente"),
                   headers={"list-unsubscribe": "<mailto:leave@calungas.example>"})
    assert "parcel_fee" not in hits_of(verdicts(bulk)[0])
    asked = mail("bob@acme.com", ("notifica@calungas.example",), direction="outbound")
    answer = _kit("Correios: taxa pendente", t=T0 + 60)
    assert "parcel_fee" not in hits_of(verdicts(asked, answer)[1])
