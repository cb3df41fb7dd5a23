"""The synthetic traffic generator: determinism, labels apart from the stream, realism contract.

These tests read as the generator's specification: what a benchmark may rely on (order,
determinism, labels), and what each scenario must carry for a detector to find it the way it
would in real mail (behaviour and content), never an artefact of the generator.
"""

from __future__ import annotations

import inspect
import json
import re
import string
from collections import Counter, defaultdict
from pathlib import Path

import orjson
import pytest

from bench.generate import ATTACK_SCENARIOS, EPOCH, HAM_SCENARIOS, Label, generate, write_stream
from schemas.codec import decode_mail, encode_mail
from schemas.records import ATTACK_TYPES, MailRecord

DAY = 86_400
FREEMAIL = {"gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "aol.com",
            "proton.me", "gmx.com"}
RISKY_EXTENSIONS = (".iso", ".img", ".lnk", ".html", ".htm", ".one", ".docm", ".xlsm", ".exe",
                    ".scr", ".js", ".vbs")

# A moderate run with a higher attack rate: 2 tenants, 20 days, warm-up of 8 days.
MODERATE = {"tenants": 2, "days": 20, "seed": 11, "attack_rate": 0.05}
MODERATE_WARMUP = 20 * 2 // 5


@pytest.fixture(scope="module")
def moderate() -> list[tuple[MailRecord, Label]]:
    return list(generate(MODERATE["tenants"], MODERATE["days"], MODERATE["seed"],
                         attack_rate=MODERATE["attack_rate"]))


@pytest.fixture(scope="module")
def tenant_domains(moderate: list[tuple[MailRecord, Label]]) -> dict[str, set[str]]:
    domains: dict[str, set[str]] = defaultdict(set)
    for record, _ in moderate:
        if record.direction == "internal":
            domains[record.tenant_id].add(record.sender.domain)
    return domains


def _files(out: Path) -> tuple[bytes, bytes, bytes]:
    return ((out / "stream.jsonl").read_bytes(), (out / "labels.jsonl").read_bytes(),
            (out / "manifest.json").read_bytes())


# ------------------------------------------------------------------ determinism and files


def test_same_arguments_give_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first = write_stream(tmp_path / "a", tenants=2, days=5, seed=5, progress=False,
                         attack_rate=0.05, warmup_days=1)
    write_stream(tmp_path / "b", tenants=2, days=5, seed=5, progress=False, attack_rate=0.05,
                 warmup_days=1)
    write_stream(tmp_path / "c", tenants=2, days=5, seed=6, progress=False, attack_rate=0.05,
                 warmup_days=1)
    assert first["messages"] > 500
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    a_stream, a_labels, _ = _files(tmp_path / "a")
    c_stream, c_labels, _ = _files(tmp_path / "c")
    assert a_stream != c_stream
    assert a_labels != c_labels


def test_labels_travel_apart_keyed_by_message_id_one_per_message(tmp_path: Path) -> None:
    manifest = write_stream(tmp_path, tenants=2, days=6, seed=2, progress=False,
                            attack_rate=0.05, warmup_days=2)
    stream = [orjson.loads(line) for line in (tmp_path / "stream.jsonl").read_bytes().splitlines()]
    labels = [orjson.loads(line) for line in (tmp_path / "labels.jsonl").read_bytes().splitlines()]
    ids = [doc["message_id"] for doc in stream]
    assert len(ids) == len(set(ids)) == manifest["messages"]
    assert Counter(lab["message_id"] for lab in labels) == Counter(ids)
    for doc in stream:
        assert not {"label", "attack_type", "scenario"} & set(doc)
        decode_mail(orjson.dumps(doc))
    for lab in labels:
        assert set(lab) == {"message_id", "tenant_id", "label", "attack_type", "scenario"}
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert on_disk == json.loads(json.dumps(manifest))
    assert on_disk["seed"] == 2
    assert sum(on_disk["by_scenario"].values()) == manifest["messages"]
    assert sum(on_disk["by_attack_type"].values()) == manifest["messages"]
    assert {t["tenant_id"] for t in on_disk["tenants"]} == {doc["tenant_id"] for doc in stream}


