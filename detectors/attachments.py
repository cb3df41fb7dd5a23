"""Attachment risk from metadata only: file name, declared content type, stripped flag.

The gateway strips payloads upstream, so the judgement is on what the name and type say:
executables and scripts, disk images (which carried executables past Mark-of-the-Web),
shortcuts, HTML/SVG (local credential forms and redirectors), macro-enabled and other active
Office/OneNote documents, archives (worse when named like a business document, since the
contents cannot be seen), double extensions and right-to-left-override tricks, and a
declared type that contradicts the extension.

``assess_attachments`` reports the riskiest attachment (category, score, evidence) and the
normalised extension list the state records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from schemas.records import Attachment

__all__ = ["CATEGORY_SCORES", "AttachmentRisk", "assess_attachments", "extension"]

MAX_TYPES: Final = 16
MAX_FILENAME_CHARS: Final = 120

EXECUTABLE: Final = frozenset({
    "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "ws",
    "hta", "ps1", "psm1", "psd1", "msi", "msp", "msix", "msixbundle", "appx", "appxbundle",
    "jar", "dll", "cpl", "reg", "chm", "sct", "inf", "scf", "gadget", "application", "vb",
    "apk", "xbap", "msc", "mde", "ade", "lib", "sys", "ocx", "elf", "run", "command",
})
DISK_IMAGE: Final = frozenset({"iso", "img", "vhd", "vhdx", "udf", "dmg", "vmdk"})
SHORTCUT: Final = frozenset({"lnk", "url", "website", "appref-ms", "library-ms", "search-ms",
                             "searchconnector-ms", "settingcontent-ms", "desktop", "webloc"})
HTML: Final = frozenset({"html", "htm", "shtml", "shtm", "xhtml", "xht", "svg", "svgz",
                         "mht", "mhtml"})
MACRO: Final = frozenset({"docm", "dotm", "xlsm", "xltm", "xlam", "xla", "xll", "pptm",
                          "potm", "ppam", "ppsm", "sldm", "one", "onepkg", "iqy", "slk",
                          "wll"})
ARCHIVE: Final = frozenset({"zip", "zipx", "rar", "7z", "gz", "tgz", "tar", "ace", "cab",
                            "arj", "lz", "lzh", "lha", "xz", "bz2", "z", "r00", "r01", "uue",
                            "xxe"})
OLD_OFFICE: Final = frozenset({"doc", "dot", "xls", "xlt", "xlsb", "ppt", "pot", "pps"})
# What a lure names itself as, in front of the real extension ("invoice.pdf.exe").
_DOCUMENT_LIKE: Final = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "csv", "odt", "ods",
    "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "heic", "webp", "mp3", "mp4", "wav",
    "mov", "avi", "eml", "msg", "xml", "json", "zip", "rar",
})

CATEGORY_SCORES: Final[dict[str, float]] = {
    "double_extension": 0.95,
    "executable": 0.9,
    "disk_image": 0.8,
    "shortcut": 0.8,
    "macro": 0.75,
    "html": 0.7,
    "archive_lure": 0.5,
    "content_mismatch": 0.4,
    "archive": 0.3,
}
"""Score of each category; ``archive_lure`` is reported as category ``archive`` with a
higher score (a business-document name on an archive whose contents cannot be seen)."""

# Declared types that are active content whatever the extension says.
_ACTIVE_TYPES: Final[dict[str, str]] = {
    "application/x-msdownload": "executable",
    "application/x-msdos-program": "executable",
    "application/x-dosexec": "executable",
    "application/x-executable": "executable",
    "application/vnd.microsoft.portable-executable": "executable",
    "application/x-ms-installer": "executable",
    "application/x-msi": "executable",
    "application/java-archive": "executable",
    "application/x-java-archive": "executable",
    "application/hta": "executable",
    "application/javascript": "executable",
    "application/x-javascript": "executable",
    "text/javascript": "executable",
    "text/vbscript": "executable",
    "application/x-vbscript": "executable",
    "application/x-bat": "executable",
    "application/x-sh": "executable",
    "application/x-powershell": "executable",
    "application/x-ms-shortcut": "shortcut",
    "application/x-iso9660-image": "disk_image",
    "application/x-raw-disk-image": "disk_image",
    "application/x-virtualbox-vhd": "disk_image",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "image/svg+xml": "html",
    "message/rfc822": "",
}
_MACRO_TYPE: Final = re.compile(r"macroenabled|vnd\.ms-office\.vbaproject|onenote")

# Extensions whose declared type must belong to one of these families (prefixes); generic
# binary types are always accepted because many clients send everything as octet-stream.
_GENERIC_TYPES: Final = ("application/octet-stream", "binary/octet-stream",
                         "application/force-download", "application/download",
                         "application/x-download", "application/unknown")
_EXPECTED_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", "application/x-pdf", "application/acrobat"),
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "heic"),
                    ("image/",)),
    **dict.fromkeys(("doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp"),
                    ("application/",)),
    **dict.fromkeys(("txt", "csv"), ("text/", "application/csv", "application/vnd.ms-excel")),
    **dict.fromkeys(("mp3", "wav", "m4a", "ogg"), ("audio/", "video/")),
    **dict.fromkeys(("mp4", "avi"), ("video/",)),
}

_LURE_WORDS: Final = re.compile(
    r"(?<![a-z])(?:invoice|inv|payment|remittance|statement|receipt|order|po|purchase|"
    r"scan|scanned|document|doc|docs|voicemail|voice|fax|shipping|shipment|dhl|fedex|ups|"
    r"delivery|contract|agreement|quote|quotation|rfq|swift|transfer|wire|bank|salary|"
    r"payroll|tax|refund|urgent|confidential|secure|password|rechnung|factura|facture|"
    r"fattura|fatura|factuur|zahlung|pago|paiement)(?![a-z])"
)
_BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True, slots=True)
class AttachmentRisk:
    """Attachment signals of one message: the riskiest attachment and the extension list.

    Read-only by contract, ``evidence`` included: messages without attachments share one
    instance.

    Attributes:
        score: Score of the riskiest attachment, in [0, 1]; 0 when nothing is risky.
        category: ``executable``, ``disk_image``, ``shortcut``, ``html``, ``macro``,
            ``archive``, ``double_extension``, ``content_mismatch``; ``""`` when none.
        evidence: ``filename``, ``reason`` and ``extension`` of the riskiest attachment.
        types: Normalised extensions of all attachments, first-seen order, at most 16
            (attachments without an extension are left out).
        count: Number of attachments.
        risky: Number of attachments with a category.
    """

    score: float = 0.0
    category: str = ""
    evidence: dict[str, str] = field(default_factory=dict)
    types: tuple[str, ...] = ()
    count: int = 0
    risky: int = 0


_NO_ATTACHMENTS: Final = AttachmentRisk()
"""Shared result for a message without attachments (results are read-only by contract)."""


def _basename(filename: str) -> str:
    # Windows drops trailing dots and spaces, so "invoice.exe. " runs as invoice.exe.
    return filename.replace("\\", "/").rpartition("/")[2].strip().rstrip(". ")


def extension(filename: str) -> str:
    """The lower-case extension a Windows desktop would act on ("" if none).

    Args:
        filename: The attachment's file name, possibly with a path.

    Returns:
        "exe" for "Invoice.PDF.exe", "html" for "doc.pdf .html", "" for "README".
    """
    return _extension(_basename(filename))


def _extension(name: str) -> str:
    base, dot, ext = name.rpartition(".")
    return ext.strip().lower() if dot and base.strip() else ""


def _category_of(ext: str) -> str:
    if ext in EXECUTABLE:
        return "executable"
    if ext in DISK_IMAGE:
        return "disk_image"
    if ext in SHORTCUT:
        return "shortcut"
    if ext in HTML:
        return "html"
    if ext in MACRO:
        return "macro"
    if ext in ARCHIVE:
        return "archive"
    return ""


_REASONS: Final[dict[str, str]] = {
    "executable": "executable or script file",
    "disk_image": "disk image (can carry executables past download warnings)",
    "shortcut": "shortcut file (runs a command or opens a remote location)",
    "html": "HTML/SVG attachment (local credential form or redirect)",
    "macro": "macro-enabled or active Office/OneNote document",
    "archive": "archive (contents not visible)",
}


def _assess_one(attachment: Attachment) -> tuple[float, str, str, str]:
    """``(score, category, reason, extension)`` of one attachment; score 0 if benign."""
    name = _basename(attachment.filename)
    ext = _extension(name)
    ctype = attachment.content_type.partition(";")[0].strip().lower()

    if not name.isascii() and any(c in _BIDI_CONTROLS for c in name):
        return (CATEGORY_SCORES["double_extension"], "double_extension",
                "bidirectional control character reverses the shown file name", ext)

    category = _category_of(ext)
    if category and category != "archive":
        inner = _extension(name[:-(len(ext) + 1)].rstrip(" _-\t"))
        if inner in _DOCUMENT_LIKE:
            return (CATEGORY_SCORES["double_extension"], "double_extension",
                    f"document name hiding the real extension (.{inner}.{ext})", ext)
        return CATEGORY_SCORES[category], category, _REASONS[category], ext

    declared = _ACTIVE_TYPES.get(ctype)
    if declared:
        return (CATEGORY_SCORES[declared], declared,
                f"declared type {ctype} on a .{ext or '(none)'} file", ext)
    if ctype and _MACRO_TYPE.search(ctype) and (ext in OLD_OFFICE or not category):
        return (CATEGORY_SCORES["macro"], "macro",
                f"declared macro-enabled type {ctype}", ext)

    if category == "archive":
        hint = _LURE_WORDS.search(name.lower())
        inner = _extension(name[:-(len(ext) + 1)])
        if hint or inner in _DOCUMENT_LIKE:
            why = f"named {hint.group(0)!r}" if hint else f"named as .{inner}"
            return (CATEGORY_SCORES["archive_lure"], "archive",
                    f"archive {why}; contents not visible", ext)
        return CATEGORY_SCORES["archive"], "archive", _REASONS["archive"], ext

    expected = _EXPECTED_TYPES.get(ext)
    if expected and ctype and not ctype.startswith(_GENERIC_TYPES) \
            and not ctype.startswith(expected):
        return (CATEGORY_SCORES["content_mismatch"], "content_mismatch",
                f"declared type {ctype} does not match .{ext}", ext)
    return 0.0, "", "", ext


def assess_attachments(attachments: Sequence[Attachment]) -> AttachmentRisk:
    """Judge a message's attachments by name and declared type.

    Args:
        attachments: ``MailRecord.attachments``.

    Returns:
        The riskiest attachment's score, category and evidence, the number of risky
        attachments, and the extension list.
    """
    if not attachments:
        return _NO_ATTACHMENTS
    best: tuple[float, str, str, str] = (0.0, "", "", "")
    best_name = ""
    risky = 0
    types: dict[str, None] = {}
    for attachment in attachments:
        result = _assess_one(attachment)
        if result[3] and len(types) < MAX_TYPES:
            types[result[3]] = None
        if result[1]:
            risky += 1
            if result[0] > best[0]:
                best, best_name = result, attachment.filename
    score, category, reason, ext = best
    evidence: dict[str, str] = {}
    if category:
        name = best_name.strip()
        if len(name) > MAX_FILENAME_CHARS:
            name = name[:MAX_FILENAME_CHARS - 1] + "…"
        evidence = {"filename": name, "reason": reason, "extension": ext}
    return AttachmentRisk(score=score, category=category, evidence=evidence,
                          types=tuple(types), count=len(attachments), risky=risky)
