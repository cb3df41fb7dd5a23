"""A stranger writing in a language the tenant never writes (``detectors/rules/language.py``)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detectors import Cascade, DetectorConfigError
from detectors.features import extract
from detectors.language import _LINK as LINK_PATTERN
from detectors.language import INTERNAL_SAMPLE, language_of, teaching_sample
from schemas import DirectoryEntry, SchemaError
from state import NO_DECAY, MemoryStore, PartitionState
from tests.factories import T0, mail
from tests.unit.test_rules import _WarnOnly, hits_of

DAY = 86_400.0
_ENGLISH = ("Hi Priya, thanks for sending the quarterly figures over. I have gone through the "
            "numbers with Daniel and we are happy with the forecast for the next two months.")
_POLISH = ("Dzień dobry, dziękuję za przesłanie dokumentów. Przejrzałem umowę i wszystko jest "
           "w porządku, więc możemy ją podpisać w przyszłym tygodniu. Pozdrawiam serdecznie.")
_BOLETO = ("Prezado cliente, sua fatura de dezembro já está disponível. Para evitar o bloqueio "
           "do seu CPF, acesse o boleto atualizado no link abaixo e efetue o pagamento até "
           "amanhã. Atenciosamente, Central de Atendimento ao Cliente")
_PRIZE = ("Beste klant, gefeliciteerd! U bent geselecteerd voor onze actie en heeft een "
          "cadeaubon van 500 euro gewonnen. Klik op de onderstaande link om uw prijs te "
          "claimen voordat de actie afloopt.")
_LINK = ("https://fatura-online.example/boleto",)


def _written(text: str, n: int = 2, *, auth: tuple[str, str, str] = ("", "", "")) -> list:
    """The tenant's own outbound mail in ``text``'s language (every outbound message teaches)."""
    return [mail("anna.berg@acme.com", (f"client{i}@partner.example",), direction="outbound",
                 subject="Re: figures", text=text, t=T0 + i * 3600, auth=auth)
            for i in range(n)]


def _run(*records, probability: float = 0.6, scores: dict | None = None):
    """Decisions of ``records`` in one state, under a model that calls everything spam."""
    cascade = Cascade(scores, models=_WarnOnly(probability=probability))
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    return cascade.score_batch(state, list(records)), state


def _lure(text: str = _BOLETO, sender: str = "cobranca@fatura-online.example", **kw):
    return mail(sender, subject="Fatura disponível", text=text, urls=_LINK, t=T0 + DAY, **kw)


# ----------------------------------------------------------------- identification


@pytest.mark.parametrize(("text", "code"), [(_ENGLISH, "en"), (_POLISH, "pl"),
                                            (_BOLETO, "pt"), (_PRIZE, "nl")])
def test_the_language_of_a_text_is_its_iso_code(text, code):
    assert language_of("", text) == code


def test_a_text_too_short_or_mixed_has_no_language():
    assert language_of("Re: ok", "thanks!") == ""
    # Half Polish, half English: neither holds the share a call needs.
    assert language_of("", _POLISH + " " + _ENGLISH) == ""


def test_an_html_only_message_is_read_without_its_markup():
    html = f"<html><body><p style='color:#333'>{_BOLETO}</p><a href='x'>Acessar</a></body></html>"
    assert language_of("Fatura", "", html) == "pt"


def test_a_text_part_that_gives_no_call_leaves_it_to_the_html_part():
    # A stub text part ("...") or one of image placeholders and rules, beside the page the
    # reader sees; and one of nothing but links, which CLD2 alone calls English.
    html = f"<html><body><p>{_BOLETO}</p></body></html>"
    assert language_of("Fatura", "...", html) == "pt"
    assert language_of("Fatura", "_" * 80 + "\n[X]\n[image: logo]\n" + "_" * 80, html) == "pt"
    links = " ".join(f"<https://t.example/c/{i}x{i * 7}>" for i in range(30))
    assert language_of("Fatura", links, html) == "pt"
    assert language_of("Fatura", _ENGLISH, html) == "en"  # a text part that calls is read


_PLAIN_LINK = re.compile(r"<?(?:https?://|www\.)[^\s>]*+>?", re.IGNORECASE)


@given(st.text(alphabet=st.sampled_from(["<", ">", " ", "\n", "h", "H", "t", "p", "s", ":",
                                         "/", "w", "W", ".", "x", "é"]), max_size=60))
def test_the_links_left_out_are_those_of_the_plain_pattern(text):
    # The pattern is written to start with a character class for speed; it must remove exactly
    # what the obvious pattern does, the links in angle brackets with their brackets.
    assert LINK_PATTERN.sub(" ", text) == _PLAIN_LINK.sub(" ", text)
    assert LINK_PATTERN.sub(" ", f"a <{text}https://x.example/{text}> b") == \
        _PLAIN_LINK.sub(" ", f"a <{text}https://x.example/{text}> b")


def test_bytes_the_identifier_cannot_take_give_no_language_not_an_error():
    assert language_of("\x00\x01", "\ud800 broken surrogate \x7f" * 3) in ("", "en")


def test_outbound_mail_teaches_and_one_internal_message_in_sixteen_does():
    out = mail("a@acme.com", ("x@partner.example",), direction="outbound")
    assert teaching_sample(out) and not teaching_sample(mail("x@partner.example"))
    internal = [mail("a@acme.com", ("b@acme.com",), direction="internal",
                     message_id=f"<i{i}@acme.com>") for i in range(4000)]
    sampled = [r for r in internal if teaching_sample(r)]
    assert abs(len(sampled) - 4000 / INTERNAL_SAMPLE) < 60
    assert [teaching_sample(r) for r in internal] == [teaching_sample(r) for r in internal]


# ----------------------------------------------------------------- learning


def test_the_tenant_learns_the_languages_its_own_mail_is_written_in():
    _, state = _run(*_written(_ENGLISH), *_written(_POLISH))
    assert _languages(state) == ["en", "pl"]


def test_forged_outbound_mail_teaches_no_language():
    forged = _written(_BOLETO, 1, auth=("fail", "fail", "fail"))
    _, state = _run(*_written(_ENGLISH), *forged)
    assert _languages(state) == ["en"]


def _languages(state: PartitionState) -> list[str]:
    """The languages the state has learned for tenant ``acme``."""
    probe = mail()
    return state.snapshot(probe, extract(probe)[0]).tenant.languages


# ----------------------------------------------------------------- the late tier


@pytest.mark.parametrize("text", [_BOLETO, _PRIZE])
def test_a_strangers_warning_in_a_language_the_tenant_never_writes_is_quarantined(text):
    ds, _ = _run(*_written(_ENGLISH), _lure(text))
    d = ds[-1]
    h = hits_of(d)["unfamiliar_language"]
    assert h["language"] in ("pt", "nl") and h["tenant_languages"] == "en"
    assert h["attack_type"] not in ("any", "none") and h["score"] < 0.5
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


def test_the_same_lure_in_the_tenants_own_language_stays_a_warning():
    ds, _ = _run(*_written(_ENGLISH), *_written(_BOLETO), _lure())
    assert "unfamiliar_language" not in hits_of(ds[-1]) and ds[-1].action == "warn"


def test_a_message_the_model_calls_harmless_is_not_read():
    # The late tier runs on warnings only: it never acts alone.
    ds, _ = _run(*_written(_ENGLISH), _lure(), probability=0.05)
    assert "unfamiliar_language" not in hits_of(ds[-1]) and ds[-1].action == "allow"


def test_a_tenant_that_has_written_nothing_learns_before_it_judges():
    ds, _ = _run(_lure())
    assert "unfamiliar_language" not in hits_of(ds[-1]) and ds[-1].action == "warn"


def test_a_correspondent_writing_another_language_is_no_stranger():
    partner = "joao@parceiro.example"
    reply = mail("anna.berg@acme.com", (partner,), direction="outbound", subject="Re: order",
                 text=_ENGLISH, t=T0 + 3600)
    ds, _ = _run(*_written(_ENGLISH), reply,
                 mail(partner, ("anna.berg@acme.com",), subject="Fatura", text=_BOLETO,
                      urls=_LINK, t=T0 + DAY))
    assert "unfamiliar_language" not in hits_of(ds[-1])


def test_the_late_tier_reads_a_message_once_however_often_it_is_decided():
    # The campaign memory decides a batch's messages again: language identification, the
    # dear part, must not run twice.
    cascade = Cascade(models=_WarnOnly())
    (late,) = [d for d in cascade.late if d.name == "unfamiliar_language"]
    calls = []
    detect = late.detect
    late.detect = lambda ctx: calls.append(ctx.record.message_id) or detect(ctx)  # type: ignore[method-assign]
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    assessments = cascade.assess_batch(state, [*_written(_ENGLISH), _lure()])
    cascade.models.score(assessments)
    first = [cascade.decide(a) for a in assessments]
    again = [cascade.decide(a) for a in assessments]
    assert first == again and first[-1].action == "quarantine"
    assert calls == [assessments[-1].record.message_id]


def test_without_a_model_the_late_tier_never_runs():
    # The heuristics-only decision (no artifact, as in the training replay) is what it was.
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    ds = Cascade().score_batch(state, [*_written(_ENGLISH), _lure()])
    assert "unfamiliar_language" not in hits_of(ds[-1])


def test_switched_off_in_the_scores_file_it_does_nothing():
    from detectors.cascade import load_scores

    scores = load_scores()
    scores["detectors"] = {**scores["detectors"], "unfamiliar_language": {"enabled": False}}
    ds, _ = _run(*_written(_ENGLISH), _lure(), scores=scores)
    assert "unfamiliar_language" not in hits_of(ds[-1]) and ds[-1].action == "warn"


def test_an_invalid_score_refuses_to_start():
    from detectors.cascade import load_scores

    scores = load_scores()
    scores["detectors"] = {**scores["detectors"], "unfamiliar_language": {"score": 1.5}}
    with pytest.raises(DetectorConfigError, match="unfamiliar_language"):
        Cascade(scores)


# ----------------------------------------------------------------- declared languages


def _declare(state: PartitionState, kind: str, language: str, tenant: str = "acme") -> None:
    entry = DirectoryEntry.from_dict({"schema_version": 1, "tenant_id": tenant, "kind": kind,
                                      "language": language})
    state.apply_directory(entry, display_key="", domain="")


def _judged(state: PartitionState, *records):
    return Cascade(models=_WarnOnly()).score_batch(state, list(records))


@pytest.mark.parametrize("tenant", ["acme", "*"])
def test_a_declared_language_is_no_strangers_sign_and_taking_it_back_restores_it(tenant):
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    _judged(state, *_written(_ENGLISH))
    _declare(state, "tenant_language", "pt", tenant)
    d = _judged(state, _lure())[0]
    assert "unfamiliar_language" not in hits_of(d) and d.action == "warn"
    _declare(state, "cleared_tenant_language", "pt", tenant)
    d = _judged(state, _lure(sender="boletos@outra-central.example"))[0]
    assert hits_of(d)["unfamiliar_language"]["language"] == "pt"


def test_declaring_twice_or_clearing_what_is_absent_rewrites_nothing():
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    _judged(state, *_written(_ENGLISH))
    state.commit(state.changes(), 1, None)
    _declare(state, "cleared_tenant_language", "pt")
    assert not state.changes()
    _declare(state, "tenant_language", "en")  # learned already
    assert not state.changes()
    _declare(state, "tenant_language", "pt")
    assert _languages(state) == ["en", "pt"]
    # A learned language can be taken back too (the tenant's mail may teach it again).
    _declare(state, "cleared_tenant_language", "en")
    assert _languages(state) == ["pt"]


def test_languages_for_every_tenant_only_add_to_a_tenants_own():
    # A tenant that has written nothing has no languages of its own: no hit, as before.
    state = PartitionState(MemoryStore(), decay=NO_DECAY)
    _declare(state, "tenant_language", "en", "*")
    d = _judged(state, _lure())[0]
    assert "unfamiliar_language" not in hits_of(d)


@pytest.mark.parametrize(("doc", "error"), [
    ({"kind": "tenant_language"}, "needs 'language'"),
    ({"kind": "tenant_language", "language": "Portuguese"}, "ISO 639"),
    ({"kind": "cleared_tenant_language", "language": "pt_BR"}, "ISO 639"),
    ({"kind": "vendor", "domain": "x.example", "language": "pt"}, "no other kind"),
])
def test_a_language_entry_names_one_language_and_no_other_kind_takes_one(doc, error):
    with pytest.raises(SchemaError, match=error):
        DirectoryEntry.from_dict({"schema_version": 1, "tenant_id": "acme", **doc})
