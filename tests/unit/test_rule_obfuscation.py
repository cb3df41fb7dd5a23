"""The disguised-text detector (``detectors/rules/obfuscation.py``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors import Cascade, DetectorConfigError
from detectors.rules.obfuscation import (
    broken_word,
    foreign_marked_words,
    i_for_l_words,
    l_for_i_words,
    letter_spaced,
    mixed_script_words,
    overlaid_words,
    styled_words,
)
from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts

_LURE = "Verify your account within 24 hours or your wallet will be suspended."
ZWNBSP = "\ufeff"
SOFT_HYPHEN = "\u00ad"


def test_a_brand_spelt_with_cyrillic_letters_in_the_display_name_is_quarantined():
    d = verdicts(mail("alerts@wallet-sync.example", ("bob@acme.com",), name="Мetаmаsk",
                      subject="Wallet notice", text=_LURE))[0]
    h = hits_of(d)["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("display_name", "mixed_script",
                                                            ["Metamask"])
    assert h["attack_type"] == "credential_phishing"
    assert d.action in ("quarantine", "block") and d.attack_type == "credential_phishing"


def test_without_an_attack_cue_the_disguise_is_spam():
    d = verdicts(mail("deals@shop.example", ("bob@acme.com",), name="Lоcаl Dаting",
                      subject="You have 1 new message", text="Lauren sent you a photo."))[0]
    assert hits_of(d)["text_obfuscation"]["attack_type"] == "spam"
    assert d.action in ("quarantine", "block")


def test_russian_text_with_inflected_latin_names_is_not_disguised():
    text = ("Здравствуйте! Пришлите прайс-лист в Excelе, менеджер на связи в Telegramе. "
            "Новый iPhoneом не пользуемся, у нас Windows и 1С.")
    d = verdicts(mail("anna@tekstil.example", ("bob@acme.com",), name="Анна Соколова",
                      subject="Запрос: прайс-лист", text=text))[0]
    assert "text_obfuscation" not in hits_of(d)


def test_greek_letters_of_scientific_notation_are_not_disguises():
    text = ("Staining for αSMA and αvβ3 integrin was negative; the νe flux and ρc were as "
            "expected, and TNFα rose in both groups.")
    assert mixed_script_words(text) == []
    assert "text_obfuscation" not in hits_of(verdicts(mail(text=text))[0])
    assert mixed_script_words("Please νerify your wαllet") == ["νerify", "wαllet"]


def test_one_mixed_word_in_a_long_body_is_a_typo_two_are_a_disguise():
    one = "Dear Bob, the invoice is attached. Thаnks for your patience with the delay."
    two = "Dear Bob, your pаssword expires todаy. Use the link to keep it."
    assert "text_obfuscation" not in hits_of(verdicts(mail(text=one))[0])
    h = hits_of(verdicts(mail(text=two))[0])["text_obfuscation"]
    assert h["where"] == "body" and h["reads_as"] == ["password", "today"]


def test_a_word_broken_by_directional_isolates_is_disguised():
    # phishing_pot: "coinbase V\u2069e\u2069r\u2069if\u2069y yo\u2069ur in\u2069f\u2069o"
    pdi = "\u2069"
    assert broken_word(f"V{pdi}e{pdi}r{pdi}if{pdi}y your info") == "Verify"
    # Right-to-left text wraps whole Latin words in isolates: no piece of a word is cut off.
    hebrew = "שלום, הפגישה ב-\u2066Microsoft Teams\u2069 מחר ב-\u2066Zoom\u2069 לא."
    assert broken_word(hebrew) is None and letter_spaced(hebrew) is None
    assert "text_obfuscation" not in hits_of(verdicts(mail(text=hebrew * 3))[0])


_STYLED = ("\U0001d654\U0001d64a\U0001d650\U0001d64d "  # "YOUR REWARD", bold italic sans
           "\U0001d64d\U0001d640\U0001d652\U0001d63c\U0001d64d\U0001d63f")


def test_a_strangers_subject_in_styled_letters_with_a_risky_link_is_disguised():
    assert _STYLED.isprintable() and styled_words(_STYLED) == ["YOUR", "REWARD"]
    lure = mail("join_now_98578@itsict.talaba.example", subject=_STYLED, text="Claim it",
                urls=("https://bit.ly/3xYzAbC",))
    h = hits_of(verdicts(lure)[0])["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("subject", "styled_letters",
                                                            ["YOUR", "REWARD"])


def test_styled_letters_need_a_stranger_a_risky_link_and_two_words():
    plain_link = mail("news@shop.example", subject=_STYLED, text="Our offer",
                      urls=("https://shop.example/offer",))
    assert "text_obfuscation" not in hits_of(verdicts(plain_link)[0])
    one_word = mail("news@shop.example", subject="\U0001d40d\U0001d404\U0001d416 arrivals",
                    text="Our offer", urls=("https://bit.ly/3xYzAbC",))
    assert "text_obfuscation" not in hits_of(verdicts(one_word)[0])
    reply = mail("bob@acme.com", ("news@shop.example",), direction="outbound", t=T0)
    known = mail("news@shop.example", subject=_STYLED, text="Our offer", t=T0 + 60,
                 urls=("https://bit.ly/3xYzAbC",))
    assert "text_obfuscation" not in hits_of(verdicts(reply, known)[1])


def test_an_l_for_an_i_in_a_word_of_capitals_reads_the_lexicons_word():
    # phishing_pot's pharmacy spam: "SUPER VlAGRA-ClALlS... FOR YOU COUPON 5%"
    d = verdicts(mail("ivy07ap@gallery.example", ("bob@acme.com",), name="*SALE VlAGRA*",
                      subject="Your coupon", text="Hello"))[0]
    h = hits_of(d)["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("display_name", "l_for_i",
                                                            ["VIAGRA"])
    assert d.action in ("quarantine", "block")
    body = hits_of(verdicts(mail(text="SUPER VlAGRA-ClALlS... FOR YOU COUPON 5%"))[0])
    assert body["text_obfuscation"]["reads_as"] == ["VIAGRA", "CIALIS"]


@pytest.mark.parametrize("text", [
    "Part GlKH-20 ships Monday",        # a code: no word of the lexicon
    "the aVlAGRA compound",             # inside a longer word
    "ViAGRA, VIAGRA and Viagra",        # no l at all
    "PlAYER ONE",                       # PIAYER is no word
    "Order ref XlLOTTERYx",             # letters after it
])
def test_codes_and_words_without_the_swap_are_no_disguise(text):
    assert l_for_i_words(text) == []


def test_an_l_opening_a_word_of_capitals_reads_a_brand_or_an_id():
    # phishing_pot's tax-refund kits: "lRS.GOV" as the sender, "[ lRS : Report ]"
    d = verdicts(mail("1401@pizza-shop.example", ("bob@acme.com",), name="lRS.GOV",
                      subject="Tax refund available", text="REF - MSG8518486"))[0]
    h = hits_of(d)["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("display_name", "l_for_i", ["IRS"])
    assert d.action in ("quarantine", "block")
    assert l_for_i_words("Someone tried to log in to your account, User lD : 3638") == ["ID"]


@pytest.mark.parametrize("text", [
    "lOOKING FOR AGENT OF BATHTUB SALING",  # caps lock on: reads nothing
    "lNG cargo schedule",                   # shift pressed a letter late: a three-letter brand
    "see html Doc, xlRS",                   # inside a longer word
    "lRSx",                                 # letters after it
    # a newsletter's tracking code: random letters hold "lD" in one link in twenty
    "View in browser <https://view.example/?i=000815&u=lD9j2EN1N8b5r2MwLjNhmM>",
    "https://click.example/u=6lD4EBCT/x",
])
def test_typing_slips_and_codes_that_open_a_word_with_an_l_are_no_disguise(text):
    assert l_for_i_words(text) == []


def test_a_capital_i_for_an_l_opening_a_word_reads_the_word():
    d = verdicts(mail("support@meta-help.example", ("bob@acme.com",),
                      subject="Someone tried to Iog in To Your Account", text="Hello"))[0]
    h = hits_of(d)["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("subject", "i_for_l", ["log"])
    assert d.action in ("quarantine", "block")
    assert i_for_l_words("Notification about your PayPaI Iimited account") == ["limited"]
    # a double l of capitals inside a lower-case word
    assert i_for_l_words("Trust WaIIet: verify your waIIet") == ["Wallet", "wallet"]
    assert i_for_l_words("Entrega faIIIida:") == ["falllida"]


@pytest.mark.parametrize("text", [
    "I logged in and I link it here",   # the pronoun before a word
    "Iogical",                          # no word of the list
    "XIog in",                          # inside a longer word
    "Ilink",                            # an I before the whole word
    "https://t.example/?c=Iog&d=2",     # a code in a link
    "Phase II of getIIRFilter, aIIB",   # numerals, identifiers in capitals
])
def test_a_capital_i_that_is_a_pronoun_or_part_of_a_word_is_no_disguise(text):
    assert i_for_l_words(text) == []


def test_overlay_marks_on_some_letters_of_a_word_break_it_for_a_filter_only():
    # phishing_pot's delivery kits: "Co̷rreio̷s....", "Fa̷lha na e̷ntre̷ga"
    d = verdicts(mail("info@tee-shop.example", ("bob@acme.com",), name="Co\u0337rreio\u0337s....",
                      subject="Sua encomenda", text="Olá"))[0]
    h = hits_of(d)["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("display_name", "overlaid_letters",
                                                            ["Correios"])
    assert d.action in ("quarantine", "block")
    assert overlaid_words("Fa\u0337lha na e\u0337ntre\u0337ga") == ["Falha", "entrega"]


def test_another_scripts_marks_on_latin_letters_break_a_word_for_a_filter_only():
    # phishing_pot: "noreply@service.ܿܿamܿz" (Syriac marks), an order-on-hold kit
    d = verdicts(mail("q2bg@x8pjmua.example", ("bob@acme.com",),
                      name="noreply@service.\u073f\u073fam\u073fz",
                      subject="Your account is on hold", text="See the order."))[0]
    h = hits_of(d)["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("display_name", "foreign_marks",
                                                            ["amz"])
    assert d.action in ("quarantine", "block")


@pytest.mark.parametrize("text", [
    "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd world",  # pointed Hebrew beside English
    "Mohammed \u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f",  # Arabic with harakat
    "Cafe\u0301 de\u0301ja\u0300 vu",  # Latin combining accents (decomposed text)
])
def test_marks_on_their_own_scripts_letters_are_writing(text):
    assert foreign_marked_words(text) == []
    assert "text_obfuscation" not in hits_of(verdicts(mail("a@partner.example", name=text,
                                                           subject=text))[0])


def test_a_word_struck_through_whole_is_styling():
    # a former price or a crossed-out word: every letter has the stroke
    assert overlaid_words("Now only $19, w\u0336a\u0336s\u0336 $\u03369\u03369\u0336") == []


def test_one_swapped_word_in_a_body_is_not_enough():
    assert "text_obfuscation" not in hits_of(verdicts(mail(text="Try VlAGRA today"))[0])


def test_letters_spaced_by_invisible_characters_in_the_subject():
    subject = "Your " + ZWNBSP.join("Prime") + " membership"
    h = hits_of(verdicts(mail(subject=subject))[0])["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("subject", "letter_spacing",
                                                            ["Prime"])


def test_soft_hyphens_between_syllables_are_hyphenation_not_spacing():
    text = f"Die Donau{SOFT_HYPHEN}dampf{SOFT_HYPHEN}schiff{SOFT_HYPHEN}fahrt beginnt im Mai."
    assert letter_spaced(text) is None
    assert "text_obfuscation" not in hits_of(verdicts(mail(text=text))[0])
    assert letter_spaced(SOFT_HYPHEN.join("Real") + SOFT_HYPHEN) == "Real"


LRM = "\u200e"
ZWNJ = "\u200c"


def test_a_word_broken_in_pieces_by_direction_marks_is_read_whole():
    # As phishing_pot's kits write it: pieces, not single letters, so no letter spacing.
    subject = f"New {LRM}Me{LRM}{LRM}m{LRM}be{LRM}{LRM}r{LRM}{LRM}ship Statement"
    assert letter_spaced(subject) is None
    d = verdicts(mail(subject=subject, text="normal"))[0]
    h = hits_of(d)["text_obfuscation"]
    assert (h["where"], h["technique"], h["reads_as"]) == ("subject", "broken_word",
                                                            ["Membership"])
    assert d.action in ("quarantine", "block")


def test_direction_marks_between_single_letters_are_letter_spacing():
    assert letter_spaced("Your " + LRM.join("Prime") + " benefits") == "Prime"


def test_invisible_characters_with_a_use_inside_words_break_nothing():
    # A soft hyphen is a hyphenation hint, a joiner shapes Persian or Indic spelling; one
    # break is a word boundary hint (a long address wrapped by a zero-width space).
    for text in (f"Versicherungs{SOFT_HYPHEN}bedingungen{SOFT_HYPHEN}heft und mehr",
                 f"Visit our{ZWNJ}shop{ZWNJ}now", "see https://example.com/very\u200blong"):
        assert broken_word(text) is None
        assert "text_obfuscation" not in hits_of(verdicts(mail(text=text))[0])
    assert broken_word("ab\u200bcd\u200bef") == "abcdef"


def test_internal_mail_is_not_judged():
    d = verdicts(mail("anna@acme.com", ("bob@acme.com",), name="Аnnа Berg",
                      direction="internal"))[0]
    assert "text_obfuscation" not in hits_of(d)


def test_a_sender_whose_mail_was_disguised_three_times_is_flagged():
    sender, plain = "news@promo.example", "Weekly offers inside."
    first = [mail(sender, (f"u{i}@acme.com",), name="Nutrisystеm Pаrtnеr",
                  subject="Offers", text=plain, t=T0 + i * 60) for i in range(3)]
    fourth = mail(sender, ("u9@acme.com",), name="Partner", subject="Offers", text=plain,
                  t=T0 + 600)
    d = verdicts(*first, fourth)[-1]
    assert "text_obfuscation" not in hits_of(d)
    assert hits_of(d)["flagged_sender"]["flagged"] == 3.0


@pytest.mark.parametrize("bad", [{"body_min_words": 0}, {"score": 1.5}])
def test_invalid_settings_refuse_to_start(bad: dict) -> None:
    scores = {"detectors": {"text_obfuscation": bad}}
    with pytest.raises(DetectorConfigError, match="text_obfuscation"):
        Cascade(scores)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=200)
       | st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщыэюя АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ.,!",
                 max_size=200))
def test_single_script_text_is_never_disguised(text: str) -> None:
    assert mixed_script_words(text) == []
    assert letter_spaced(text) is None
