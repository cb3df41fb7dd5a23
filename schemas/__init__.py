"""Records on the wire: MailRecord in, Verdict out, DeadLetter for what cannot be read."""

from schemas.codec import (
    DEFAULT_MAX_RECORD_BYTES,
    decode_dead_letter,
    decode_mail,
    decode_verdict,
    encode_dead_letter,
    encode_mail,
    encode_verdict,
    read_mail_jsonl,
    write_mail_jsonl,
)
from schemas.errors import MailhawkError, MimeError, RecordTooLargeError, SchemaError
from schemas.records import (
    ACTIONS,
    ATTACK_TYPES,
    Address,
    Attachment,
    AuthResults,
    DeadLetter,
    Hit,
    MailRecord,
    SourcePosition,
    Url,
    Verdict,
)

__all__ = [
    "ACTIONS",
    "ATTACK_TYPES",
    "DEFAULT_MAX_RECORD_BYTES",
    "Address",
    "Attachment",
    "AuthResults",
    "DeadLetter",
    "Hit",
    "MailRecord",
    "MailhawkError",
    "MimeError",
    "RecordTooLargeError",
    "SchemaError",
    "SourcePosition",
    "Url",
    "Verdict",
    "decode_dead_letter",
    "decode_mail",
    "decode_verdict",
    "encode_dead_letter",
    "encode_mail",
    "encode_verdict",
    "read_mail_jsonl",
    "write_mail_jsonl",
]
