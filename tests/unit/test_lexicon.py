"""Language cues: messages in, per-category phrase counts and evidence out."""

from __future__ import annotations

from dataclasses import fields

import pytest

from detectors.lexicon import CATEGORIES, PHRASES, Cues, scan_text

HAM = """Hi team,

Thanks for joining the planning meeting yesterday. We will move the project kickoff to next
Tuesday so the design review can finish first. Please update the roadmap with your estimates
before Friday and let me know if anything blocks you. The office will be closed on Monday.

Best regards,
Jonathan — Head of Operations
"""


def test_categories_are_the_count_fields_in_order() -> None:
    count_fields = [f.name for f in fields(Cues) if f.name != "phrases"]
    assert list(CATEGORIES) == count_fields == list(PHRASES)


def test_ordinary_mail_has_no_cues() -> None:
    cues = scan_text("Planning", HAM)
    assert cues.total == 0
    assert cues.phrases == {}


def test_empty_message() -> None:
    assert scan_text("", "") == Cues()


@pytest.mark.parametrize(("subject", "text", "category", "phrase"), [
    # BEC: payment, bank change, urgency, secrecy
    ("Request", "Please process a wire transfer to the vendor.", "payment", "wire transfer"),
    ("", "Kindly note we changed our bank details; pay into the new bank account.",
     "bank_change", "changed our bank"),  # the first in lexicon order, not in the text
    ("", "Our account is under audit, use the alternate account.", "bank_change",
     "alternate account"),
    ("Are you available?", "I need a quick favour.", "urgency", "are you available"),
    ("URGENT", "Reply asap.", "urgency", "urgent"),
    ("", "Keep this between us until it is announced.", "secrecy", "keep this between us"),
    ("", "I'm in a meeting and can’t talk.", "secrecy", "in a meeting"),
    # gift cards
    ("", "Buy 5 Google Play gift cards, scratch the back and send me the codes.",
     "gift_card", "send me the codes"),
    ("", "I need iTunes cards for the staff.", "gift_card", "itunes cards"),
    # payroll
    ("Direct deposit change", "I changed banks, please update my direct deposit.",
     "payroll", "update my direct deposit"),
    # credential phishing
    ("Action required", "Your password expires today. Verify your account now.",
     "credential", "verify your account"),
    ("", "Your mailbox is full. Sign in to restore service.", "credential", "mailbox is full"),
    ("", "John shared a document with you. View document", "credential",
     "shared a document with you"),
    # spam and scams
    ("Winner!", "Claim your prize now, limited time offer! Unsubscribe here.", "spam",
     "claim your prize"),
    ("", "I am a barrister; you are the sole beneficiary of an inheritance.", "scam",
     "sole beneficiary"),
    ("", "I have recorded you through your webcam. Send bitcoin to this bitcoin address.",
     "scam", "i have recorded"),
    # malware lures
    ("Invoice", "Please open the attached invoice and click Enable Content.", "malware_lure",
     "enable content"),
    ("Payment advice", "See attached remittance advice.", "malware_lure", "payment advice"),
])
def test_attack_phrases(subject: str, text: str, category: str, phrase: str) -> None:
    cues = scan_text(subject, text)
    assert getattr(cues, category) >= 1
    assert cues.phrases[category] == phrase


@pytest.mark.parametrize(("text", "category"), [
    ("Bitte dringend eine Überweisung auf die neue Bankverbindung.", "bank_change"),
    ("ÜBERWEISUNG heute noch", "payment"),  # upper-case umlaut
    ("Merci de noter notre nouveau RIB pour le virement.", "bank_change"),
    ("Êtes-vous disponible ? C'est urgent.", "urgency"),
    ("Por favor, compre tarjetas de regalo y envíe los códigos.", "gift_card"),
    ("Su cuenta será suspendida si no verifica.", "credential"),
    ("Zie bijlage voor de factuur.", "malware_lure"),
    ("Uw account wordt geblokkeerd.", "credential"),
    ("Segue anexo a fatura.", "malware_lure"),
    ("Sua conta será suspensa.", "credential"),
    ("Streng vertraulich, bitte.", "secrecy"),
])
def test_other_languages(text: str, category: str) -> None:
    assert getattr(scan_text("", text), category) >= 1


def test_phrases_need_their_words_adjacent_and_in_order() -> None:
    cues = scan_text("", "The transfer was by wire. Account holders and the number of staff.")
    assert "wire transfer" not in cues.phrases.values()
    assert cues.phrases.get("payment") == "wire"  # the single word still counts
    assert cues.bank_change == 0


def test_words_are_matched_whole() -> None:
    cues = scan_text("Wireless presentation", "Our swiftly growing team: invoicing tools.")
    assert cues.payment == 0


def test_punctuation_case_and_line_breaks_do_not_split_a_phrase() -> None:
    for text in ("WIRE TRANSFER", "wire\ntransfer", "Wire-transfer", "(wire transfer)",
                 "wire\u00a0transfer"):
        assert scan_text("", text).phrases.get("payment") == "wire transfer", text


def test_zero_width_characters_do_not_hide_words() -> None:
    assert scan_text("", "This is ur\u200bgent, please reply").urgency == 1


def test_distinct_phrases_are_counted_not_occurrences() -> None:
    once = scan_text("", "payment")
    many = scan_text("", "payment " * 50)
    assert once.payment == many.payment == 1
    assert scan_text("", "invoice and payment and remittance").payment == 3


def test_subject_is_scanned() -> None:
    assert scan_text("Urgent wire transfer", "").payment == 2  # "wire transfer" and "wire"


def test_a_phrase_may_count_in_two_categories() -> None:
    cues = scan_text("", "payment advice attached")
    assert cues.payment >= 1 and cues.malware_lure >= 1


def test_only_the_start_of_a_long_body_is_read() -> None:
    assert scan_text("", "x " * 15_000 + "wire transfer").payment == 0


def test_evidence_phrases_are_short() -> None:
    cues = scan_text("", "Your account will be suspended. Keep this between us. Gift cards.")
    assert all(len(p) <= 60 for p in cues.phrases.values())
    assert set(cues.phrases) <= set(CATEGORIES)