def test_generate_is_lazy_and_validates_its_arguments() -> None:
    stream = generate(1, 3, 1)
    assert inspect.isgenerator(stream)
    record, label = next(stream)
    assert record.message_id == label.message_id
    for bad in ({"tenants": 0, "days": 3}, {"tenants": 1, "days": 0}):
        with pytest.raises(ValueError):
            next(generate(bad["tenants"], bad["days"], 1))
    with pytest.raises(ValueError):
        next(generate(1, 3, 1, attack_rate=1.5))
    with pytest.raises(ValueError):
        next(generate(1, 3, 1, warmup_days=4))


def test_default_size_run_is_in_the_advertised_range() -> None:
    count = sum(1 for _ in generate(tenants=3, days=30, seed=1))
    assert 10_000 <= count <= 40_000


# ------------------------------------------------------------------ labels and scenarios


def test_labels_are_consistent(moderate: list[tuple[MailRecord, Label]]) -> None:
    for record, label in moderate:
        assert label.message_id == record.message_id
        assert label.tenant_id == record.tenant_id
        assert label.attack_type in ATTACK_TYPES
        if label.label == "attack":
            assert ATTACK_SCENARIOS[label.scenario] == label.attack_type
        else:
            assert label.label == "ham"
            assert label.attack_type == "none"
            assert label.scenario in HAM_SCENARIOS


def test_every_attack_type_and_scenario_is_present(moderate: list[tuple[MailRecord, Label]]
                                                   ) -> None:
    attack_types = {lab.attack_type for _, lab in moderate if lab.label == "attack"}
    scenarios = {lab.scenario for _, lab in moderate if lab.label == "attack"}
    assert attack_types == set(ATTACK_TYPES) - {"none"}
    assert scenarios == set(ATTACK_SCENARIOS)
    share = sum(lab.label == "attack" for _, lab in moderate) / len(moderate)
    assert 0.005 < share < 0.1


def test_hard_ham_is_present_after_the_warmup(moderate: list[tuple[MailRecord, Label]]) -> None:
    cutoff = EPOCH + MODERATE_WARMUP * DAY
    late = {lab.scenario for rec, lab in moderate if rec.received_at >= cutoff}
    assert {"vendor_invoice_legit", "password_reset_notice", "exec_internal_payment",
            "new_customer_inquiry", "newsletter", "notification"} <= late


def test_attacks_start_only_after_the_warmup(moderate: list[tuple[MailRecord, Label]]) -> None:
    cutoff = EPOCH + MODERATE_WARMUP * DAY
    attacks = [rec for rec, lab in moderate if lab.label == "attack"]
    assert attacks
    assert min(rec.received_at for rec in attacks) >= cutoff
    assert sum(rec.received_at < cutoff for rec, _ in moderate) > 1000


