"""A stranger announcing a court summons (``detectors/rules/legal.py``)."""

from __future__ import annotations

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned


@pytest.mark.parametrize(("sender", "name", "subject", "summons"), [
    ("refrabras@terra.com.br", "NOTIFICAÇÃO JUDICIAL", "NOTIFICAÇÃO - 18376 - #79755",
     "notificacao judicial"),
    ("7827092890281897@correio.biz", "ATM010360",
     ".-192312 -RE_ Processo Trabalhista (Cartorio oline) Procotol", "processo trabalhista"),
    ("cion@vps-f44897b3.vps.ovh.ca", "Daniela Perez",
     "Notificación Judicial: Atención Requerida (97014745)", "notificacion judicial"),
    ("office@kanzlei-partner.example", "", "Gerichtliche Vorladung Nr. 4471",
     "gerichtliche vorladung"),
])
def test_a_strangers_summons_is_held(sender, name, subject, summons):
    d = warned(mail(sender, name=name, subject=subject, text="Veja o processo em anexo."),
               probability=0.02)[0]
    h = hits_of(d)["legal_threat"]
    assert h["summons"] == summons
    assert (d.action, d.decided_by) == ("quarantine", "decisive")


@pytest.mark.parametrize(("sender", "subject"), [
    ("intimacao@tjsp.jus.br", "Intimação judicial - processo 0001234"),  # a court writes so
    ("noreply@cjf.gov.br", "Notificação judicial eletrônica"),
    ("clerk@uscourts.gov", "Court summons: case 1:24-cv-0001"),
    ("legal@lawfirm.example", "Subpoena for documents, case 24-118"),  # no kit word
    ("news@journal.example", "Judicial review of the merger"),  # no summons
])
def test_courts_and_ordinary_legal_mail_are_not_threats(sender, subject):
    assert "legal_threat" not in hits_of(verdicts(mail(sender, subject=subject))[0])


def test_the_tenants_own_law_firm_is_no_stranger():
    # Bob wrote to Ana; her firm's clerk, new to Bob, sends the court's notification on
    asked = mail("bob@acme.com", ("ana@advocacia.example",), direction="outbound")
    notice = mail("secretaria@advocacia.example", subject="Notificação judicial do processo",
                  t=T0 + 60)
    d = verdicts(asked, notice)[1]
    assert "first_contact" in hits_of(d) and "legal_threat" not in hits_of(d)
