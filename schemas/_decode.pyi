"""Types of ``schemas/_decode.c``: MailRecord's fast decoding pass in C."""

from typing import Any

from schemas.records import MailRecord

def configure(mail_type: type, address_type: type, url_type: type, attachment_type: type,
              auth_type: type, directions: frozenset[str], auth_outcomes: frozenset[str],
              all_tenants: str, schema_version: int) -> None: ...
def fast_mail(doc: Any) -> MailRecord | None: ...
def direct() -> list[type]: ...
