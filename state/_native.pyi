"""Types of ``state/_native.c``: the C forms of PartitionState's per-recipient loops."""

from collections.abc import Callable
from typing import Any

from state.behaviour import MessageKeys, RecipientView

def message_keys(tenant: str, sender: str, to: tuple[Any, ...], cc: tuple[Any, ...],
                 sender_domain: str, display_key: str, subject_key: str,
                 recipient_domains: tuple[str, ...], limit: int, keys_type: type
                 ) -> MessageKeys: ...
def snapshot_recipients(recipients: tuple[tuple[str, bytes, bytes, bytes], ...],
                        live: dict[bytes, Any], t: float, expiry: float, decay: Any,
                        updates_type: type, deferred_type: type, view_type: type
                        ) -> tuple[RecipientView, ...]: ...
def observe_recipients(views: tuple[RecipientView, ...],
                       recipients: tuple[tuple[str, bytes, bytes, bytes], ...],
                       live: dict[bytes, Any], undo: dict[bytes, Any], deferred: list[bytes],
                       absent: object, t: float, sender: str, inbound: bool, thread: int,
                       learn: bool, mailboxes: bool, pair_type: type, updates_type: type
                       ) -> int: ...
def prefetch_plan(message_keys: list[MessageKeys], live: dict[bytes, Any],
                  referenced: set[bytes]) -> list[bytes]: ...
def mailbox_profile(updates: Any, n: int, decay: Any, recipient_type: type) -> Any: ...
def apply_deferred(keys: list[bytes], live: dict[bytes, Any], decay: Any,
                   recipient_type: type) -> None: ...
def observe_sender(p: Any, t: float, display_name: str, reply_to_domain: str,
                   return_path_domain: str, auth: tuple[str, str, str], network: str,
                   link_domains: tuple[str, ...], attachment_types: tuple[str, ...],
                   new_recipients: int, fanout: int, decay: Any, learn: bool, flagged: bool,
                   sender_type: type) -> Any: ...
def count_verdict(p: Any, t: float, action: str, decay: Any) -> bool: ...
def encode_changes(undo: dict[bytes, Any], live: dict[bytes, Any],
                   out: dict[bytes, bytes | None], version: int,
                   dumps: Callable[[Any], bytes], encode: Callable[[Any], bytes],
                   pair_type: type, recipient_type: type, sender_type: type) -> None: ...
def decode_values(keys: list[bytes], values: list[bytes | None], live: dict[bytes, Any],
                  version: int, kinds: bytes, loads: Callable[[bytes], Any],
                  decode: Callable[[bytes, bytes], Any], pair_type: type,
                  recipient_type: type, sender_type: type) -> None: ...
