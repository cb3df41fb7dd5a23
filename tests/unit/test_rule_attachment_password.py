"""A stranger's encrypted file sent with its password (``detectors/rules/attachments.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors import Cascade, DetectorConfigError
from detectors.rules.attachments import password_given
from schemas.records import Attachment
from tests.factories import T0, mail
from tests.unit.test_rules import _WarnOnly, hits_of, verdicts

_PDF = Attachment("Notificacao_8812.pdf", "application/pdf", 48_882)
_TEXT = ("Prezado(a) Cliente, notamos que ainda não resgatou o valor disponível em seu CPF. "
         "Siga as instruções no documento em anexo.\nSenha do PDF: 123")


def _with(record, *attachments: Attachment):
    return replace(record, attachments=attachments)


def test_a_strangers_pdf_with_its_password_is_held_as_malware():
    # Decisive: held even by a model that reads the text as harmless.
    d = verdicts(_with(mail("svr.valores@gmail.com", text=_TEXT, subject="Valores a receber"),
                       _PDF), cascade=Cascade(models=_WarnOnly(probability=0.05)))[0]
    h = hits_of(d)["attachment_password"]
    assert (h["filename"], h["password_word"], h["attack_type"]) == (
        "Notificacao_8812.pdf", "senha", "malware")
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


def test_a_correspondents_encrypted_file_is_business_as_usual():
    reply = mail("bob@acme.com", ("alice@partner.com",), direction="outbound", t=T0,
                 text="Please send the draft, encrypted as usual.")
    draft = _with(mail("alice@partner.com", t=T0 + 3600, subject="Draft agreement",
                       text="Attached is the draft. The password for the PDF is HF0311."),
                  Attachment("draft.pdf", "application/pdf", 90_000))
    assert "attachment_password" not in hits_of(verdicts(reply, draft)[1])


@pytest.mark.parametrize("text", [
    "The agenda is attached. On the day, the guest Wi-Fi password: Forum2026",
    "Meeting password: 8812. The agenda is attached.",
    "Please find the file attached. Password: the one you chose when you registered.",
    "Password: 5057851 for the portal.\n\n" + "x" * 400 + "\nThe report is attached.",
    "Forgot your password? Go to https://example.com/reset2 - the brochure is attached.",
])
def test_a_password_that_is_not_the_files_is_not_the_sign(text):
    assert password_given(text) == ""
    d = verdicts(_with(mail("events@forum.example", text=text), _PDF))[0]
    assert "attachment_password" not in hits_of(d)


def test_only_files_a_password_can_protect_count():
    photo = Attachment("photo.jpg", "image/jpeg", 12_000)
    assert "attachment_password" not in hits_of(verdicts(_with(mail(text=_TEXT), photo))[0])
    archive = Attachment("Rechnung.zip", "application/octet-stream", 3_000)
    text = "im Anhang finden Sie die Rechnung. Das Passwort für die Datei lautet: 4471."
    h = hits_of(verdicts(_with(mail(text=text), archive))[0])["attachment_password"]
    assert h["password_word"] == "passwort"


@pytest.mark.parametrize(("text", "word"), [
    ("Senha de acesso ao PDF: 123", "senha"),
    ("Acesse o anexo em PDF acima para mais informações. Senha de acesso: 1234", "senha"),
    ("[PDF Password]:62734", "password"),
    ("The password for the attached file is Q3-2024", "password"),
    ("Mot de passe du fichier : 4471", "mot de passe"),
])
def test_the_ways_kits_give_the_password(text, word):
    assert password_given(text) == word


def test_an_invalid_score_refuses_to_start():
    with pytest.raises(DetectorConfigError, match="attachment_password"):
        Cascade({"detectors": {"attachment_password": {"score": 1.5}}})


def test_a_crafted_run_of_whitespace_is_read_once():
    """``password:`` then thousands of spaces: no quantifier backtracks into the run (written
    ``\\s*[quotes]*\\s*`` it took seconds), and only the first 4,000 characters are read."""
    from detectors.rules import attachments

    text = "Senha do PDF:" + " " * 19_000 + "1234"
    assert password_given(text) == ""  # the value is past what is read
    assert password_given(text[:3_000] + "1234") == "senha"
    pattern = attachments._PASSWORD_GIVEN.pattern
    assert r"\s*+" in pattern and r"\s*[" not in pattern
