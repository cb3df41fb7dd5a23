"""An empty forward judged as its carried sender's mail too (``detectors/forward.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors import Cascade, DetectorConfigError
from detectors.features import extract
from detectors.forward import forwarded
from schemas import Attachment, DirectoryEntry
from state import NO_DECAY, MemoryStore, PartitionState
from tests.factories import T0, mail
from tests.unit.test_rules import _WarnOnly, hits_of

DAY = 86_400.0
FRIEND = "bob.private@mailbox.example"  # the recipient's own private mailbox, long known
_LURE = ("We detected an unusual sign-in to your account. Verify your account and confirm your "
         "password within 24 hours or it will be suspended: "
         "https://account-verify.example/login\n")
_OUTLOOK_PT = ("\r\n________________________________\r\n"
               "De: Account Team <alerts@account-verify.example>\r\n"
               "Enviado: terça-feira, 10 de janeiro de 2023 21:48\r\n"
               "Para: bob.private@mailbox.example <bob.private@mailbox.example>\r\n"
               "Assunto: Unusual sign-in activity\r\n\r\n" + _LURE)
_GMAIL = ("---------- Forwarded message ---------\n"
          "From: Account Team <Alerts@Account-Verify.example>\n"
          "Date: Tue, 10 Jan 2023 at 21:48\nSubject: Unusual sign-in activity\n"
          "To: <bob.private@mailbox.example>\n\n" + _LURE)
_OUTLOOK_MOBILE = ("\nGet Outlook for Android<https://aka.ms/AAb9ysg>\n"
                   "________________________________\n"
                   "From: Account Team <alerts@account-verify.example>\n"
                   "Sent: Tuesday, January 10, 2023 9:48:45 PM\nTo: Bob\n"
                   "Subject: Unusual sign-in activity\n\n" + _LURE)
_ORIGINAL_MESSAGE = ("-----Original Message-----\n"
                     "From: Account Team [mailto:alerts@account-verify.example]\n"
                     "Sent: Tuesday, January 10, 2023 9:48 PM\nTo: Bob\n"
                     "Subject: Unusual sign-in activity\n\n" + _LURE)
_APPLE = ("Begin forwarded message:\n\nFrom: Account Team <alerts@account-verify.example>\n"
          "Subject: Unusual sign-in activity\nDate: 10 January 2023 at 21:48:45 GMT\n"
          "To: bob.private@mailbox.example\n\n" + _LURE)
_WINDOWS_MAIL = ("\n\nEnviado do Email<https://go.microsoft.com/fwlink/?LinkId=550986> para "
                 "Windows\n\nDe: Account Team<mailto:alerts@account-verify.example>\n"
                 "Enviado:sábado, 1 de abril de 2023 13:19\n"
                 "Para: BOB.PRIVATE@MAILBOX.EXAMPLE<mailto:BOB.PRIVATE@MAILBOX.EXAMPLE>\n"
                 "Assunto: Unusual sign-in activity\n\n_______________________________\n\n"
                 + _LURE)
_IPHONE = ("Sent from my iPhone\n\n-----Original Message-----\n"
           "From: Account Team <alerts@account-verify.example>\n"
           "Subject: Unusual sign-in activity\n\n" + _LURE)
_LINKS = ("https://account-verify.example/login",)


def _forward(text: str = _OUTLOOK_PT, subject: str = "Fw: Unusual sign-in activity",
             sender: str = FRIEND, t: float = T0 + 10 * DAY, **kw):
    return mail(sender, ("bob@acme.com",), subject=subject, text=text, urls=_LINKS, t=t, **kw)


def _friendship() -> list:
    """The private mailbox and Bob have written to each other for weeks."""
    out = []
    for i in range(4):
        out.append(mail(FRIEND, ("bob@acme.com",), subject=f"weekend {i}",
                        text="See you on Saturday at the station.", t=T0 + i * DAY))
        out.append(mail("bob@acme.com", (FRIEND,), direction="outbound", subject=f"Re: {i}",
                        text="Great, see you then.", t=T0 + i * DAY + 600))
    return out


def _run(*records, models=None, scores=None):
    cascade = Cascade(scores, models=_WarnOnly() if models is None else models)
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    return cascade.score_batch(state, list(records)), state


# ----------------------------------------------------------------- what is a forward


@pytest.mark.parametrize("text", [_OUTLOOK_PT, _GMAIL, _OUTLOOK_MOBILE, _ORIGINAL_MESSAGE,
                                  _APPLE, _WINDOWS_MAIL, _IPHONE])
def test_the_clients_forward_headers_give_the_carried_sender_subject_and_text(text):
    carried = forwarded(_forward(text))
    assert carried is not None
    assert carried.sender.address == "alerts@account-verify.example"  # lower-cased
    assert carried.sender.name == "Account Team"
    assert carried.subject == "Unusual sign-in activity"
    # Windows Mail's carried message opens with a separator line of its own
    assert carried.text.strip().strip("_").strip() == _LURE.strip()


def test_a_name_written_unquoted_with_brackets_keeps_its_address():
    # "[BB/Cartões] …" is no RFC 5322 name (a bracket opens a domain literal): parseaddr
    # gave up on it, and phishing_pot's bank-notice forwards went unjudged
    header = "De: [BB/Cartões] Contrato-0939915678519943532 <ambrose.james2317@gmail.com>"
    carried = forwarded(_forward(_OUTLOOK_PT.replace(
        "De: Account Team <alerts@account-verify.example>", header)))
    assert carried is not None
    assert (carried.sender.name, carried.sender.address) == (
        "[BB/Cartões] Contrato-0939915678519943532", "ambrose.james2317@gmail.com")


@pytest.mark.parametrize("subject", ["Fw: x", "FWD: x", "ENC: x", "TR: x", "WG: x", "RV: x",
                                     "[EXT] Fwd: x"])
def test_a_forward_is_named_so_in_its_subject(subject):
    assert forwarded(_forward(subject=subject)) is not None


def test_the_carried_record_keeps_the_links_and_files_and_nothing_that_vouches_for_it():
    outer = replace(_forward(auth=("pass", "pass", "pass"), reply_to="x@mailbox.example",
                             client_ip="198.51.100.7"),
                    attachments=(Attachment("statement.pdf", "application/pdf", 1200),))
    carried = forwarded(outer)
    assert carried is not None
    assert (carried.message_id, carried.tenant_id, carried.to, carried.received_at) == (
        outer.message_id, outer.tenant_id, outer.to, outer.received_at)
    assert (carried.urls, carried.attachments) == (outer.urls, outer.attachments)
    assert (carried.auth.spf, carried.auth.dkim, carried.auth.dmarc) == ("", "", "")
    assert (carried.reply_to, carried.return_path, carried.client_ip) == ((), "", "")


@pytest.mark.parametrize(("why", "record"), [
    ("a note in the forwarder's words", _forward("FYI, is this genuine?\n" + _OUTLOOK_PT)),
    ("no address: a colleague of the forwarder's directory",
     _forward(_OUTLOOK_PT.replace("Account Team <alerts@account-verify.example>",
                                  "Lohman, TK"))),
    ("not a forward's subject", _forward(subject="Unusual sign-in activity")),
    ("a reply quoting the header block", _forward(subject="Re: Unusual sign-in activity")),
    ("internal mail", _forward(sender="carl@acme.com", direction="internal")),
    ("outbound mail", _forward(sender="bob@acme.com", direction="outbound")),
    ("no header block", _forward(_LURE)),
])
def test_only_an_empty_inbound_forward_with_an_address_carries_a_message(why, record):
    assert forwarded(record) is None, why


def test_a_long_text_is_read_whole_after_the_header_block():
    carried = forwarded(_forward(_OUTLOOK_PT + "x" * 10_000 + " end"))
    assert carried is not None and carried.text.endswith("x end")


def test_a_forward_sent_as_html_only_is_read_from_its_page_line_by_line():
    # Outlook's HTML forward with no text part: the converter reads the page as one line
    page = ('<html><body><div id="divRplyFwdMsg"><b>De:</b> Account Team '
            '&lt;alerts@account-verify.example&gt;<br>\r\n<b>Enviado:</b> terça-feira, 10 de '
            'janeiro de 2023<br>\r\n<b>Para:</b> bob.private@mailbox.example<br>\r\n'
            '<b>Assunto:</b> Unusual sign-in activity</div><div>&nbsp;</div>'
            '<p>We detected an unusual sign-in. Verify your account.</p></body></html>')
    flat = ("De: Account Team <alerts@account-verify.example> Enviado: terça-feira, 10 de "
            "janeiro de 2023 Para: bob.private@mailbox.example Assunto: Unusual sign-in "
            "activity We detected an unusual sign-in. Verify your account.")
    carried = forwarded(replace(_forward(flat), html=page))
    assert carried is not None
    assert (carried.sender.address, carried.subject) == ("alerts@account-verify.example",
                                                         "Unusual sign-in activity")
    assert carried.text.strip() == "We detected an unusual sign-in. Verify your account."
    assert forwarded(_forward(flat)) is None  # the one line alone holds no header block


# ----------------------------------------------------------------- judged in the cascade


def test_a_friends_empty_forward_of_a_strangers_lure_is_held_as_the_lure():
    ds, _ = _run(*_friendship(), _forward())
    d = ds[-1]
    h = hits_of(d)["forwarded_attack"]
    assert h["sender_domain"] == "account-verify.example" and h["action"] == "quarantine"
    assert "alerts@" not in str(h)  # the domain, never the address
    assert "first_contact" in h["detectors"], h
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")
    assert d.attack_type == "credential_phishing"
    assert d.hits[0].detector == "forwarded_attack"


def test_the_same_words_from_the_friend_itself_stay_a_warning():
    own = _forward(_LURE, subject="Unusual sign-in activity")
    ds, _ = _run(*_friendship(), own)
    assert ds[-1].action == "warn" and "forwarded_attack" not in hits_of(ds[-1])


def test_the_state_learns_nothing_of_the_carried_sender():
    _, state = _run(*_friendship(), _forward(), _forward(t=T0 + 11 * DAY))
    probe = mail("alerts@account-verify.example", ("bob@acme.com",), t=T0 + 12 * DAY)
    snapshot = state.snapshot(probe, extract(probe)[0])
    assert snapshot.sender is None and snapshot.domain is None
    friend = mail(FRIEND, ("bob@acme.com",), t=T0 + 12 * DAY)
    assert state.snapshot(friend, extract(friend)[0]).sender.count == 6  # 4 notes, 2 forwards


def test_a_forwarded_message_of_a_known_correspondent_is_not_held():
    colleague_mail = _OUTLOOK_PT.replace("alerts@account-verify.example",
                                         "helen@contoso.example")
    history = [mail("helen@contoso.example", ("bob@acme.com",), subject=f"order {i}",
                    text="Your order ships on Monday.", t=T0 + i * DAY) for i in range(3)]
    history += [mail("bob@acme.com", ("helen@contoso.example",), direction="outbound",
                     subject=f"Re: order {i}", text="Thanks!", t=T0 + i * DAY + 60)
                for i in range(3)]
    ds, _ = _run(*_friendship(), *history, _forward(colleague_mail))
    assert ds[-1].action == "warn" and "forwarded_attack" not in hits_of(ds[-1])


def test_a_sender_the_tenant_blocked_is_held_when_forwarded():
    cascade = Cascade(models=_WarnOnly(probability=0.1))  # the model allows everything
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    cascade.score_batch(state, _friendship())
    state.apply_directory(DirectoryEntry("acme", "blocked_sender",
                                         "alerts@account-verify.example"),
                          display_key="", domain="account-verify.example")
    d = cascade.score_batch(state, [_forward()])[0]
    assert d.action == "quarantine"
    assert "blocked_sender" in hits_of(d)["forwarded_attack"]["detectors"]


def test_without_a_model_a_forward_is_judged_as_its_forwarders_alone():
    cascade = Cascade(models=None)
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    d = cascade.score_batch(state, [*_friendship(), _forward()])[-1]
    assert "forwarded_attack" not in hits_of(d)
    assert cascade.assess_batch(state, [_forward(t=T0 + 11 * DAY)])[0].forwarded is None


def test_switched_off_in_the_scores_file_it_does_nothing():
    from detectors.cascade import load_scores

    scores = load_scores()
    scores["detectors"]["forwarded_attack"] = {"enabled": False}
    ds, _ = _run(*_friendship(), _forward(), scores=scores)
    assert ds[-1].action == "warn" and "forwarded_attack" not in hits_of(ds[-1])


def test_an_unknown_setting_refuses_to_start():
    from detectors.cascade import load_scores

    scores = load_scores()
    scores["detectors"]["forwarded_attack"] = {"enabled": True, "score": 0.9}
    with pytest.raises(DetectorConfigError, match="forwarded_attack"):
        Cascade(scores, models=_WarnOnly())


def test_a_carried_message_the_models_fail_on_leaves_out_its_forward_alone():
    class _FailsOnCarried(_WarnOnly):
        def score(self, assessments):
            if any(a.record.sender.address == "alerts@account-verify.example"
                   for a in assessments):
                raise RuntimeError("crafted")
            super().score(assessments)

    cascade = Cascade(models=_FailsOnCarried())
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    records = [*_friendship(), _forward()]
    failed = []
    (decisions,) = cascade.score_batches([(state, records)],
                                         on_failure=lambda *a: failed.append(a[:2]))
    assert failed == [(0, len(records) - 1)]
    assert len(decisions) == len(records) - 1


def test_a_forwarded_lure_counts_nothing_against_the_forwarder():
    # The carried lure shows a disguise (a flagging hit, on the forward too): its sender is
    # the attacker, not the mailbox that forwarded it (here one Bob never wrote to, whose
    # mail the flagged-sender rule would otherwise hold after three such messages).
    forwarder = "club-news@mailbox.example"
    known = [mail(forwarder, ("bob@acme.com",), subject=f"club news {i}",
                  text="Training moves to Thursday this week.", t=T0 + i * DAY)
             for i in range(4)]
    disguised = _OUTLOOK_PT.replace("Verify your account", "Vеrify yоur аccount")  # Cyrillic
    forwards = [_forward(disguised, sender=forwarder, t=T0 + (10 + i) * DAY) for i in range(3)]
    later = mail(forwarder, ("bob@acme.com",), subject="club news", t=T0 + 20 * DAY,
                 text="Training moves to Thursday this week.")
    ds, _ = _run(*known, *forwards, later)
    assert all("text_obfuscation" in hits_of(d) for d in ds[4:7])
    assert "flagged_sender" not in hits_of(ds[-1])
    # The same disguise in the mailbox's own words flags its address.
    own = [_forward(_LURE.replace("Verify your account", "Vеrify yоur аccount"),
                    subject="Unusual sign-in activity", sender=forwarder,
                    t=T0 + (10 + i) * DAY) for i in range(3)]
    ds, _ = _run(*known, *own, later)
    assert "flagged_sender" in hits_of(ds[-1])