def test_stream_is_time_ordered_within_the_simulated_period(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    times = [rec.received_at for rec, _ in moderate]
    assert times == sorted(times)
    assert times[0] >= EPOCH
    assert times[-1] < EPOCH + MODERATE["days"] * DAY
    assert len({rec.tenant_id for rec, _ in moderate}) == MODERATE["tenants"]


def test_records_round_trip_through_the_codec(moderate: list[tuple[MailRecord, Label]]) -> None:
    for record, _ in moderate:
        assert decode_mail(encode_mail(record)) == record


# ------------------------------------------------------------------ no label leakage


def test_no_field_or_header_names_the_truth(moderate: list[tuple[MailRecord, Label]]) -> None:
    identifiers = [s.encode() for s in (*ATTACK_SCENARIOS, *HAM_SCENARIOS, *ATTACK_TYPES)
                   if "_" in s]
    for record, _ in moderate:
        for key, value in record.headers.items():
            for word in ("attack", "scenario", "label", "synthetic"):
                assert word not in key.lower()
                assert word not in value.lower()
        raw = encode_mail(record)
        assert not any(ident in raw for ident in identifiers)


def _id_shape(message_id: str) -> tuple[str, str]:
    local, _, domain = message_id.strip("<>").rpartition("@")
    suffix = next((s for s in ("mail.gmail.com", "prod.outlook.com", "mail.yahoo.com",
                               "icloud.com", "proton.me") if domain.endswith(s)), "*")
    return re.sub(r"[0-9A-Za-z+_=-]", "x", local), suffix


def test_attack_message_ids_look_like_legitimate_ones(moderate: list[tuple[MailRecord, Label]]
                                                      ) -> None:
    pattern = re.compile(r"^<[^<>@\s]+@[^<>@\s]+\.[a-z]+>$")
    ham_shapes = {_id_shape(rec.message_id) for rec, lab in moderate if lab.label == "ham"}
    for record, label in moderate:
        assert pattern.match(record.message_id), record.message_id
        if label.label == "attack":
            assert _id_shape(record.message_id) in ham_shapes, record.message_id


def test_every_message_has_realistic_text_and_fields(moderate: list[tuple[MailRecord, Label]]
                                                     ) -> None:
    for record, _ in moderate:
        assert 300 <= len(record.text) <= 3000, (record.message_id, len(record.text))
        assert record.subject
        assert record.client_ip.count(".") == 3
        for url in record.urls:
            assert url.url in record.text
        for attachment in record.attachments:
            assert re.fullmatch(r"[0-9a-f]{64}", attachment.sha256)
            assert attachment.size > 0 and attachment.content_type


# ------------------------------------------------------------------ the world's structure


def test_directions_match_the_tenant_domains(moderate: list[tuple[MailRecord, Label]],
                                             tenant_domains: dict[str, set[str]]) -> None:
    for record, _ in moderate:
        own = tenant_domains[record.tenant_id]
        rcpt_domains = {a.rpartition("@")[2] for a in record.recipients}
        if record.direction == "internal":
            assert record.sender.domain in own and rcpt_domains <= own
        elif record.direction == "outbound":
            assert record.sender.domain in own and rcpt_domains - own
        else:
            assert rcpt_domains & own


def test_replies_continue_earlier_threads(moderate: list[tuple[MailRecord, Label]]) -> None:
    seen: dict[str, float] = {}
    replies = 0
    for record, _ in moderate:
        if record.in_reply_to:
            assert record.references[-1] == record.in_reply_to
            assert record.subject.startswith("Re: ")
            if record.in_reply_to in seen:
                assert seen[record.in_reply_to] <= record.received_at
                replies += 1
        seen[record.message_id] = record.received_at
    assert replies > len(moderate) // 10


def test_graph_is_heavy_tailed(moderate: list[tuple[MailRecord, Label]],
                               tenant_domains: dict[str, set[str]]) -> None:
    out_degree: dict[str, set[str]] = defaultdict(set)
    for record, lab in moderate:
        if record.direction == "internal" and lab.scenario == "normal":
            out_degree[record.sender.address].update(record.recipients)
    degrees = sorted((len(v) for v in out_degree.values()), reverse=True)
    median = degrees[len(degrees) // 2]
    assert degrees[0] >= 3 * median


def test_newsletters_carry_list_headers_and_several_links(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    newsletters = [rec for rec, lab in moderate if lab.scenario == "newsletter"]
    assert newsletters
    for record in newsletters:
        assert "List-Unsubscribe" in record.headers
        assert record.html and len(record.urls) >= 4


# ------------------------------------------------------------------ what each attack carries


def _history(moderate: list[tuple[MailRecord, Label]]):
    """Per tenant, from legitimate mail so far: senders, /24s per sender, name -> domains."""
    senders: dict[str, set[str]] = defaultdict(set)
    nets: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for record, label in moderate:
        yield record, label, senders[record.tenant_id], nets, names[record.tenant_id]
        if label.label == "attack":
            continue  # history is what a detector would have learned from legitimate mail
        senders[record.tenant_id].add(record.sender.address)
        nets[(record.tenant_id, record.sender.address)].add(record.client_ip.rsplit(".", 1)[0])
        for mailbox in (record.sender, *record.to, *record.cc):
            names[record.tenant_id][mailbox.name].add(mailbox.domain)


def test_impersonation_uses_a_real_name_on_a_never_seen_freemail_address(
        moderate: list[tuple[MailRecord, Label]], tenant_domains: dict[str, set[str]]) -> None:
    checked = 0
    for record, label, senders, _, names in _history(moderate):
        if label.scenario in ("exec_impersonation_freemail", "payroll_diversion",
                              "gift_card") and not record.in_reply_to:
            assert record.sender.domain in FREEMAIL
            assert record.sender.address not in senders
            own = tenant_domains[record.tenant_id]
            display = record.sender.name.split(" (")[0].split(" - ")[0]
            assert names[display] & own, display
            assert record.auth.dmarc == "pass"
            checked += 1
    assert checked


def test_lookalike_vendor_borrows_a_known_identity_from_a_new_domain(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    checked = 0
    for record, label, senders, _, names in _history(moderate):
        if label.scenario == "vendor_lookalike_bank_change" and not record.in_reply_to:
            domain = record.sender.domain
            assert not any(s.endswith("@" + domain) for s in senders)
            assert names[record.sender.name] - {domain}, record.sender.name
            checked += 1
    assert checked


def test_compromised_vendor_sends_from_its_real_address_but_a_new_network(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    checked = 0
    for record, label, senders, nets, _ in _history(moderate):
        if label.scenario == "vendor_compromise_invoice":
            net = record.client_ip.rsplit(".", 1)[0]
            known = nets[(record.tenant_id, record.sender.address)]
            if record.sender.address in senders:
                assert net not in known
                checked += 1
            assert record.urls or any(a.filename.endswith(".htm") for a in record.attachments)
    assert checked


def test_lateral_phishing_fans_out_internally_from_a_foreign_network(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    checked = 0
    for record, label, _, nets, _ in _history(moderate):
        if label.scenario == "lateral_phishing" and record.direction == "internal":
            assert len(record.recipients) >= 4
            assert record.client_ip.rsplit(".", 1)[0] not in nets[(record.tenant_id,
                                                                   record.sender.address)]
            assert record.urls
            checked += 1
    assert checked


def test_brand_phishing_fails_dmarc_and_links_away(moderate: list[tuple[MailRecord, Label]]
                                                   ) -> None:
    phish = [rec for rec, lab in moderate if lab.scenario == "credential_phish_brand"]
    assert phish
    for record in phish:
        assert record.auth.dmarc in ("fail", "none")
        assert record.urls or record.attachments


def test_malware_lures_carry_risky_attachments(moderate: list[tuple[MailRecord, Label]]) -> None:
    lures = [rec for rec, lab in moderate if lab.scenario == "malware_lure"]
    assert lures
    for record in lures:
        names = [a.filename.lower() for a in record.attachments]
        assert any(n.endswith(RISKY_EXTENSIONS) for n in names), names


def test_spam_waves_hit_several_tenants_from_shared_domains(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    tenants_by_domain: dict[str, set[str]] = defaultdict(set)
    for record, label in moderate:
        if label.scenario == "spam_wave":
            tenants_by_domain[record.sender.domain].add(record.tenant_id)
    assert tenants_by_domain
    assert max(len(t) for t in tenants_by_domain.values()) == MODERATE["tenants"]


# ------------------------------------------------------------------ consumer-facing mail

CONSUMER_LURES = ("consumer_account_alert", "delivery_lure", "prize_lure", "subscription_lure",
                  "advance_fee", "extortion", "payment_lure", "product_spam")
CONSUMER_HAM = ("consumer_newsletter", "shipping_notice", "account_security_notice",
                "billing_notice", "loyalty_statement", "survey_invitation")
# A few words frequent in each language's mail and rare in the others'.
LANGUAGE_WORDS = {
    "de": {"ihr", "ihre", "sie", "und", "wir", "bitte", "nicht", "die", "der", "ist"},
    "fr": {"votre", "vous", "nous", "pour", "est", "merci", "sur"},
    "es": {"su", "tu", "para", "hemos", "por", "del", "gracias"},
    "nl": {"uw", "je", "het", "een", "wij", "niet", "bij"},
    "pt": {"sua", "seu", "não", "foi", "obrigado", "na", "em"},
    "it": {"il", "suo", "tuo", "della", "per", "sono", "non"},
    "en": {"your", "you", "the", "and", "we", "please", "our"},
}
# Portuguese text is told apart as European ("pt") or Brazilian ("pt-br") by vocabulary.
PORTUGUESE_VARIANTS = {
    "pt": {"utilizador", "equipa", "morada", "encomenda", "contactos", "subscrição", "ficheiros",
           "detetámos", "registadas", "prémio", "inquérito", "si", "bónus", "portes"},
    "pt-br": {"você", "usuário", "equipe", "cadastro", "celular", "assinatura", "arquivos", "pix",
              "boleto", "cpf", "prêmio", "pesquisa", "contatos", "objeto", "fatura", "nf"},
}
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def _language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in LANGUAGE_WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang != "en"))
    if best == "pt":
        variant = {v: sum(w in vocab for w in words) for v, vocab in PORTUGUESE_VARIANTS.items()}
        return "pt-br" if variant["pt-br"] > variant["pt"] else "pt"
    return best


def test_brazilian_portuguese_has_its_own_templates() -> None:
    from bench import generate as gen

    assert "pt-br" in gen._LANGS and len(gen._LANG_WEIGHTS) == len(gen._LANGS)
    share = dict(zip(gen._LANGS, gen._LANG_WEIGHTS, strict=True))
    others = [w for lang, w in share.items() if lang not in ("en", "pt-br")]
    assert min(others) <= share["pt-br"] <= max(others)
    fields = string.Formatter()
    new_slots = {"cpf", "boleto", "plate", "pix_id", "nfe", "nfe_key", "last4", "year"}
    # Slots the other languages' lures and brand mail use, and the Brazilian ones.
    known = {f for by_lang in (*gen._LURES.values(), *gen._CONSUMER_HAM.values())
             for lang, tables in by_lang.items()
             if lang != "pt-br" for table in tables for text in table
             for _, f, _, _ in fields.parse(text) if f}
    for family in CONSUMER_LURES:
        subjects, paras, anchors = gen._LURES[family]["pt-br"]
        assert len(subjects) >= 6 and len(paras) >= 6, family
        assert bool(anchors) == bool(gen._LURES[family]["en"][2]), family
        used = {f for table in (subjects, paras, anchors) for text in table
                for _, f, _, _ in fields.parse(text) if f}
        assert used <= known | new_slots, (family, used - known - new_slots)
        words = re.findall(r"[a-zà-ÿ]+", " ".join((*subjects, *paras)).lower())
        assert (sum(w in PORTUGUESE_VARIANTS["pt-br"] for w in words)
                > sum(w in PORTUGUESE_VARIANTS["pt"] for w in words)), family
        for theme in gen._LURE_THEMES_BR[family]:
            assert len(theme[1]) >= 5 and len(theme[2]) >= 5, family
    everything = " ".join(text for family in CONSUMER_LURES
                          for text in (*gen._LURES[family]["pt-br"][0],
                                       *gen._LURES[family]["pt-br"][1]))
    assert _language(everything) == "pt-br"
    for kind, tables in gen._CONSUMER_HAM.items():
        assert "pt-br" in tables, kind
        assert _language(" ".join(tables["pt-br"][0] + tables["pt-br"][1])) == "pt-br", kind
        assert _language(" ".join(tables["pt"][0] + tables["pt"][1])) == "pt", kind
    assert any("pt-br" in spec[4] and spec[3].endswith(".com.br")
               for spec in gen._CONSUMER_BRANDS.values())


def test_consumer_lures_have_their_attack_types(moderate: list[tuple[MailRecord, Label]]
                                                ) -> None:
    expected = {"consumer_account_alert": "credential_phishing",
                "delivery_lure": "credential_phishing", "payment_lure": "credential_phishing",
                "prize_lure": "scam", "subscription_lure": "scam", "advance_fee": "scam",
                "extortion": "scam", "product_spam": "spam"}
    assert {s: ATTACK_SCENARIOS[s] for s in CONSUMER_LURES} == expected
    seen = Counter(lab.scenario for _, lab in moderate if lab.scenario in CONSUMER_LURES)
    assert set(seen) == set(CONSUMER_LURES)
    attacks = sum(lab.label == "attack" for _, lab in moderate)
    assert 0.3 < sum(seen.values()) / attacks < 0.6


def test_consumer_ham_and_local_business_mail_are_present(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    cutoff = EPOCH + MODERATE_WARMUP * DAY
    late = Counter(lab.scenario for rec, lab in moderate if rec.received_at >= cutoff)
    for scenario in (*CONSUMER_HAM, "business_local_language"):
        assert late[scenario] > 0, scenario
    local = [rec for rec, lab in moderate if lab.scenario == "business_local_language"]
    assert {rec.direction for rec in local} == {"internal", "inbound", "outbound"}
    assert all(_language(rec.text) in ("de", "fr", "es", "nl") for rec in local
               if not rec.in_reply_to)


def test_consumer_lures_come_from_never_seen_senders_and_carry_their_story(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    checked = 0
    for record, label, senders, _, _ in _history(moderate):
        if label.scenario not in CONSUMER_LURES:
            continue
        checked += 1
        assert record.direction == "inbound"
        if record.sender.address not in record.recipients:  # self-addressed extortion aside
            assert record.sender.address not in senders
        if label.scenario in ("advance_fee", "extortion"):
            assert not record.urls and not record.attachments
        if label.scenario == "extortion":
            assert re.search(r"\b(bc1q[0-9a-z]{38}|1[1-9A-HJ-NP-Za-km-z]{33})\b", record.text)
        if label.scenario in ("consumer_account_alert", "delivery_lure", "payment_lure",
                              "prize_lure", "subscription_lure", "product_spam"):
            assert record.urls or any(a.filename.endswith(".html")
                                      for a in record.attachments)
    assert checked


def test_real_brands_send_legitimate_mail_from_known_authenticated_domains(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    by_sender: Counter[tuple[str, str]] = Counter()
    for record, label in moderate:
        if label.scenario in CONSUMER_HAM:
            assert record.auth.dkim == "pass" and record.html
            assert record.urls
            by_sender[(record.tenant_id, record.sender.address)] += 1
    assert by_sender
    # Brands mail regularly: most of their messages come from senders seen several times.
    assert sum(n for n in by_sender.values() if n >= 3) > 0.8 * sum(by_sender.values())
    promos = [rec for rec, lab in moderate if lab.scenario == "consumer_newsletter"]
    assert all("List-Unsubscribe" in rec.headers for rec in promos)


def test_language_emoji_and_brand_names_do_not_mark_attacks(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    languages: dict[str, Counter[str]] = {"ham": Counter(), "attack": Counter()}
    emoji: Counter[str] = Counter()
    names: dict[str, set[str]] = {"ham": set(), "attack": set()}
    for record, label in moderate:
        if label.scenario in CONSUMER_LURES or label.scenario in CONSUMER_HAM:
            languages[label.label][_language(f"{record.subject} {record.text}")] += 1
            emoji[label.label] += bool(EMOJI.search(record.subject))
            names[label.label].add(record.sender.name)
    for counts in languages.values():
        assert len(counts) >= 5, counts
        assert counts["en"] < 0.75 * sum(counts.values())
    assert emoji["ham"] > 0 and emoji["attack"] > 0
    assert emoji["ham"] > 0.3 * emoji["attack"]
    # The brands that lures impersonate also send real mail to the same tenants.
    assert sum(any(brand in name for name in names["attack"]) for brand in names["ham"]) >= 2


def test_attacks_use_no_header_that_legitimate_mail_never_uses(
        moderate: list[tuple[MailRecord, Label]]) -> None:
    ham_headers = {k for rec, lab in moderate if lab.label == "ham" for k in rec.headers}
    attack_headers = {k for rec, lab in moderate if lab.label == "attack" for k in rec.headers}
    assert attack_headers <= ham_headers
    for field in ("reply_to", "html", "attachments", "urls", "in_reply_to"):
        ham_has = any(getattr(rec, field) for rec, lab in moderate if lab.label == "ham")
        attack_has = any(getattr(rec, field) for rec, lab in moderate if lab.label == "attack")
        assert ham_has or not attack_has, field
