"""Attachment risk: file names and declared types in, category, score and evidence out."""

from __future__ import annotations

import pytest

from detectors.attachments import CATEGORY_SCORES, AttachmentRisk, assess_attachments, extension
from schemas.records import Attachment


def att(filename: str, content_type: str = "application/octet-stream",
        stripped: bool = False) -> Attachment:
    return Attachment(filename, content_type, 12_345, "", stripped)


def one(filename: str, content_type: str = "application/octet-stream",
        stripped: bool = False) -> AttachmentRisk:
    return assess_attachments([att(filename, content_type, stripped)])


def test_no_attachments() -> None:
    assert assess_attachments([]) == AttachmentRisk()


@pytest.mark.parametrize(("filename", "content_type"), [
    ("invoice.pdf", "application/pdf"),  # an invoice PDF alone is ordinary business
    ("invoice.pdf", "application/octet-stream"),
    ("Invoice.PDF", "application/pdf"),
    ("report.2024.final.pdf", "application/pdf"),  # dots in the name are not extensions
    ("Q3 results.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xls", "application/vnd.ms-excel"),  # old format, no macro type declared
    ("logo.png", "image/png"),
    ("image001.jpg", "image/jpeg"),
    ("notes.txt", "text/plain"),
    ("data.csv", "application/vnd.ms-excel"),
    ("meeting.ics", "text/calendar"),
    ("README", "application/octet-stream"),
])
def test_ordinary_attachments_are_not_risky(filename: str, content_type: str) -> None:
    risk = one(filename, content_type)
    assert risk.score == 0.0
    assert risk.category == ""
    assert risk.evidence == {}


@pytest.mark.parametrize(("filename", "category"), [
    ("setup.exe", "executable"),
    ("screensaver.scr", "executable"),
    ("update.bat", "executable"),
    ("payload.js", "executable"),
    ("run.vbs", "executable"),
    ("install.msi", "executable"),
    ("tool.ps1", "executable"),
    ("app.jar", "executable"),
    ("info.hta", "executable"),
    ("panel.cpl", "executable"),
    ("help.chm", "executable"),
    ("scan.iso", "disk_image"),
    ("disk.img", "disk_image"),
    ("drive.vhdx", "disk_image"),
    ("Open me.lnk", "shortcut"),
    ("portal.url", "shortcut"),
    ("statement.html", "html"),
    ("Remittance.htm", "html"),
    ("voicemail.svg", "html"),
    ("Q3.docm", "macro"),
    ("prices.xlsm", "macro"),
    ("addin.xll", "macro"),
    ("notes.one", "macro"),
    ("photos.zip", "archive"),
    ("backup.7z", "archive"),
    ("files.rar", "archive"),
])
def test_risky_types(filename: str, category: str) -> None:
    risk = one(filename)
    assert risk.category == category
    assert risk.score == CATEGORY_SCORES[category]
    assert risk.evidence["filename"] == filename
    assert risk.evidence["reason"]


@pytest.mark.parametrize(("filename", "shown"), [
    ("invoice.pdf.exe", ".pdf.exe"),
    ("Invoice.PDF.Exe", ".pdf.exe"),
    ("doc.pdf .html", ".pdf.html"),
    ("scan.jpg          .scr", ".jpg.scr"),
    ("payment.docx_.js", ".docx.js"),
    ("receipt.pdf.lnk", ".pdf.lnk"),
    ("report.xlsx.iso", ".xlsx.iso"),
])
def test_double_extensions(filename: str, shown: str) -> None:
    risk = one(filename)
    assert risk.category == "double_extension"
    assert risk.score == CATEGORY_SCORES["double_extension"]
    assert shown in risk.evidence["reason"]


def test_right_to_left_override_hides_the_extension() -> None:
    # shown to the reader as "invoiceexe.pdf"
    assert one("invoice\u202efdp.exe").category == "double_extension"


def test_trailing_dots_and_spaces_do_not_hide_an_executable() -> None:
    assert one("invoice.exe. ").category == "executable"
    assert extension("invoice.exe. ") == "exe"


@pytest.mark.parametrize("filename", [
    "Invoice.zip", "PAYMENT_ADVICE.rar", "scan_0042.7z", "DHL-shipping-docs.zip",
    "invoice.pdf.zip", "Rechnung-2024.zip",
])
def test_archives_named_like_business_documents(filename: str) -> None:
    risk = one(filename, "application/zip", stripped=True)
    assert risk.category == "archive"
    assert risk.score == CATEGORY_SCORES["archive_lure"]
    assert "contents not visible" in risk.evidence["reason"]


def test_archive_without_a_lure_name_is_low_risk() -> None:
    risk = one("holiday-photos.zip", "application/zip")
    assert risk.category == "archive"
    assert risk.score == CATEGORY_SCORES["archive"]


@pytest.mark.parametrize(("filename", "content_type", "category"), [
    ("photo.jpg", "application/x-msdownload", "executable"),
    ("invoice.pdf", "text/html", "html"),
    ("logo.png", "image/svg+xml", "html"),
    ("budget.xls", "application/vnd.ms-excel.sheet.macroEnabled.12", "macro"),
    ("letter.doc", "application/vnd.ms-word.document.macroEnabled.12", "macro"),
    ("photo.png", "application/pdf", "content_mismatch"),
    ("invoice.pdf", "image/jpeg", "content_mismatch"),
    ("invoice.pdf", "application/pdf; name=\"x.pdf\"", ""),  # parameters are ignored
])
def test_declared_type_against_extension(filename: str, content_type: str,
                                         category: str) -> None:
    assert one(filename, content_type).category == category


def test_the_riskiest_attachment_is_reported_and_all_types_listed() -> None:
    risk = assess_attachments([
        att("invoice.pdf", "application/pdf"),
        att("photos.zip", "application/zip"),
        att("invoice.pdf.exe"),
        att("logo.PNG", "image/png"),
        att("second.pdf", "application/pdf"),
    ])
    assert risk.category == "double_extension"
    assert risk.evidence["filename"] == "invoice.pdf.exe"
    assert risk.types == ("pdf", "zip", "exe", "png")
    assert risk.count == 5
    assert risk.risky == 2


def test_types_skip_names_without_extension_and_are_capped() -> None:
    risk = assess_attachments([att("README")] + [att(f"f.x{i}") for i in range(30)])
    assert "" not in risk.types
    assert len(risk.types) == 16


@pytest.mark.parametrize(("filename", "expected"), [
    ("a.PDF", "pdf"), ("C:\\fakepath\\evil.exe", "exe"), ("dir/file.tar.gz", "gz"),
    (".bashrc", ""), ("noext", ""), ("trailing.", ""), ("", ""),
])
def test_extension(filename: str, expected: str) -> None:
    assert extension(filename) == expected
