"""A template sent unfilled (``detectors/rules/template.py``).

The late tier's common promises (a correspondent, a harmless message, no model, switched
off) are ``tests/unit/test_late_rules.py``'s.
"""

from __future__ import annotations

import pytest

from tests.factories import mail
from tests.unit.test_rules import hits_of, warned


@pytest.mark.parametrize(("subject", "text", "residue"), [
    ("Withdraw Process is Authorized", "Lorem ipsum dolor sit amet, consectetur.", "placeholder"),
    ("Newsletter", "Copyright © 2023 Your Company. All rights reserved.", "placeholder"),
    ('kette "[your-subject]"', "From: [your-name] <[your-email]>", "form_field"),
    ("Your account", "Dear {{first_name}}, your account needs attention.", "merge_tag"),
    ("March update", "Hello *|FNAME|*, here is our March update.", "merge_tag"),
])
def test_a_warned_strangers_unfilled_template_is_quarantined(subject, text, residue):
    d = warned(mail("wordpress@kette.example", subject=subject, text=text))[-1]
    h = hits_of(d)["template_residue"]
    assert h["residue"] == residue
    assert (d.action, d.decided_by) == ("quarantine", "corroborated")


@pytest.mark.parametrize("text", [
    "Dear Ann, your account needs attention. Regards, Mark",
    "Our template library has new designs: pick one and fill in your company's name.",
    "Use {{ variable }} in Jinja templates; %s in printf.",
])
def test_filled_templates_and_talk_about_templates_are_not_residue(text):
    d = warned(mail("news@host.example", subject="Templates", text=text))[-1]
    assert "template_residue" not in hits_of(d) and d.action == "warn"
