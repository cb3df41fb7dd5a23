"""A stranger's link to a Google file's bare preview (``detectors/rules/docs_preview.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.factories import T0, mail
from tests.unit.test_rules import hits_of, verdicts, warned

_DRAWING = "https://docs.google.com/drawings/d/1E-AgFS17WyQpBb9FRGgcTfPtinjSlK8SHt-z0qSFSn8"
_FILE = "https://drive.google.com/file/d/1EMONkPN8uuKTHvpM6wC-21N8mx5tAuTp"


@pytest.mark.parametrize(("link", "kind"), [
    (_DRAWING + "/preview?7272802582", "drawings"),
    (_FILE + "/preview", "file"),
    (_FILE + "/preview#54124124532", "file"),
    ("https://docs.google.com/presentation/d/1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT/preview",
     "presentation"),
])
def test_a_strangers_preview_link_is_held(link, kind):
    d = warned(mail("seeronero663@gmail.com", subject="Withdrawal error", text=link,
                    urls=(link,)), probability=0.02)[0]
    assert hits_of(d)["docs_preview"]["kind"] == kind
    assert d.action in ("quarantine", "block") and d.decided_by == "decisive"


@pytest.mark.parametrize("link", [
    _DRAWING + "/edit?usp=sharing",  # how people share: the editor, behind Google's checks
    _FILE + "/view?usp=sharing",
    "https://docs.google.com/forms/d/e/1FAIpQLSf-abcdefghijklmnopqrstuv/viewform",
    "https://preview.example/d/1EMONkPN8uuKTHvpM6wC-21N8mx5tAuTp/preview",
])
def test_sharing_links_and_other_hosts_are_not_previews(link):
    d = verdicts(mail("new.client@gmail.com", text=f"The file: {link}", urls=(link,)))[0]
    assert "docs_preview" not in hits_of(d)


def test_a_correspondents_preview_link_is_theirs_to_send():
    link = _FILE + "/preview"
    asked = mail("bob@acme.com", ("ann@partner.example",), direction="outbound")
    reply = mail("ann@partner.example", t=T0 + 60, text=link, urls=(link,))
    assert "docs_preview" not in hits_of(verdicts(asked, reply)[1])


def test_a_newsletters_preview_link_is_left_alone():
    link = _FILE + "/preview"
    record = mail("news@school.example", subject="Flyer", text=link, urls=(link,))
    record = replace(record, headers={"list-unsubscribe": "<mailto:leave@school.example>"})
    assert "docs_preview" not in hits_of(verdicts(record)[0])
