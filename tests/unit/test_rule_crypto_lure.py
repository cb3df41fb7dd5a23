"""A stranger's crypto lure (``detectors/rules/crypto.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detectors import Cascade, DetectorConfigError
from detectors.lexicon import scan_text
from schemas.records import Attachment
from tests.factories import T0, mail
from tests.unit.test_rules import _WarnOnly, hits_of, verdicts

_DRAINER = ("Dear client, we regret to inform you that Ledger has fallen victim to a data "
            "breach. Your Ledger wallet may be at risk: restore it with your recovery phrase "
            "before 14 March to keep your assets.")
_GIVEAWAY = ("Exciting news! You've been chosen to receive 100,000 $TIP coins from the "
             "Tipcoin airdrop. Claim them for your wallet on our page before Friday.")
_BALANCE = ("You have received a new transaction of + 0.9473 BTC ($64,122). Your Bitcoin "
            "balance is waiting: click below to withdraw it to your bank.")
_LINK = ("https://ledger-restore.example/start",)


def test_a_strangers_wallet_drainer_is_held_as_credential_phishing():
    # Decisive: held even by a model that reads the text as harmless.
    d = verdicts(mail("support@canix.example", name="Ledger", subject="Data Breach",
                      text=_DRAINER, urls=_LINK),
                 cascade=Cascade(models=_WarnOnly(probability=0.05)))[0]
    h = hits_of(d)["crypto_lure"]
    assert (h["attack_type"], h["topic"]) == ("credential_phishing", "recovery phrase")
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


_FTX_CLAIM = ("Withdrawals are now available. Dear customer, you have been identified as an "
              "eligible client to begin withdrawing digital assets from your FTX account.")


@pytest.mark.parametrize("text", [_GIVEAWAY, _BALANCE, _FTX_CLAIM])
def test_giveaways_and_balances_to_withdraw_are_scams(text):
    d = verdicts(mail("rewards@tipcoin-news.example", text=text, urls=_LINK),
                 cascade=Cascade(models=_WarnOnly(probability=0.05)))[0]
    assert hits_of(d)["crypto_lure"]["attack_type"] == "scam"
    assert d.action in ("quarantine", "block")


def test_a_sender_whose_lures_were_held_three_times_is_flagged():
    lures = [mail("news@freecoin.example", (f"u{i}@acme.com",), text=_GIVEAWAY, urls=_LINK,
                  t=T0 + i * 600) for i in range(3)]
    later = mail("news@freecoin.example", ("u9@acme.com",), subject="Monthly contest",
                 t=T0 + 86_400, text="Your stats for August: play big, win big.", urls=_LINK)
    ds = verdicts(*lures, later, cascade=Cascade(models=_WarnOnly(probability=0.05)))
    assert all("crypto_lure" in hits_of(d) for d in ds[:3])
    h = hits_of(ds[3])
    assert "crypto_lure" not in h and h["flagged_sender"]["flagged"] == 3.0
    assert ds[3].action in ("quarantine", "block")


def test_one_coin_word_and_an_amount_in_it_with_a_file_is_a_lure():
    # The "0.7495 BTC" campaign: one coin word, the amount, a PDF named like the subject,
    # no link and no lure phrase; an amount needs its decimals.
    text = "Your mining balance is ready. Open the document for the details. Cheers,"
    pdf = Attachment("Mining_balance_0.7495_BTC.pdf", "application/pdf", 41_000)
    lure = replace(mail("rufina.v1988@gmail.com", subject="Mining_balance_0.7495_BTC",
                        text=text), attachments=(pdf,))
    d = verdicts(lure, cascade=Cascade(models=_WarnOnly(probability=0.05)))[0]
    assert hits_of(d)["crypto_lure"]["attack_type"] == "scam"
    code = replace(lure, subject="Quote: HP EliteDesk 800 G1 USDT", message_id="<q@test>")
    assert "crypto_lure" not in hits_of(verdicts(code)[0])


def test_a_fake_earnings_balance_to_withdraw_is_a_lure():
    # phishing_pot's "You are now rich +27,165$ on your balance!": one coin word, dollars,
    # the call to withdraw, the instructions in a PDF.
    text = ("It has been 364 days since you joined our platform for automatic Bitcoin "
            "earning. Your account will be blocked in 24 hours. Please withdraw any "
            "remaining funds as soon as possible: see the attached PDF.")
    pdf = Attachment("Withdraw_your_14,425$.pdf", "application/pdf", 38_000)
    lure = replace(mail("perla.plumb@gmail.com", subject="+27,889$! Need to move",
                        text=text), attachments=(pdf,))
    d = verdicts(lure, cascade=Cascade(models=_WarnOnly(probability=0.05)))[0]
    assert hits_of(d)["crypto_lure"]["attack_type"] == "scam"
    # "withdraw" is crypto only beside a coin: a bank's or a conference's is not the topic
    bank = replace(lure, text="You may withdraw your funds at any branch; see the PDF.",
                   message_id="<bank@test>")
    assert "crypto_lure" not in hits_of(verdicts(bank)[0])


def test_an_amount_in_a_coin_is_itself_the_bait():
    text = ("Below are the bitcoin details I found in the lost bag at the stadium. Website: "
            "CRYPTONCOIN.NET ID: 37405796. The current balance is 80.9 BTC or $1,314,103. Let "
            "me know how we can cash the funds.")
    d = verdicts(mail("kelly.w@noble-school.example", subject="Re: Bitcoin details", text=text),
                 cascade=Cascade(models=_WarnOnly(probability=0.05)))[0]
    assert hits_of(d)["crypto_lure"]["attack_type"] == "scam"
    assert d.action in ("quarantine", "block")


@pytest.mark.parametrize("text", [
    # a developer's crypto talk@pytest.mark.parametrize("text", [
    # a developer's crypto talk: "crypto" and "tokens" are crypto only beside a coin
    "The crypto module signs the tokens with the key; see https://lists.example/thread",
    # a leather wallet and access tokens
    "Lost your wallet at the conference? The desk keeps the tokens for the cloakroom. "
    "https://conf.example/lost",
])
def test_a_word_that_is_crypto_only_beside_another_is_not_the_topic(text):
    d = verdicts(mail("events@conf.example", text=text, urls=_LINK))[0]
    assert "crypto_lure" not in hits_of(d)


@pytest.mark.parametrize("word", ["blockchain", "BNB", "zkSync", "DeBank", "Illuvium",
                                  "Etherfi", "Ledger device"])
def test_one_word_of_the_topic_only_confirms_a_models_warning(word):
    text = f"Our {word} talk is on Tuesday: https://conf.example/agenda"
    quiet = verdicts(mail("events@conf.example", text=text, urls=_LINK),
                     cascade=Cascade(models=_WarnOnly(probability=0.05)))[0]
    h = hits_of(quiet)
    assert "crypto_lure" not in h and h["crypto_mention"]["score"] == 0.45
    assert quiet.action == "allow"
    warned = verdicts(mail("events@conf.example", text=text, urls=_LINK),
                      cascade=Cascade(models=_WarnOnly(probability=0.6)))[0]
    assert (warned.action, warned.decided_by) == ("quarantine", "corroborated")


def test_the_senders_name_counts_as_a_word_of_the_topic():
    # phishing_pot: "Uni-Airdrop" writing "Claim 26000 UNI Now": the text names no asset
    claim = mail("drop@jb13kai.example", name="Uni-Airdrop", subject="Claim 26000 UNI Now",
                 text="Your allocation is ready. Claim it today.", urls=_LINK)
    warned = verdicts(claim, cascade=Cascade(models=_WarnOnly(probability=0.6)))[0]
    assert "crypto_mention" in hits_of(warned)
    assert (warned.action, warned.decided_by) == ("quarantine", "corroborated")
    # beside one word of the text's, the name makes the topic: a lure of its own
    wallet = replace(claim, text="Connect your wallet to claim your allocation.")
    assert "crypto_lure" in hits_of(verdicts(wallet)[0])
    # ... as beside two words that are crypto only beside an asset ("withdraw your tokens")
    ftx = replace(claim, sender=replace(claim.sender, name="Binance Support"),
                  text="Withdraw your tokens before the window closes.")
    assert "crypto_lure" in hits_of(verdicts(ftx)[0])
    # a person's name is no asset, nor is a word only crypto beside one ("Token Ring Team")
    for name in ("Hiba Levi", "Token Ring Team"):
        plain = replace(claim, sender=replace(claim.sender, name=name))
        assert not {"crypto_mention", "crypto_lure"} & set(hits_of(verdicts(plain)[0]))
    # "Ledger" in a name is the wallet maker ("Hiba from Ledger"), in a text bookkeeping
    ledger = replace(claim, sender=replace(claim.sender, name="Hiba from Ledger"),
                     text="Your bitcoin device needs the new firmware today.")
    assert "crypto_lure" in hits_of(verdicts(ledger)[0])
    books = replace(claim, sender=replace(claim.sender, name="Hiba Levi"),
                    text="The general ledger is closed; the bitcoin invoice is attached.")
    assert "crypto_lure" not in hits_of(verdicts(books)[0])


def test_the_topic_with_nothing_to_act_on_is_not_a_lure():
    text = "Bitcoin and Ethereum both fell this week; our analysts expect a quiet quarter."
    assert scan_text("", text).crypto_asset == 2
    assert "crypto_lure" not in hits_of(verdicts(mail("desk@research.example", text=text))[0])


def test_a_correspondents_crypto_mail_is_business_as_usual():
    reply = mail("bob@acme.com", ("fund@custody.example",), direction="outbound", t=T0,
                 text="Please send the custody statement.")
    statement = mail("fund@custody.example", t=T0 + 3600, subject="Statement",
                     text="Your Bitcoin and USDT balances are attached; claim the staking "
                          "rewards in the portal.", urls=("https://custody.example/portal",))
    assert "crypto_lure" not in hits_of(verdicts(reply, statement)[1])


def test_a_brands_notice_its_domain_vouches_for_is_not_a_lure():
    notice = dict(subject="New device", urls=("https://www.binance.com/security",),
                  text="A new device signed in to your Binance account. If this was not "
                       "you, lock your account and protect your crypto wallet now.")
    signed = mail("do-not-reply@post.binance.com", auth=("pass", "pass", "pass"), **notice)
    assert "crypto_lure" not in hits_of(verdicts(signed)[0])
    forged = mail("do-not-reply@post.binance.com", auth=("fail", "fail", "fail"), **notice)
    assert "crypto_lure" in hits_of(verdicts(forged)[0])


@pytest.mark.parametrize("detector", ["crypto_lure", "crypto_mention"])
def test_an_invalid_score_refuses_to_start(detector):
    with pytest.raises(DetectorConfigError, match=detector):
        Cascade({"detectors": {detector: {"score": 1.5}}})
