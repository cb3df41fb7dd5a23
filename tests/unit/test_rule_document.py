"""A warned stranger's document (``detectors/rules/document.py``).

The late tier's common promises (a correspondent, a harmless message, no model, switched
off) are ``tests/unit/test_late_rules.py``'s.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from schemas import Attachment
from tests.factories import mail
from tests.unit.test_rules import hits_of, warned


def _with(*files: tuple[str, str]):
    record = mail("k4rlanauroski@gmail.example", name="Karla Nauroski", subject="",
                  text="You can take 4 000")
    return replace(record, attachments=tuple(Attachment(n, t, 24585) for n, t in files))


@pytest.mark.parametrize(("files", "extension"), [
    ((("nzHc3RSHv.pdf", "application/pdf"),), "pdf"),
    ((("logo.png", "image/png"), ("o5314p25TJ6qN.pptx", "application/vnd.openxmlformats-"
                                  "officedocument.presentationml.presentation")), "pptx"),
    ((("FotoCivicas.dsBsfqpJ3z.zip", "application/zip"),), "zip"),
])
def test_a_warned_strangers_document_is_quarantined_as_a_possible_carrier(files, extension):
    d = warned(_with(*files))[-1]
    h = hits_of(d)["stranger_document"]
    assert (h["extension"], h["attack_type"]) == (extension, "malware")
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


@pytest.mark.parametrize("files", [
    (("signature.asc", "application/pgp-signature"),),
    (("_1644899_aster300.jpg", "image/jpeg"), ("grey_pixel.gif", "image/gif")),
    (("winmail.dat", "application/ms-tnef"),),
    (("0001-watchdog-it87_wdt-add-support.patch", "application/octet-stream"),),
])
def test_signatures_pictures_and_patches_are_no_documents(files):
    d = warned(_with(*files))[-1]
    assert "stranger_document" not in hits_of(d) and d.action == "warn"
