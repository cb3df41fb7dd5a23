"""Heuristic detector plugins, one family per file; :data:`REGISTRY` lists them in cascade order.

A detector with ``late = True`` is not run in the heuristics tier: the cascade runs it only to
corroborate a model warning that nothing else corroborates (see ``Cascade.late_hit``).
"""

from detectors.rules.advance_fee import AdvanceFee
from detectors.rules.attachments import AttachmentLure, AttachmentPassword
from detectors.rules.authentication import AuthFailure, MalformedFrom
from detectors.rules.authority import AuthorityClaim
from detectors.rules.balance import BalanceLure
from detectors.rules.bare_link import BareLink
from detectors.rules.brand import BrandImpersonation
from detectors.rules.brand_subject import BrandSubject
from detectors.rules.celebrity import CelebritySender
from detectors.rules.contact import ContactElsewhere
from detectors.rules.content import CampaignWave, SenderBurst, SpamContent
from detectors.rules.crypto import CryptoLure, CryptoMention
from detectors.rules.display_address import DisplayNameAddress
from detectors.rules.diverted import DivertedReply
from detectors.rules.docs_preview import DocsPreview
from detectors.rules.document import StrangerDocument
from detectors.rules.empty import EmptyMessage
from detectors.rules.first_contact import FirstContact
from detectors.rules.history import BlockedFile, BlockedLink, BlockedSender, FlaggedSender
from detectors.rules.illicit import IllicitOffer
from detectors.rules.impersonation import DisplayNameSpoof
from detectors.rules.language import UnfamiliarLanguage
from detectors.rules.legal import LegalThreat
from detectors.rules.links import LinkRisk, StrangerLink
from detectors.rules.lookalike import LookalikeDomain
from detectors.rules.obfuscation import TextObfuscation
from detectors.rules.offscreen import OffscreenContent
from detectors.rules.parcel import ParcelFee
from detectors.rules.pseudo_tld import PseudoTld
from detectors.rules.receipt import BrandReceipt
from detectors.rules.relay import FreeMailRelay
from detectors.rules.reply_to import ReplyToDivergence
from detectors.rules.share import ThrowawayShare
from detectors.rules.takeover import AccountTakeover
from detectors.rules.template import TemplateResidue
from detectors.rules.vendor import VendorFraud
from detectors.rules.vice import ViceTopic

REGISTRY = (
    FirstContact,
    DisplayNameSpoof,
    DisplayNameAddress,
    ReplyToDivergence,
    LookalikeDomain,
    BrandImpersonation,
    TextObfuscation,
    AuthFailure,
    MalformedFrom,
    LinkRisk,
    StrangerLink,
    AttachmentLure,
    AttachmentPassword,
    CryptoLure,
    CryptoMention,
    ContactElsewhere,
    BalanceLure,
    CelebritySender,
    ThrowawayShare,
    ParcelFee,
    PseudoTld,
    DocsPreview,
    EmptyMessage,
    IllicitOffer,
    FreeMailRelay,
    LegalThreat,
    VendorFraud,
    AccountTakeover,
    SpamContent,
    SenderBurst,
    CampaignWave,
    FlaggedSender,
    BlockedSender,
    BlockedLink,
    BlockedFile,
    # The late tier, cheapest first (``Cascade.late_hit`` stops at the first that
    # corroborates; bare_link last: a few-word text part beside HTML costs a page parse):
    BrandReceipt,
    StrangerDocument,
    AdvanceFee,
    AuthorityClaim,
    BrandSubject,
    ViceTopic,
    TemplateResidue,
    DivertedReply,
    OffscreenContent,
    UnfamiliarLanguage,
    BareLink,
)

__all__ = ["REGISTRY"]
