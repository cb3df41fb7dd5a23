"""Deterministic synthetic mail traffic: organisations, their mail graph, and labelled attacks.

``generate(tenants, days, seed)`` simulates ``tenants`` companies for ``days`` days from
:data:`EPOCH` (Monday 2026-01-05 00:00 UTC) and yields ``(MailRecord, Label)`` pairs in
``received_at`` order. :func:`write_stream` writes the records (``stream.jsonl``), the labels
(``labels.jsonl``, keyed by ``message_id``) and a manifest to separate files: labels never
travel with the stream. Every random draw comes from ``random.Random`` instances seeded from
``seed`` (and from the tenant index or an organisation's domain), so equal arguments give equal
bytes on every machine; no wall clock, no ``hash()``, no set iteration order is involved.

The world
---------
* Each tenant is a company with one or two domains, 40-120 employees (configurable) in
  departments (executives and their assistant, finance with AP/AR/payroll, HR, IT, sales,
  operations/procurement, marketing, engineering/staff), a timezone, office networks and one
  home network per employee. Internal mail is ``direction="internal"`` and usually carries no
  authentication results (some tenants' gateways stamp them).
* External organisations (vendors, customers, partners) come from a pool shared by every tenant
  and are built from their domain alone: the same vendor has the same people, the same one to
  three /24 networks, the same mail platform and the same SPF/DKIM/DMARC posture in every tenant.
  Some vendors invoice each tenant monthly on a fixed day with a PDF attachment.
* Freemail correspondents (gmail.com, outlook.com, yahoo.com ...) send from the providers' real
  network ranges with passing authentication - just like the attackers who use freemail.
* Newsletters, marketing and SaaS notifications (real brand domains such as docusign.net,
  microsoft.com, dhl.com, zoom.us, and invented ones) arrive one message per recipient from ESP
  networks with ``List-Unsubscribe`` headers, HTML with several tracked links.
* The mail graph is heavy tailed: employee activity is log-normal, contact lists are drawn with
  preferential weights (same department, manager, popular people) and used with Zipf weights, so
  a few people write a lot to many and most write to a few. About one internal thread in 25 goes
  to a colleague outside the contact list. Threads get replies (``Re:``, ``in_reply_to``,
  ``references``, quoted text) after log-normal delays that respect working hours.
* Rhythm: business-hour weighted hours per person, light weekends, per-tenant UTC offset.
* Languages: every employee reads consumer mail in one of English, German, French, Spanish,
  Dutch, European Portuguese, Brazilian Portuguese (``pt-br``) or Italian (English for about
  40 %, each other language 6-13 %, European languages more often in European time zones).
  One tenant in three (index 1, 4, 7 ...) works partly in German, French, Spanish or Dutch:
  about a third of its internal mail and a quarter of its mail with vendors, customers and
  partners (and the replies in those threads) is in that language.
* Consumer brands (streaming, payment, social, banks, crypto exchanges, national posts and
  couriers, retailers, airlines, security software, utilities) mail some employees from the
  brands' real domains (``mailer.netflix.com``, ``paypal.de``, ``postnl.nl``, ``lidl.it``,
  ``nubank.com.br`` ...) in
  the employee's language, from the brands' ESP networks with passing DKIM: weekly promotions
  with ``List-Unsubscribe`` and emoji in many subjects, and shipping notifications, sign-in
  alerts, receipts and bills, loyalty statements and survey invitations.

The attack scenarios (after the warm-up, ``warmup_days``, default 40 % of the days)
-----------------------------------------------------------------------------------------
None of them is marked by a header, an id pattern, a magic word or an empty field: message ids,
headers and bodies are produced by the same functions as legitimate mail of the same platform.
What a detector can learn, scenario by scenario (attack type in brackets):

* ``exec_impersonation_freemail`` (bec): display name is the tenant's real CEO/CFO/COO, address
  on a freemail provider never seen before (auth passes, freemail network), first contact to
  finance or the executive assistant, urgency/secrecy/unavailability language and a wire request
  with beneficiary details; sometimes a ``Reply-To`` on another freemail address; often a
  two-step "are you available?" probe, then a victim reply (labelled ham ``victim_reply``), then
  the request in the same thread.
* ``gift_card`` (scam): the same mechanics with the target's manager or an executive, sent to
  ordinary staff, asking for gift cards and photos of the codes.
* ``payroll_diversion`` (bec): a real employee's display name on a freemail address writes to
  HR/payroll to change direct deposit; follow-up carries routing/account numbers.
* ``vendor_lookalike_bank_change`` (lookalike_domain): a real vendor contact's display name and
  local part on a lookalike of the vendor's domain (transposition, homoglyph, TLD swap, added
  word, hyphen change), new network, SPF often passing on the new domain, sent to the AP people
  who know the real vendor; sometimes hijacks a real invoice thread (``Re:`` + the real
  ``in_reply_to``); asks to change bank details; chasers after one to three days.
* ``vendor_compromise_invoice`` (invoice_fraud): the real vendor address, display name and
  signature, authentication passing, but from a network the vendor never used, often at an
  unusual hour, with a link to a never-seen file-share/credential host (or an .htm attachment),
  bank-change language, to several tenant contacts within an hour, sometimes in a hijacked thread.
* ``lateral_phishing`` (account_takeover): a real internal account, internal direction, from a
  foreign network, often at night or at the weekend, fanned out to 12-60 colleagues it never
  wrote to before (sometimes also outbound to its external contacts), linking to a credential
  page on a never-seen domain, with the user's real signature.
* ``credential_phish_brand`` (credential_phishing): Microsoft 365/DocuSign/DHL/SharePoint/
  voicemail/WeTransfer display names from unrelated (compromised or newly registered) domains or
  a spoof of the tenant's own domain from outside, failing or missing SPF/DKIM/DMARC, links with
  credential-style paths on new domains, punycode hosts, raw IPs or abused hosting
  (web.app, pages.dev, r2.dev, blob storage, someone else's SharePoint), anchor text that does not
  match the host, sprayed one message per recipient over an hour or two.
* ``malware_lure`` (malware): invoice/payment-advice/PO/shipping/scan lures from unknown senders
  with .iso/.img/.lnk/.html/.one/.docm/.xlsm or a .zip whose member (listed as an extra
  attachment named ``archive.zip/member``, the same convention legitimate archives use) is an
  executable name; sometimes a password in the body; some hijack a real external thread subject.
* ``callback_scam`` (scam): "your subscription was renewed, call this number" from freemail with
  a PDF and no links.
* ``spam_wave`` (spam): campaigns across several tenants at once from freshly registered domains
  rotated within the wave on snowshoe networks, bulk commercial content, many recipients.

Consumer-facing families, about 45 % of all attack messages on top of the targeted scenarios
above (whose counts they leave unchanged). Each campaign is one kit in one of the eight
languages (chosen like the recipients' languages, and sent mostly to people who read it),
sent to 3-25 ordinary employees (executives included) from one to three senders never seen
before: a freshly registered domain (often brand-ish), a compromised small-business domain, an
abused ESP account (ESP network and message ids, authentication passing) or freemail. Display
names are brand names with a service word or an emoji, or an enticing phrase; subjects and
paragraphs come from at least six patterns per family and language, drawn, reordered and
dropped per message, with slots (brands, amounts in the language's format, dates, codes,
percentages, the recipient's name or address), emoji and English fragments in localised text.
Brazilian Portuguese kits are written around the country's own lure themes (each campaign
keeps one theme and its brands): blocked bank cards and token updates, Correios import fees,
Receita Federal refunds and irregular CPFs, Detran fines, Serasa debt deals, Pix transfers,
boletos and NF-e, points expiring at Livelo or Smiles, streaming renewals.
Links go to the campaign's fresh domain, URL shorteners, abused hosting (web.app, r2.dev,
sites.google.com, forms.gle ...), tracking redirects (ESP click hosts, google.com/url, t.co) or
compromised WordPress paths; HTML bodies are the same layout as real brand mail.

* ``consumer_account_alert`` (credential_phishing): streaming, payment, social, bank, crypto
  or webmail account suspended, unusual sign-in, mailbox full, password expiring.
* ``delivery_lure`` (credential_phishing): parcel held, failed delivery, customs or redelivery
  fee, address confirmation, with national post and courier brands.
* ``prize_lure`` (scam): "you have been selected", free product from a retailer or airline,
  loyalty points expiring, short survey with a reward and a small shipping fee.
* ``subscription_lure`` (scam): antivirus, cloud storage or streaming plan expired, renew within
  24 hours at a discount, storage full, payment declined.
* ``advance_fee`` (scam): inheritance, lottery, business proposal or loan offer, plain text, no
  links, freemail or a compromised domain, often a ``Reply-To`` on another freemail address.
* ``extortion`` (scam): "I recorded you", a Bitcoin address, an amount and a deadline, no
  links; sometimes ``From`` is the victim's own address with DMARC failing.
* ``payment_lure`` (credential_phishing): tax refund (tax authorities), unpaid bill
  (utilities), payment failed / update card (streaming, payment brands); sometimes an .html
  attachment instead of a link.
* ``product_spam`` (spam): diet pills, hair growth, potency, miracle health products, casino
  bonuses, dating, crypto-trading schemes and quick loans, from fresh domains or ESP accounts,
  often with an unsubscribe link.

Hard ham (legitimate mail that looks like attacks) is labelled ham: ``vendor_invoice_legit``
(genuine invoices and payment reminders from known vendor addresses and networks),
``vendor_bank_change_legit`` (rare, from the known address and network, asks for a call-back
verification), ``password_reset_notice`` (the tenant's IT system, including an all-staff MFA
notice with a login link), ``exec_internal_payment`` (executives asking finance to pay,
internally), ``new_customer_inquiry`` (first-contact external senders), ``exec_personal_account``
(an executive's own known freemail address writing to their assistant),
``first_contact_legit`` (a new person at a known organisation taking over an account, cold
introductions from companies never seen, job applicants on freemail with a CV attached),
newsletters with many links and brand notifications from the brands' real domains;
and, in the eight languages and from consumer brands' real domains, ``consumer_newsletter``
(promotions), ``shipping_notice``, ``account_security_notice`` (new sign-in, password changed),
``billing_notice`` (receipts, renewals, bills), ``loyalty_statement`` and ``survey_invitation``;
``business_local_language`` is the ordinary business mail of the tenants that work partly in
German, French, Spanish or Dutch (meetings, vendor invoices, project updates, HR notices).

Volume: ``messages_per_employee_per_day`` is the mean number of records per employee on a
working day, every direction included (consumer-brand mail adds about 5 % on top); a weekend
day carries about 5 % of a working day.
Performance: about 15-20 thousand records a second on one core, memory flat in ``days``.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import hashlib
import heapq
import itertools
import json
import math
import random
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any, Final, TypedDict, cast

import orjson
from tqdm import tqdm

from schemas.records import Address, Attachment, AuthResults, MailRecord, Url

__all__ = ["ATTACK_SCENARIOS", "EPOCH", "HAM_SCENARIOS", "Label", "generate", "write_stream"]

EPOCH: Final = 1_767_571_200
"""Monday 2026-01-05 00:00:00 UTC: day 0 of every generated stream."""

GENERATOR_VERSION: Final = 3
_DAY: Final = 86_400
_HOUR: Final = 3_600

ATTACK_SCENARIOS: Final[dict[str, str]] = {
    "exec_impersonation_freemail": "bec",
    "payroll_diversion": "bec",
    "vendor_lookalike_bank_change": "lookalike_domain",
    "vendor_compromise_invoice": "invoice_fraud",
    "lateral_phishing": "account_takeover",
    "credential_phish_brand": "credential_phishing",
    "malware_lure": "malware",
    "gift_card": "bec",  # gift-card requests are business email compromise
    "callback_scam": "scam",
    "spam_wave": "spam",
    "consumer_account_alert": "credential_phishing",
    "delivery_lure": "credential_phishing",
    "prize_lure": "scam",
    "subscription_lure": "scam",
    "advance_fee": "scam",
    "extortion": "scam",
    "payment_lure": "credential_phishing",
    "product_spam": "spam",
}
"""Attack scenario -> attack_type (one of ``schemas.records.ATTACK_TYPES``)."""

HAM_SCENARIOS: Final[tuple[str, ...]] = (
    "normal",
    "newsletter",
    "notification",
    "vendor_invoice_legit",
    "vendor_bank_change_legit",
    "password_reset_notice",
    "exec_internal_payment",
    "new_customer_inquiry",
    "exec_personal_account",
    "first_contact_legit",
    "victim_reply",
    "consumer_newsletter",
    "shipping_notice",
    "account_security_notice",
    "billing_notice",
    "loyalty_statement",
    "survey_invitation",
    "business_local_language",
)


@dataclass(frozen=True, slots=True)
class Label:
    """The truth about one message, one line of ``labels.jsonl``, keyed by ``message_id``."""

    message_id: str
    tenant_id: str
    label: str
    attack_type: str
    scenario: str

    def to_dict(self) -> dict[str, str]:
        """The JSON document of this label."""
        return {
            "message_id": self.message_id,
            "tenant_id": self.tenant_id,
            "label": self.label,
            "attack_type": self.attack_type,
            "scenario": self.scenario,
        }


# ----------------------------------------------------------------------------- vocabularies

_FIRST_NAMES: Final = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Sandra", "Mark", "Margaret", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily",
    "Paul", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
    "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason",
    "Sharon", "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Dorothy", "Jacob", "Amy", "Gary",
    "Kathleen", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Emma", "Stephen", "Brenda",
    "Larry", "Pamela", "Justin", "Nicole", "Scott", "Anna", "Brandon", "Samantha", "Benjamin",
    "Katherine", "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Patrick",
    "Carolyn", "Frank", "Janet", "Raymond", "Maria", "Jack", "Olivia", "Dennis", "Heather",
    "Tyler", "Helen", "Aaron", "Diane", "Jose", "Julie", "Adam", "Victoria", "Nathan", "Joyce",
    "Henry", "Lauren", "Zachary", "Kelly", "Douglas", "Christina", "Peter", "Ruth", "Kyle",
    "Joan", "Noah", "Virginia", "Ethan", "Judith", "Jeremy", "Evelyn", "Christian", "Hannah",
    "Walter", "Andrea", "Keith", "Megan", "Austin", "Cheryl", "Sean", "Jacqueline", "Gabriel",
    "Madison", "Logan", "Teresa", "Dylan", "Abigail", "Jordan", "Sophia", "Bryan", "Grace",
    "Priya", "Rahul", "Arjun", "Ananya", "Ravi", "Deepa", "Sanjay", "Kavya", "Vikram", "Neha",
    "Wei", "Mei", "Jun", "Xiaoming", "Lin", "Hiroshi", "Yuki", "Kenji", "Sakura", "Minjun",
    "Jiwoo", "Seoyeon", "Mohammed", "Ahmed", "Fatima", "Aisha", "Omar", "Layla", "Yusuf",
    "Zainab", "Tariq", "Nadia", "Chinedu", "Ngozi", "Kwame", "Amara", "Oluwaseun", "Thandiwe",
    "Sipho", "Kofi", "Abena", "Carlos", "Sofia", "Diego", "Valentina", "Mateo", "Camila", "Luis",
    "Lucia", "Javier", "Elena", "Pablo", "Carmen", "Andres", "Lukas", "Felix", "Lena", "Jonas",
    "Marie", "Sven", "Ingrid", "Lars", "Astrid", "Mikhail", "Olga", "Dmitri", "Natalia", "Piotr",
    "Agnieszka", "Tomasz", "Katarzyna", "Giulia", "Marco", "Francesca", "Luca", "Chiara",
    "Pierre", "Camille", "Antoine", "Chloe", "Minh", "Linh", "Thanh", "Mateus", "Beatriz",
    "Joao", "Aylin", "Emre", "Zeynep", "Siobhan", "Ciaran", "Aoife", "Rhys", "Freya", "Malik",
    "Imani", "Darnell", "Keisha", "Marcus", "Tamika", "Hector", "Rosa",
)

_LAST_NAMES: Final = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
    "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
    "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster",
    "Jimenez", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler",
    "Henderson", "Barnes", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson",
    "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes",
    "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray",
    "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Chen", "Freeman", "Webb", "Tucker", "Burns",
    "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Silva", "Shaw", "Snyder",
    "Dixon", "Munoz", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Stone",
    "Salazar", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Daniels", "Ferguson", "Sharma",
    "Gupta", "Singh", "Kumar", "Reddy", "Iyer", "Wang", "Zhang", "Liu", "Yang", "Huang", "Zhao",
    "Wu", "Zhou", "Tanaka", "Suzuki", "Sato", "Watanabe", "Yamamoto", "Park", "Choi", "Jung",
    "Kang", "Haddad", "Khalil", "Rahman", "Hussain", "Ali", "Okafor", "Adeyemi", "Mensah",
    "Nkosi", "Mwangi", "Okonkwo", "Mueller", "Schneider", "Fischer", "Weber", "Becker",
    "Hoffmann", "Koch", "Novak", "Kowalski", "Nowak", "Ivanov", "Petrov", "Popescu", "Rossi",
    "Russo", "Ferrari", "Esposito", "Dubois", "Lefebvre", "Moreau", "Laurent", "Jansen",
    "de Vries", "Bakker", "Johansson", "Andersson", "Nielsen", "Hansen", "Larsen", "Virtanen",
    "O'Brien", "O'Connor", "Byrne", "Doyle", "Costa", "Santos", "Oliveira", "Pereira", "Almeida",
    "Yilmaz", "Demir", "Kaya",
)

_ORG_PREFIXES: Final = (
    "Acme", "Apex", "Summit", "Northwind", "Evergreen", "Pioneer", "Harbor", "Granite",
    "Silverline", "Redwood", "Crescent", "Ironclad", "Brightpath", "Keystone", "Meridian",
    "Pinnacle", "Sterling", "Cobalt", "Oakridge", "Bluewater", "Riverbend", "Lakeshore",
    "Highland", "Cedar", "Falcon", "Beacon", "Horizon", "Vertex", "Quantum", "Nimbus", "Atlas",
    "Orion", "Polaris", "Sequoia", "Juniper", "Maple", "Willow", "Aspen", "Copperleaf",
    "Stonebridge", "Greenfield", "Westbrook", "Eastgate", "Southport", "Northstar",
    "Clearwater", "Goldcrest", "Silverton", "Ridgeway", "Fairview", "Kingsley", "Lexington",
    "Brookside", "Trident", "Ember", "Halcyon", "Lumen", "Tidewater", "Windward", "Crossroads",
    "Landmark", "Heritage", "Frontier", "Sapphire", "Emerald", "Onyx", "Cypress", "Magnolia",
    "Bayview", "Hillcrest", "Riverside", "Prairie", "Canyon", "Glacier", "Harvest", "Orchard",
    "Timberline", "Coastal", "Crown", "Anchor", "Compass", "Blue Heron", "Red Oak", "Iron Gate",
    "Silver Birch", "Lighthouse", "Wavecrest", "Sunridge", "Mosaic", "Fulcrum", "Tandem",
    "Bellwether", "Larkspur", "Arbor", "Corvid", "Kestrel", "Alder", "Driftwood", "Foxglove",
)

_TENANT_INDUSTRIES: Final = (
    "Logistics", "Health Partners", "Manufacturing", "Capital", "Engineering", "Retail Group",
    "Media", "Foods", "Energy", "Biotech", "Construction", "Insurance", "Hospitality",
    "Architects", "Pharma", "Digital", "Realty", "Aerospace", "Textiles", "Marine",
)

_VENDOR_INDUSTRIES: Final = (
    "Supplies", "Packaging", "Office Solutions", "IT Services", "Consulting", "Freight",
    "Electric", "Staffing", "Facilities", "Printing", "Software", "Metals", "Chemicals",
    "Catering", "Security", "Cleaning Services", "Telecom", "Cloud", "Legal", "Accounting",
    "Marketing", "Components", "Equipment Rental", "Insurance Brokers", "Travel", "Plastics",
    "Fasteners", "Lab Supply", "Data Systems", "Translations",
)

_CUSTOMER_INDUSTRIES: Final = (
    "Holdings", "Group", "Industries", "Partners", "Retail", "Health", "Labs", "Motors",
    "Hotels", "Stores", "Distribution", "Networks", "Ventures", "Clinics", "Builders",
)

_TITLES: Final[dict[str, tuple[str, ...]]] = {
    "it": ("IT Manager", "Systems Administrator", "IT Support Specialist", "Network Engineer",
           "Service Desk Analyst"),
    "hr": ("HR Manager", "HR Generalist", "Talent Acquisition Partner", "HR Coordinator"),
    "sales": ("Account Executive", "Sales Manager", "Business Development Representative",
              "Key Account Manager", "Sales Operations Analyst"),
    "ops": ("Operations Manager", "Procurement Specialist", "Buyer", "Logistics Coordinator",
            "Supply Chain Analyst", "Warehouse Lead"),
    "marketing": ("Marketing Manager", "Content Strategist", "Digital Marketing Specialist",
                  "Brand Manager"),
    "eng": ("Project Manager", "Engineer", "Senior Engineer", "Analyst", "Product Manager",
            "Designer", "Quality Specialist", "Technician", "Coordinator", "Specialist"),
}

_EXTERNAL_TITLES: Final = (
    "Account Manager", "Sales Director", "Customer Success Manager", "Project Lead",
    "Operations Manager", "Accounts Receivable", "Billing Specialist", "Managing Director",
    "Purchasing Manager", "Office Manager", "Partner", "Consultant", "Logistics Coordinator",
    "Finance Manager", "Procurement Lead", "Technical Lead",
)

_CITIES: Final = (
    "Chicago", "Dallas", "Denver", "Atlanta", "Toronto", "Rotterdam", "Hamburg", "Lyon",
    "Manchester", "Dublin", "Austin", "Phoenix", "Columbus", "Singapore", "Sydney", "Madrid",
    "Milan", "Warsaw", "Monterrey", "Charlotte",
)

_PROJECTS: Final = (
    "Atlas", "Horizon", "Phoenix", "Mercury", "Catalyst", "Northstar", "Bluebird", "Keystone",
    "Evergreen", "Summit", "Lighthouse", "Compass", "Orbit", "Falcon", "Granite", "Aurora",
    "Nova", "Tidal", "Beacon", "Vector",
)
_PROJECT_SUFFIXES: Final = (
    "ERP migration", "warehouse rollout", "CRM upgrade", "pricing review", "website relaunch",
    "supplier consolidation", "data platform", "expansion", "office move", "compliance program",
    "customer portal", "cost program", "onboarding revamp", "analytics pilot",
)
_DOCS: Final = (
    "Q1 budget forecast", "board deck", "project charter", "statement of work",
    "vendor comparison", "pricing model", "risk register", "rollout plan", "quarterly report",
    "capacity plan", "training schedule", "process map", "requirements document",
    "sales forecast", "hiring plan", "marketing brief", "contract summary", "test plan",
    "cost breakdown", "operating procedure",
)
_MEETINGS: Final = (
    "weekly sync", "steering committee", "pipeline review", "ops stand-up", "1:1",
    "leadership meeting", "project check-in", "budget review", "design review",
    "all-hands prep", "vendor review", "quarterly planning session", "sprint review",
)
_ROOMS: Final = ("Room 3B", "the Oak room", "the boardroom", "Maple", "the 4th floor huddle room",
                 "Room 210", "the training room")
_DAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "tomorrow",
                "next Monday", "next Wednesday", "Thursday afternoon", "Friday morning")
_TIMES: Final = ("9:00", "9:30", "10:00", "10:30", "11:00", "11:30", "1:00 pm", "1:30 pm",
                 "2:00 pm", "3:00 pm", "3:30 pm", "4:00 pm")
_SYSTEMS: Final = ("SAP", "NetSuite", "Workday", "Coupa", "Concur", "Salesforce", "ServiceNow",
                   "Dynamics", "QuickBooks", "the ERP")
_PHASES: Final = ("discovery", "design", "build", "pilot", "testing", "data migration")
_PROJECT_ITEMS: Final = (
    "finalised the requirements with {client}", "migrated the {system} test environment",
    "completed user acceptance testing for the reporting module",
    "signed off the statement of work", "ran the pilot at the {city} site",
    "updated the cost model", "trained the first {count} users",
    "closed {count} of the open defects", "drafted the rollout communication",
    "agreed the data mapping with finance", "reviewed the security questionnaire",
    "confirmed the cut-over weekend", "collected quotes from three vendors",
    "aligned with legal on the contract language", "set up the dashboards for {quarter}",
)
_DECISIONS: Final = (
    "go-live stays on {date}", "we use {system} as the system of record",
    "budget for {quarter} approved as proposed", "{client} pilot extended by two weeks",
    "the {city} site goes first", "we pause the second vendor evaluation",
    "weekly reporting moves to Thursdays",
)
_ACTIONS: Final = (
    "send the revised timeline", "confirm headcount with HR", "book the training rooms",
    "follow up with {client} on the open questions", "update the {doc}",
    "share the numbers for {quarter}", "check the license count in {system}",
    "draft the customer communication", "collect sign-off from the sponsors",
)
_ROLES: Final = ("Senior Accountant", "Warehouse Supervisor", "Software Engineer",
                 "Marketing Coordinator", "Customer Service Representative", "Data Analyst",
                 "Project Manager", "Sales Development Representative", "Office Administrator")
_IT_ISSUES: Final = ("printer on the 3rd floor offline", "Outlook keeps asking for a restart",
                     "VPN disconnects every hour", "shared drive permissions",
                     "new monitor request", "Teams audio not working", "laptop battery swelling")
_SOFTWARE: Final = ("Adobe Acrobat Pro", "Visio", "Tableau", "Miro", "Smartsheet", "AutoCAD",
                    "Power BI Pro", "Zoom Webinar")
_MATERIALS: Final = ("corrugated boxes", "pallet wrap", "M8 fasteners", "copy paper",
                     "safety gloves", "toner cartridges", "aluminium profiles", "cable trays",
                     "lab reagents", "label stock", "replacement filters", "steel brackets")


_C3: Final = ("Thanks.", "Let me know if you have questions.", "Thanks in advance.",
              "Happy to discuss.", "Cheers.")


def _v(subjects: tuple[str, ...], *pools: tuple[str, ...]
       ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    return subjects, pools


# Topics whose subject names something specific come as variants, each with its own subjects
# and sentences, so a subject never announces something the body does not talk about.
_SPECIFIC_TOPICS: Final = {
    "finance": (
        _v(("Expense report - {month}", "My {month} expenses"),
           ("I've submitted my {month} expense report in {system}; total is {amount}, mostly "
            "travel to {city}.", "My {month} expenses are in {system} now, {amount} in total."),
           ("Receipts are attached in the system.", "Two receipts are missing; I added a note "
            "for each in the report."), _C3),
        _v(("Month-end close: open items", "{month} close status"),
           ("We still have {count} open items for the month-end close; the {vendor} accrual and "
            "the intercompany entries are the biggest.", "Status on the {month} close: bank "
            "reconciliations are done and accruals are in progress."),
           ("I'd like to finish before the reporting deadline.", "The GL codes follow last "
            "quarter's mapping."), _C3),
        _v(("PO approval needed: {po}", "Approval for the {vendor} PO"),
           ("Can you approve {po} for {vendor}? It's for {amount} and within the {project} "
            "budget.", "{po} for {vendor} is waiting for your approval in {system}."),
           ("The quote and budget line are attached to the request.", "It's the renewal we "
            "discussed in the {meeting}."), _C3),
        _v(("Budget vs actuals {quarter}", "{quarter} forecast update"),
           ("Actuals are {percent}% under budget for {quarter}, mostly because of delayed "
            "hiring.", "I've updated the {quarter} forecast with the latest {project} costs."),
           ("Details are in the shared workbook.", "The biggest variance is travel."), _C3),
        _v(("Reconciliation question - {vendor}", "Statement mismatch: {vendor}"),
           ("The {vendor} statement doesn't match our ledger; there is a difference of "
            "{amount} on two invoices.", "{vendor} shows an open balance we have as paid."),
           ("Could you check whether the credit note was booked?", "Can you pull the payment "
            "confirmation from the bank portal?"), _C3),
    ),
    "hr": (
        _v(("PTO request {date}", "Time off next week"),
           ("I'd like to take {n} days off starting {day}; {first2} has agreed to cover.",),
           ("I've entered it in {system} as well.", "Nothing urgent is due that week."), _C3),
        _v(("Onboarding plan for {hire}", "{hire} starts {day}"),
           ("{hire} starts on {day} as our new {role}. I've drafted the onboarding plan for the "
            "first two weeks.",),
           ("Equipment and accounts are requested through IT.", "Could you be the buddy for "
            "the first week?"), _C3),
        _v(("Benefits enrollment reminder", "Open enrollment closes {date}"),
           ("A reminder that benefits enrollment closes on {date}; a few people on your team "
            "haven't completed it yet.",),
           ("The portal link is on the intranet.", "Reach out if anyone needs help choosing a "
            "plan."), _C3),
        _v(("Interview feedback - {role}", "Candidate for the {role} role"),
           ("Here's my feedback from the {role} interview this morning.",),
           ("Overall a strong candidate: structured thinking, less experience with {system}.",
            "Good communication; I'd like a second technical round."), _C3),
        _v(("Team offsite planning", "Offsite in {month}"),
           ("We're planning the team offsite for {month}; I've shortlisted two venues near "
            "{city}.",),
           ("Budget per person is roughly {amount} for the two days.", "Please hold the dates "
            "in your calendar."), _C3),
    ),
    "it": (
        _v(("Laptop replacement", "Your new laptop"),
           ("Your replacement laptop is ready; you can pick it up from IT on {day} after "
            "{time}.",),
           ("Please back up anything stored locally; OneDrive files sync automatically.",), _C3),
        _v(("VPN access for {hire}", "Access request for {hire}"),
           ("{hire} needs VPN and shared drive access before {day}.",),
           ("Access follows the standard profile for the team.", "Manager approval is "
            "attached to the ticket."), _C3),
        _v(("Ticket {ticket}: {it_issue}",),
           ("I've raised {ticket} for the {it_issue}. We're waiting on a part from the vendor.",
            "Update on {ticket}: the {it_issue} should be fixed after tonight's change."),
           ("We'll update the ticket once the change is done.",), _C3),
        _v(("Software license request - {software}",),
           ("Could you approve a {software} license for {hire}? It's needed for the {project} "
            "work.",),
           ("The license is {amount} per year on the current agreement.",), _C3),
    ),
    "social": (
        _v(("Team lunch {day}", "Lunch {day}?"),
           ("We're doing a team lunch on {day} at 12:30, the Thai place around the corner.",),
           ("Please reply by {day} so I can book a table for {count}.",), ("Thanks!", "Cheers.")),
        _v(("Congrats on the {project} launch!",),
           ("Huge congratulations on getting {project} live, that was a lot of late nights.",),
           ("The client feedback has been great.",), ("Well done!", "Cheers.")),
        _v(("Office closure {day}",),
           ("The office will be closed on {day} for building maintenance; please work from "
            "home.",), ("Badges won't work that day.",), ("Thanks.",)),
        _v(("Card for {first2}", "Leaving card for {first2}"),
           ("We're collecting for a card for {first2}'s last day; drop by my desk.",),
           ("No pressure, any amount is fine.",), ("Thanks!",)),
        _v(("Coffee?", "Catch-up {day}?"),
           ("Fancy a coffee {day} afternoon? Would be good to catch up.",),
           ("I'm around from {time}.",), ("Cheers.",)),
    ),
    "support": (
        _v(("Issue with {product}", "{product} export failing"),
           ("We're seeing an issue with {product} since {day}: the export fails for about "
            "{percent}% of records.",),
           ("Screenshots and the log excerpt are attached.", "This is blocking the reporting "
            "for {count} users."), ("Thanks for looking into it.", "Please keep me posted.")),
        _v(("Ticket {ticket} follow-up",),
           ("Following up on {ticket}; is there an update on the fix?",),
           ("Our contract includes a four-hour response time for priority issues.",),
           ("Appreciate the help.",)),
        _v(("Service interruption on {day}",),
           ("We had a service interruption on {day} between {time} and noon. Can you share the "
            "root cause?",), ("It affected {count} users at the {city} site.",),
           ("Thanks.",)),
    ),
    "freelance": (
        _v(("Timesheet {month}", "Hours for {month}"),
           ("Please find my timesheet for {month} attached; {count} hours in total.",),
           ("The hours are split between the {project} work and the reporting.",),
           ("Thanks!", "Best wishes.")),
        _v(("Application for the {role} position", "{role} application"),
           ("I'm writing to apply for the {role} position I saw on your careers page.",),
           ("I've worked in a similar role for the last {n} years. My CV is attached.",),
           ("Thank you for your time.", "Looking forward to hearing from you.")),
        _v(("Interview availability", "Re-scheduling our call"),
           ("I'm available for an interview {day} or any time after {time}.",),
           ("A video call works best for me.",), ("Thank you.",)),
        _v(("Following up", "Notes from {day}", "Quick question"),
           ("Thanks again for the conversation on {day}. I've attached my notes as promised.",
            "Quick question about the {project} deliverable: do you want the draft in Word or "
            "as slides?"), ("I can turn it around by {day}.",),
           ("Best wishes.", "Thanks.")),
    ),
    "payroll_q": (
        _v(("Direct deposit change", "Updating my bank details for payroll",
            "Question about direct deposit"),
           ("I've switched banks this month. Is the direct deposit form in {system}, or should "
            "I send the details to you?", "Quick question: if I change my bank account in "
            "{system} now, will it apply to this month's payroll?"),
           ("I can stop by your desk if that's easier.", "No rush, whenever you have a "
            "minute."), _C3),
    ),
}

# Normal conversation topics: subjects, then paragraph pools (one sentence from each pool).
_TOPICS: Final[dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]] = {
    "schedule": (
        ("Reschedule: {meeting}", "{meeting} on {day}?", "Quick call {day}?",
         "Moving our {meeting}", "Availability for the {project} review",
         "Can we meet {day}?", "Time for the {meeting}"),
        (
            ("Could we move the {meeting} to {day} at {time}? Something came up with the "
             "{project} deadline and I'd rather not rush it.",
             "Are you free for half an hour on {day}? I'd like to go through the {doc} before "
             "we share it more widely.",
             "I'm trying to find a slot for the {meeting} next week. {day} at {time} works on my "
             "side, otherwise Friday morning.",
             "The {meeting} clashes with the {client} call this week, so I suggest we push it "
             "to {day}.",
             "Could we book {room} on {day} at {time} for the {project} check-in? It should take "
             "45 minutes at most."),
            ("I'll send an updated invite once you confirm. If the room is taken we can do it on "
             "Teams.",
             "Agenda: open items from last week, the {doc}, and the budget ask for {quarter}.",
             "{count} people have accepted so far; I've left it optional for the wider team.",
             "If that doesn't work, send me two or three times that do and I'll make it fit.",
             "Please bring the latest numbers so we can close the open questions in one go."),
        ),
    ),
    "project": (
        ("{project} - status update", "{project}: weekly update", "Update on {project} timeline",
         "{project} next steps", "{project} - risks and open items",
         "Week {week} update: {project}"),
        (
            ("Quick update on {project}: we finished the {phase} phase on {day} and are about "
             "{percent}% through testing.",
             "{project} is on track for the {date} milestone; the only open risk is the "
             "dependency on {client}.",
             "We slipped about a week on {project} because the {system} integration took longer "
             "than planned.",
             "Good progress on {project} this week, summary below."),
            ("Done this week:\n- {done1}\n- {done2}\nNext week:\n- {next1}\n- {next2}",
             "Highlights:\n- {done1}\n- {done2}\nOpen:\n- {next1}",
             "Completed:\n- {done1}\n- {done2}\n- {done3}\nPlanned:\n- {next1}"),
            ("Could you review the revised timeline before {day}?",
             "I need a decision on the {quarter} budget line by {day} to keep the vendor booked.",
             "No action needed from you right now, just keeping you in the loop.",
             "Happy to walk through the details in our {meeting}.",
             "Let me know if you see anything that should go to the steering committee."),
        ),
    ),
    "notes": (
        ("Notes from today's {meeting}", "{meeting} notes and action items", "Recap: {meeting}",
         "Minutes - {meeting} {date}", "Follow-up from the {meeting}"),
        (
            ("Thanks everyone for joining the {meeting}. Summary below, shout if I missed "
             "anything.",
             "Here are my notes from the {meeting} this morning.",
             "Recap of what we agreed in the {meeting}:"),
            ("Decisions:\n- {decision1}\n- {decision2}",
             "Key points:\n- {decision1}\n- {done1}\n- {decision2}"),
            ("Action items:\n- {first}: {action1} by {day}\n- {me}: {action2}\n- All: review "
             "the {doc} before the next session",
             "Next steps:\n- {action1} ({first})\n- {action2} ({me})"),
            ("Next meeting is {day} at {time}.", "I'll circulate the updated {doc} tomorrow.",
             "Slides are in the team folder."),
        ),
    ),
    "document": (
        ("{doc} - draft for review", "Updated {doc}", "Comments on the {doc}", "{doc} (v{n})",
         "FYI: {doc}", "{doc} for {client}"),
        (
            ("Attached is the latest draft of the {doc}. I incorporated the feedback from the "
             "{meeting} and tightened the summary.",
             "Here's the {doc} we discussed; you can comment directly in the file.",
             "Sharing the updated {doc} ahead of {day}.",
             "Please find the {doc} for {project}; it still needs the final numbers for "
             "{quarter}."),
            ("The main changes are in section {n}: revised figures for {quarter} and new "
             "pricing assumptions.",
             "I flagged two open questions in the comments, both around the {system} costs.",
             "{first2} has already reviewed the first half, so focus on the appendix.",
             "Numbers are preliminary until finance confirms the {month} close."),
            ("Could you take a look by {day}? Track changes are on.",
             "Comments by end of week would be great.",
             "Let me know if anything is missing before it goes to {client}."),
        ),
    ),
    "sales": (
        ("Proposal for {client}", "Quote {quote} - {product}", "Follow-up from our call",
         "Pricing for {product}", "Contract renewal {year}", "{client} - next steps"),
        (
            ("Thanks for your time on {day}. As promised, here's the proposal for {product}.",
             "Following up on our call: I've put together a quote for {count} units of "
             "{product}.",
             "Your current agreement renews on {date}; I wanted to get ahead of it and "
             "discuss options.",
             "Great speaking with you earlier. Summarising the next steps below."),
            ("Pricing is {amount} per year including support, valid for 30 days.",
             "Delivery lead time is about {n} weeks from order confirmation.",
             "We can include onboarding for up to {count} users at no extra cost.",
             "The volume discount applies from the second year."),
            ("Let me know if you'd like to set up a call with our technical team.",
             "Happy to adjust the scope if the budget is tight.",
             "Looking forward to working together."),
        ),
    ),
    "procurement": (
        ("PO {po} - delivery schedule", "Order confirmation {po}", "Updated price list {year}",
         "Question about {po}", "Delivery to the {city} site", "Lead times for {product2}"),
        (
            ("Please confirm the delivery date for {po}; we need the {product2} on site by "
             "{day}.",
             "Attached is our order confirmation for {po}.",
             "Could you send your updated price list for {year}? We're planning the {quarter} "
             "orders.",
             "We received {po} but the quantity of {product2} is short by {count} units.",
             "What are the current lead times for {product2}? We may need {count} pallets."),
            ("Delivery address is our {city} warehouse, dock {n}.",
             "Invoices should reference the PO number.",
             "Please let us know if partial deliveries are possible.",
             "Our receiving hours are 7:00 to 15:00."),
            ("Thanks for the quick turnaround.", "Best regards.", "Thanks in advance."),
        ),
    ),
    "partner": (
        ("{project} kickoff", "Agenda for {day}", "Joint workshop {day}",
         "Data exchange for {project}", "Draft SOW for {project}"),
        (
            ("Looking forward to the {project} kickoff on {day}. Draft agenda below.",
             "Here is the draft statement of work for {project}; please have your team review "
             "the deliverables section.",
             "For the data exchange we'd propose a weekly file via SFTP.",
             "Thanks for hosting the workshop; summary and next steps below."),
            ("1. Introductions\n2. Scope and timeline\n3. Responsibilities\n4. Next steps",
             "Milestones: design sign-off {date}, pilot in {month}, rollout in {quarter}.",
             "We'll bring {count} people from our side."),
            ("Let me know if you'd like to add anything.", "Speak soon.",
             "Happy to adjust the timing."),
        ),
    ),
}

_TOPIC_VARIANTS: Final = {
    **{k: (v,) for k, v in _TOPICS.items() if k not in _SPECIFIC_TOPICS},
    **_SPECIFIC_TOPICS,
}

_TOPIC_BY_DEPT: Final[dict[str, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    "exec": (("project", "schedule", "notes", "document", "finance", "hr", "payroll_q"),
        (3, 3, 2, 2, 2, 1, 0.05)),
    "assistant": (("schedule", "notes", "document", "social", "payroll_q"),
        (5, 2, 2, 1, 0.05)),
    "finance": (("finance", "schedule", "document", "project", "payroll_q"),
        (5, 2, 2, 1, 0.05)),
    "hr": (("hr", "schedule", "document", "social", "payroll_q"),
        (5, 2, 1, 1, 0.05)),
    "it": (("it", "project", "schedule", "payroll_q"),
        (5, 2, 2, 0.05)),
    "sales": (("project", "schedule", "document", "notes", "social", "payroll_q"),
        (2, 3, 2, 2, 1, 0.05)),
    "ops": (("project", "schedule", "notes", "document", "finance", "payroll_q"),
        (3, 2, 2, 2, 1, 0.05)),
    "marketing": (("document", "project", "schedule", "social", "payroll_q"),
        (3, 2, 2, 1, 0.05)),
    "eng": (("project", "schedule", "notes", "document", "it", "social", "payroll_q"),
        (4, 3, 2, 2, 1, 1, 0.05)),
}

_REPLIES: Final = (
    "Thanks {first}, that works for me.",
    "Sounds good. I'll update the {doc} and send it over by {day}.",
    "Got it, thanks. One question: does this include the {project} changes we discussed?",
    "Thanks for the quick turnaround. I've forwarded this to {first2} for sign-off.",
    "Works for me, I'll block the time.",
    "Can we push this to {day}? I'm out until then.",
    "Looks good overall. Two small comments: the {quarter} numbers in section {n} don't match "
    "the forecast, and we should mention the {city} pilot.",
    "Confirmed, see you {day} at {time}.",
    "Thanks, received. We'll take care of it this week.",
    "Perfect, thank you!",
    "I checked with {first2}; we're fine to proceed.",
    "Let me look into it and get back to you by end of day.",
    "Agreed. Let's also loop in {first2} for the {system} part.",
    "Thanks for the update. Any impact on the {date} milestone?",
    "Noted. I've added it to the agenda for the {meeting}.",
    "Sorry for the slow reply, it's been a busy week. Yes, please go ahead.",
)
_FILLERS: Final = (
    "Let me know if you have any questions.",
    "Thanks again for your help with this.",
    "Happy to discuss if anything is unclear.",
    "Please let me know if you need anything else from my side.",
    "I appreciate the quick response.",
    "I'll be around most of the day if anything comes up.",
    "Looking forward to hearing from you.",
    "Feel free to call me if that is easier.",
    "Hope the rest of your week goes well.",
    "Thanks in advance for looking into this.",
    "Let me know if this works on your end.",
    "I'd appreciate a quick confirmation when you get a chance.",
    "Hope you're doing well.",
    "Speak soon.",
)
_BULK_FILLERS: Final = (
    "You are receiving this message because of the notification settings of your account.",
    "Please do not reply to this message; this mailbox is not monitored.",
    "Privacy Policy | Terms of Service | Help Center",
    "Manage which emails you receive in your account settings.",
    "Copyright 2026. All rights reserved.",
    "Need help? Visit our support center.",
)
_DISCLAIMERS: Final = (
    "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended "
    "solely for the addressee. If you have received it in error, please notify the sender and "
    "delete it. Any unauthorised use or disclosure is prohibited.",
    "This message may contain privileged or confidential information. If you are not the "
    "intended recipient, do not read, copy or forward it; please inform the sender and delete "
    "the message from your system.",
    "Please consider the environment before printing this e-mail.",
    "The information in this email is intended only for the named recipient and may be "
    "legally privileged. Emails are not secure and can be intercepted, amended or lost.",
)

# ------------------------------------------------------------------ attack vocabularies

_BEC_SUBJECTS: Final = ("Urgent", "Quick favor", "Wire transfer", "Payment request",
                        "Are you available?", "Request", "Urgent payment needed today",
                        "Confidential", "Pending payment", "Need your help", "Quick task",
                        "Time-sensitive", "Following up")
_BEC_PROBES: Final = (
    "Are you available? I need you to handle a task for me discreetly. Let me know as soon as "
    "you see this.",
    "Do you have a minute? I need your help with something urgent before end of day.",
    "Are you in the office today? I have a quick request that can't wait.",
    "Let me know when you're free, I need you to take care of something for me today.",
    "Please send me your cell number, I need you to complete a task for me. It's urgent.",
)
_BEC_REQUESTS: Final = (
    "I need you to process a wire transfer today for a time-sensitive acquisition we are "
    "finalising. The amount is {amount} and it has to go out before the {cutoff} cutoff.",
    "We have an overdue payment to a new supplier for the {project} project that needs to be "
    "settled today. The beneficiary details are below.",
    "I'm working on a confidential deal and need a payment of {amount} sent out this afternoon. "
    "Legal has reviewed everything on our side.",
    "Please initiate an urgent transfer of {amount} to the account below; it relates to the "
    "{project} settlement and cannot wait for the next payment run.",
    "Can you take care of a quick payment for me? It's for a consultant helping with the "
    "{project} negotiation, {amount} in total.",
    "Our auditors need an advance of {amount} settled before {cutoff} today to release the "
    "report. Treat it as a priority.",
)
_BEC_SECRECY: Final = (
    "Please keep this confidential for now; I'll brief the team once the announcement is out.",
    "Don't discuss this with anyone else yet, the deal is still under NDA.",
    "This has to stay between us until it's signed.",
    "No need to loop in {first2}, I've already cleared it.",
    "Handle this personally please, it's sensitive.",
)
_BEC_UNAVAILABLE: Final = (
    "I'm in meetings all afternoon and can't take calls, so just reply here.",
    "I'm travelling and only have email on my phone.",
    "I'm at the board session and will be unreachable by phone.",
    "I'm about to board a flight, so email is best.",
    "I'm tied up with the investors all day, email only.",
)
_BEC_ACTIONS: Final = (
    "Let me know how soon you can get it done and send me the confirmation once it's released.",
    "Reply with the earliest time it can be processed.",
    "Confirm when it's sent and email me the transfer receipt.",
    "Let me know if there's anything that could delay it.",
    "Get back to me right away with the confirmation.",
)
_EXEC_SIGNOFFS: Final = ("{exec_first}", "Thanks,\n{exec_first}\n\nSent from my iPhone",
                         "{exec_name}\nSent from my mobile device", "Regards,\n{exec_name}",
                         "Thanks\n{exec_first}\n\nSent from Outlook for iOS")
_VICTIM_REPLIES: Final = (
    "Yes, I'm here. What do you need?", "Hi {exec_first}, sure - what can I do?",
    "I'm at my desk. How can I help?", "Yes, I'm available. Let me know the details.",
    "Hi, yes. What's the task?",
)
_GIFT_REQUESTS: Final = (
    "I need you to pick up some {brand} gift cards for a few clients; I want to surprise them "
    "today. Get {n} cards of ${val} each.",
    "I'm planning to reward some of the team for their hard work this quarter and need {n} "
    "{brand} gift cards at ${val} each. I'll reimburse you today.",
    "Can you get {n} {brand} gift cards, ${val} each? They're for a client appreciation "
    "gesture and I'm stuck in meetings.",
    "I need a favor: buy {n} {brand} gift cards of ${val} each at the nearest store and I'll "
    "pay you back this evening.",
)
_GIFT_INSTRUCTIONS: Final = (
    "Once you have them, scratch off the back, take a clear picture of each card and email "
    "them to me.",
    "Send me the codes as soon as you have them; it's a surprise so please keep it quiet.",
    "Just email me photos of the cards with the codes visible, I'll handle the rest.",
)
_GIFT_BRANDS: Final = ("Apple", "Amazon", "Google Play", "Visa", "Walmart", "eBay", "Target")
_PAYROLL_SUBJECTS: Final = ("Direct deposit update", "Change of bank details",
                            "Payroll account update", "Direct Deposit", "Update my payroll info",
                            "Bank account change", "Question about my paycheck")
_PAYROLL_ASKS: Final = (
    "I recently switched banks and would like my next paycheck deposited into my new account. "
    "What do you need from me to update my direct deposit?",
    "I need to update my direct deposit information before the next payroll. Can you help me "
    "with that?",
    "Could you change the bank account for my salary? My old account has been closed.",
    "I'd like to change where my pay goes starting with the {date} payroll. Is it still "
    "possible for this cycle?",
)
_PAYROLL_DETAILS: Final = (
    "Here are the new details:\nBank: {bank}\nRouting number: {routing}\nAccount number: "
    "{acct}\nAccount type: Checking\n\nPlease confirm once it's updated for the next payroll.",
    "Thanks. New account below:\n\n{bank}\nRouting: {routing}\nAccount: {acct}\n\nLet me know "
    "when it's done.",
)
_HR_VICTIM_REPLIES: Final = (
    "Hi {emp_first}, sure. Please send me the new routing and account numbers and I'll update "
    "it before the next run.",
    "Happy to help - please reply with your new bank details.",
    "Hi, yes it's still possible for this cycle. What are the new details?",
)
_BANK_CHANGE_SUBJECTS: Final = ("Updated banking details - {vendor}",
                                "Change of bank account information",
                                "Important: new remittance details",
                                "Payment instructions update - {vendor}",
                                "Notice of change in bank details", "Updated remittance info")
_BANK_CHANGE_OPENINGS: Final = (
    "Please be advised that {vendor} has changed its banking partner following our annual "
    "audit. All payments for open and upcoming invoices should now be made to the account "
    "below.",
    "We are writing to inform you that our previous bank account is currently under review and "
    "can no longer receive payments. Kindly update our remittance details before processing "
    "invoice {inv}.",
    "Due to a restructuring of our finance operations, our accounts have moved to {bank}. "
    "Please use the new details for all future payments, starting with invoice {inv} due on "
    "{due}.",
    "As part of our migration to a new treasury provider, the remittance account on our "
    "invoices has changed with immediate effect.",
)
_BANK_CHANGE_CLOSINGS: Final = (
    "Please confirm once our details have been updated in your system and let us know the "
    "expected payment date.",
    "Kindly disregard the old account details on previous invoices; payments sent there will "
    "be returned.",
    "Please treat this as urgent as the next payment run is approaching.",
    "Let me know once done so I can inform our accounts team.",
)
_BANK_CHASERS: Final = (
    "Just following up on my email below regarding our updated bank details. Could you confirm "
    "the change has been made so we can reconcile invoice {inv}?",
    "Kindly confirm receipt of my previous email and advise when payment will be made to the "
    "new account.",
    "Any update on this? Our accounts team is waiting for confirmation before month end.",
)
_COMPROMISE_SUBJECTS: Final = ("Invoice {inv} - {vendor}", "{vendor} - outstanding invoice",
                               "{me_name} shared \"Invoice_{inv}.pdf\" with you",
                               "Payment overdue: {inv}", "Updated invoice and remittance details",
                               "Statement of account - {vendor}")
_COMPROMISE_BODIES: Final = (
    "Please find our latest invoice {inv} for {amount} using the secure link below. The "
    "document is shared through our file portal because of its size.",
    "Attached is a link to the revised invoice {inv}; please note that our remittance details "
    "have changed and are included in the document.",
    "Our records show invoice {inv} remains unpaid. Kindly review the statement at the link "
    "below and arrange payment at your earliest convenience.",
    "I have shared the invoice and the updated payment instructions with you. You may need to "
    "sign in with your email to view the document.",
)
_COMPROMISE_BANK_LINES: Final = (
    "Please note we've updated our bank details due to an ongoing audit; use the account in "
    "the document for this and future payments.",
    "Our bank account has changed, kindly update your records before releasing payment.",
    "Payment should be made to the new account shown on the invoice, not the one on file.",
)
_COMPROMISE_ANCHORS: Final = ("View Invoice", "Open Document", "Access File", "Review Statement",
                              "View Shared File", "Download PDF")
_LATERAL_DOCS: Final = ("Employee Handbook 2026", "Q1 Bonus Allocation",
                        "Salary Adjustment Schedule", "Updated Remote Work Policy",
                        "Benefits Enrollment Form", "Performance Review Guidelines",
                        "Org Chart - January", "Payroll Discrepancy Report",
                        "Revised Holiday Calendar", "Staff Compensation Review")
_LATERAL_SUBJECTS: Final = ("{me_name} shared \"{ldoc}\" with you", "Please review: {ldoc}",
                            "Updated {ldoc}", "Action required: {ldoc}", "Review and sign: {ldoc}",
                            "Shared file: {ldoc}.pdf", "FW: {ldoc}")
_LATERAL_BODIES: Final = (
    "Please review the document regarding the {ldoc} and confirm by end of day.",
    "I've shared the {ldoc} with you. You'll need to sign in with your company account to "
    "view it.",
    "HR asked me to circulate the {ldoc}; everyone needs to acknowledge it by {day}.",
    "Sharing the {ldoc} as discussed. Let me know once you've had a look.",
)
_LATERAL_AFTER: Final = (
    "This link will expire in 24 hours.",
    "If you have trouble opening it, sign in again with your email and password.",
    "The file is too large for email, so use the secure link.",
)
_PHISH_BRANDS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "microsoft": {
        "names": ("Microsoft 365", "Microsoft Outlook", "Office 365 Admin", "Microsoft Account",
                  "Outlook Web Access", "Microsoft 365 Security"),
        "subjects": ("Action required: your mailbox storage is almost full",
                     "Password expiry notice for {email}", "You have {n} undelivered messages",
                     "Unusual sign-in activity on your account",
                     "Your Microsoft 365 license has expired",
                     "Verify your account to avoid suspension"),
        "bodies": ("Your mailbox {email} has reached {percent}% of its storage quota. You will "
                   "stop receiving new messages unless you verify your account.",
                   "We detected an unusual sign-in to your account from {country}. If this "
                   "wasn't you, secure your account immediately.",
                   "{n} incoming messages are held because your account needs to be "
                   "re-validated.",
                   "The password for {email} expires today. Keep your current password by "
                   "confirming below."),
        "anchors": ("Verify Now", "Keep Current Password", "Review Activity", "Release Messages",
                    "Upgrade Storage"),
        "footer": ("Microsoft 365 Team\nThis is an automated message, please do not reply.",
                   "Microsoft Corporation, One Microsoft Way, Redmond, WA 98052"),
    },
    "docusign": {
        "names": ("DocuSign", "DocuSign Electronic Signature", "DocuSign via {company}",
                  "Docusign Service"),
        "subjects": ("Please DocuSign: {ldoc2}", "Completed: {ldoc2}",
                     "You have received a document to review and sign",
                     "Please DocuSign: Payment_Remittance_{n}.pdf"),
        "bodies": ("{sender_name} sent you a document to review and sign.",
                   "Your document {ldoc2} is ready for signature.",
                   "All parties have completed {ldoc2}. Review the final copy below."),
        "anchors": ("REVIEW DOCUMENT", "View Completed Document", "Sign Now"),
        "footer": ("Do not share this email. It contains a secure link to DocuSign; please do "
                   "not share it with others.",
                   "This message was sent to you by DocuSign Electronic Signature Service."),
    },
    "dhl": {
        "names": ("DHL Express", "DHL Notification", "DHL Delivery", "DHL Customer Service"),
        "subjects": ("DHL Express: your parcel is on hold", "Shipment notification - AWB {awb}",
                     "Delivery attempt failed - action required",
                     "Customs duty payment required for shipment {awb}"),
        "bodies": ("Your shipment {awb} could not be delivered because the customs fee of "
                   "{fee} has not been paid.",
                   "We attempted to deliver your parcel {awb} today but no one was available. "
                   "Please confirm your address to reschedule.",
                   "Your package {awb} is waiting at our depot. Confirm delivery details "
                   "within 48 hours."),
        "anchors": ("Track & Pay", "Reschedule Delivery", "Confirm Address"),
        "footer": ("If payment is not received within 48 hours the parcel will be returned to "
                   "sender.", "DHL Express - Excellence. Simply delivered."),
    },
    "sharepoint": {
        "names": ("SharePoint Online", "OneDrive", "{sender_name} (via SharePoint)",
                  "Microsoft SharePoint"),
        "subjects": ("{sender_name} shared a file with you", "\"{ldoc}\" has been shared with you",
                     "Document shared: {ldoc}.xlsx"),
        "bodies": ("Here's the document that {sender_name} shared with you.",
                   "{sender_name} has shared \"{ldoc}\" with you and invited you to edit."),
        "anchors": ("Open", "Open in SharePoint", "View document"),
        "footer": ("This link only works for the direct recipients of this message.",
                   "Microsoft respects your privacy."),
    },
    "voicemail": {
        "names": ("Voicemail Service", "Teams Voicemail", "Phone System", "VM Notification"),
        "subjects": ("Voicemail received from +1 ({area}) ***-**{n}{n}",
                     "New voice message ({dur})", "You have a new voicemail"),
        "bodies": ("You have a new voicemail message ({dur}) from +1 ({area}). Listen to the "
                   "message by signing in below.",
                   "A caller left you a voice message at {time}. Sign in to play it."),
        "anchors": ("Play Voice Message", "Listen", "Play Audio"),
        "footer": ("Voicemail service for {company}.", "Do not reply to this message."),
    },
    "wetransfer": {
        "names": ("WeTransfer", "{sender_name} via WeTransfer"),
        "subjects": ("{sender_name} sent you files via WeTransfer", "You received {n} files",
                     "Files from {sender_name} expire soon"),
        "bodies": ("{sender_name} sent you {n} files ({size} MB in total).",
                   "You have received files that will be deleted in 2 days."),
        "anchors": ("Get your files", "Download files"),
        "footer": ("To make sure our emails arrive, please add noreply@wetransfer.com to your "
                   "contacts.", "WeTransfer"),
    },
    "helpdesk": {
        "names": ("IT Service Desk", "Mail Administrator", "Helpdesk", "Email Support",
                  "{company} IT Support"),
        "subjects": ("Email account verification required", "Your password expires in 1 day",
                     "Mailbox quota exceeded", "Action required: re-validate your email"),
        "bodies": ("Your email account {email} must be re-validated to continue receiving mail.",
                   "Our records show your password will expire within 24 hours. Use the link "
                   "below to keep your current password.",
                   "Your mailbox has exceeded its quota. Increase your storage now to avoid "
                   "losing messages."),
        "anchors": ("Validate Account", "Keep Password", "Increase Quota"),
        "footer": ("IT Service Desk", "Failure to act will result in account suspension."),
    },
}
_PHISH_PATHS: Final = ("/owa/auth/logon.aspx", "/common/oauth2/authorize", "/signin/verify",
                       "/docs/review/login.php", "/secure/update/", "/auth/", "/login.php",
                       "/office365/index.html", "/verify-account/", "/wp-includes/o365/",
                       "/sharepoint/auth/", "/portal/signin", "/track/pay.php", "/vm/play/")
_PHISH_WORDS: Final = ("secure", "verify", "account", "portal", "doc", "share", "file", "sign",
                       "auth", "login", "office", "cloud", "mail", "access", "review", "drive",
                       "online", "update", "support", "service", "billing", "invoice", "vault",
                       "safe", "link", "view")
_PHISH_TLDS: Final = ("com", "net", "info", "online", "xyz", "top", "site", "app", "live",
                      "click", "co", "org", "us", "cloud")
_ABUSED_HOSTS: Final = ("web.app", "pages.dev", "workers.dev", "r2.dev", "firebaseapp.com",
                        "blob.core.windows.net", "ngrok-free.app", "netlify.app", "glitch.me")
_BRAND_HOMOGLYPHS: Final = ("micrоsoft", "оffice365", "dоcusign", "shаrepoint", "micrоsoftonline",
                            "dhl-exprеss", "оnedrive", "outlооk")
# Lure -> (subjects, body sentences, attachment base names); one lure per message keeps the
# subject, the body and the file name telling the same story.
_MALWARE_LURES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "invoice": (("Invoice #{n4}", "Proforma invoice {n4}", "Overdue payment notice",
                 "Outstanding invoice {n4}"),
                ("Attached is the invoice for the goods delivered last week. Kindly process "
                 "payment.", "Please find the overdue invoice attached and arrange payment "
                 "this week.", "Kindly review the attached proforma invoice and confirm."),
                ("Invoice_{n4}", "INV{n4}", "Proforma_{n4}")),
    "payment": (("Payment advice - {date}", "Remittance advice", "Bank transfer confirmation",
                 "Payment confirmation {n4}"),
                ("Please find attached the payment advice for the transfer made today.",
                 "Kindly check the attached remittance and confirm receipt.",
                 "Attached is the confirmation of the transfer to your account."),
                ("Payment_Advice_{ymd}", "Remittance_{n4}", "Transfer_Confirmation_{ymd}")),
    "order": (("Purchase order {po}", "New order {po}", "Request for quotation - {product2}"),
              ("Please see the attached purchase order and confirm availability and lead time.",
               "Please review the attached request for quotation and send your best offer by "
               "Friday.", "Our new order is attached, kindly confirm the delivery date."),
              ("{po}", "RFQ_{n4}", "Order_{po}")),
    "shipping": (("Shipping documents {awb}", "Delivery notification {awb}",
                  "Bill of lading - {awb}"),
                 ("Shipping documents for your consignment are attached. Please review and "
                  "confirm the delivery address.", "The original bill of lading and packing "
                  "list are attached for customs clearance."),
                 ("Shipping_Docs_{awb}", "BL_{awb}", "Packing_List_{n4}")),
    "scan": (("Scanned document from {printer}", "Scan from {printer}", "Message from scanner"),
             ("Your document has been scanned and is attached to this message.",
              "Please open the attached scan. Number of pages: {n}."),
             ("Scan_{ymd}_{n}", "SCAN{n4}", "Document_{ymd}")),
}
_MALWARE_DETAILS: Final[dict[str, tuple[str, ...]]] = {
    "invoice": ("Invoice total: {amount}, due on {due}. Bank details are on the invoice.",
                "Amount due: {amount}. Payment terms: 14 days from the invoice date."),
    "payment": ("Amount: {amount}\nValue date: {date}\nReference: {ref}",
                "The transfer of {amount} was executed on {date} under reference {ref}."),
    "order": ("Requested delivery date: {date}. Quantity: {count} units of {product2}.",
              "Please quote unit prices for {count} units of {product2} including delivery."),
    "shipping": ("Consignment {awb}: {n} packages, estimated arrival {date}.",
                 "AWB {awb}, {n} cartons, customs clearance pending your confirmation."),
    "scan": ("Device: {printer}\nPages: {n}\nScanned: {date}",
             "Scanned by {printer} on {date}, {n} pages, format: compressed document."),
}
_MALWARE_SENDER_NAMES: Final = ("Accounts Payable", "Accounts Department", "Billing",
                                "Purchasing Dept", "Scanner", "Finance Team", "Export Department")
_CALLBACK_PRODUCTS: Final = ("Norton 360 Deluxe", "McAfee Total Protection",
                             "Geek Squad Protection Plan", "PayPal Purchase",
                             "Microsoft Defender Premium", "Amazon Prime Business",
                             "LifeLock Ultimate")
_CALLBACK_BODIES: Final = (
    "Thank you for your purchase. Your annual subscription to {product3} has been renewed and "
    "{price} has been charged to your account. If you did not authorise this transaction, "
    "please call our billing department at {phone} within 24 hours to cancel and request a refund.",
    "This is to confirm that your subscription to {product3} was renewed automatically today "
    "for {price}. To cancel or dispute this charge, contact our support desk at {phone}.",
    "Your order for {product3} ({price}) has been processed and will appear on your statement "
    "within 24 hours. For cancellation and refunds call {phone}.",
)
_SPAM_THEMES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "seo": (("Grow your website traffic by {percent}%", "Quick question about {tenant_domain}",
             "Your website's Google ranking", "Page 1 on Google in 90 days"),
            ("I was looking at {tenant_domain} and noticed it isn't ranking for several "
             "important keywords in your industry.",
             "Our team has helped {count} companies like {company} reach the first page of "
             "Google within 90 days.",
             "We offer a free audit with no obligation, just reply with your best number."),
            ("Get my free audit", "See case studies")),
    "leads": (("Attendees list - {expo} {year}", "Verified contacts for {industry} buyers",
               "Decision makers database"),
              ("Would you be interested in acquiring the attendee list of {expo} {year}?",
               "We have {count}0 verified contacts with names, titles, emails and direct "
               "numbers.", "Reply with your target audience and I'll send pricing and a "
               "sample."),
              ("Request a sample", "View pricing")),
    "promo": (("Flash sale: {percent}% off custom branded merchandise",
               "Last chance: ergonomic chairs from ${price2}", "Your exclusive corporate offer",
               "Free shipping on bulk orders this week only"),
              ("Order custom branded mugs, pens and hoodies for your team at wholesale prices.",
               "Our biggest sale of the year ends at midnight.",
               "Use code BULK{percent} at checkout."),
              ("Shop now", "View the catalog", "Claim discount", "See all deals")),
    "loans": (("Pre-approved business funding up to ${big}",
               "Working capital for {company} - approved", "Same-day business loan decision"),
              ("{company} has been pre-qualified for a business line of credit.",
               "No collateral, funds in 24 hours, all credit profiles considered.",
               "Check your offer in two minutes."),
              ("Check my offer", "Apply now")),
    "crypto": (("The AI stock everyone is buying", "Turn $250 into a second income",
                "This token is up {percent}% this week"),
               ("Our analysts have identified the trade of the year.",
                "Members made an average of {percent}% last month with our signals.",
                "Spots are limited - register today."),
               ("Join now", "Get the report")),
    "webinar": (("Free webinar: AI for finance teams", "You're invited: {industry} summit "
                 "{year}", "Last seats: cash-flow masterclass"),
                ("Join industry leaders for a 45-minute session on automation.",
                 "Registration is free for {company} employees.", "Can't attend? Register "
                 "to get the recording."),
                ("Register now", "Save my seat")),
}
_EXPOS: Final = ("ProMat", "MODEX", "Hannover Messe", "NRF Big Show", "HIMSS", "CES",
                 "LogiMAT", "Pack Expo")
_BANKS: Final = ("First Meridian Bank", "Coastal Federal Credit Union", "Summit Trust Bank",
                 "Northern Savings Bank", "Pacific Commerce Bank", "Citizens Regional Bank",
                 "Heritage National Bank", "Unity Bank N.A.", "Metro Commercial Bank",
                 "Greenline Bank")

# ------------------------------------------------------------------ consumer-facing lures
#
# Modern consumer phishing and scam mail in eight languages ("pt" is European, "pt-br"
# Brazilian Portuguese). Every family has, per language,
# subjects, body paragraphs and anchors written for this generator; slots are filled per
# message (``_TenantSim._lure_fill``). The same brands send legitimate mail from their real
# domains (``_CONSUMER_BRANDS``), so a brand name, a language or an emoji says nothing alone.

_LANGS: Final = ("en", "de", "fr", "es", "nl", "pt", "pt-br", "it")
_LANG_WEIGHTS: Final = (40, 13, 11, 9, 7, 6, 8, 6)
_LOCAL_LANGS: Final = ("de", "fr", "es", "nl")
_MONTHS_L: Final[dict[str, tuple[str, ...]]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
    "pt-br": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
              "setembro", "outubro", "novembro", "dezembro"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
}
# Per language: impersonal greetings, personal greetings, urgency lines, automated footers.
_LURE_COMMON: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "en": (("Dear customer,", "Hello,", "Dear user,", "Dear valued member,", "Hi there,"),
           ("Hello {first},", "Dear {first},", "Hi {first},", "Dear {email},"),
           ("This link expires in {hours} hours.", "If you do not act by {date_l}, your "
            "account will be restricted.", "Please complete this step today to avoid any "
            "interruption.", "Failure to respond will result in permanent closure.",
            "For your security this request can only be completed once."),
           ("This is an automated message. Please do not reply.", "© {year} {brand}. All "
            "rights reserved.", "Thank you for choosing {brand}.", "Privacy | Terms | Help")),
    "de": (("Sehr geehrte Kundin, sehr geehrter Kunde,", "Hallo,", "Lieber Kunde,",
            "Sehr geehrte Damen und Herren,", "Guten Tag,"),
           ("Hallo {first},", "Guten Tag {first},", "Liebe/r {first},", "Hallo {email},"),
           ("Dieser Link ist {hours} Stunden gültig.", "Ohne Bestätigung bis zum {date_l} wird "
            "Ihr Konto eingeschränkt.", "Bitte erledigen Sie dies noch heute, um eine Sperrung "
            "zu vermeiden.", "Reagieren Sie nicht, wird der Vorgang automatisch abgebrochen.",
            "Aus Sicherheitsgründen kann dieser Link nur einmal verwendet werden."),
           ("Dies ist eine automatisch erstellte Nachricht. Bitte antworten Sie nicht darauf.",
            "© {year} {brand}. Alle Rechte vorbehalten.", "Ihr {brand}-Team",
            "Datenschutz | Impressum | Hilfe")),
    "fr": (("Cher client,", "Bonjour,", "Madame, Monsieur,", "Chère cliente, cher client,",
            "Bonjour cher membre,"),
           ("Bonjour {first},", "Cher {first},", "Bonjour {email},", "{first}, bonjour,"),
           ("Ce lien expire dans {hours} heures.", "Sans action de votre part avant le "
            "{date_l}, votre compte sera suspendu.", "Merci d'effectuer cette démarche "
            "aujourd'hui pour éviter toute interruption.", "Passé ce délai, votre dossier sera "
            "définitivement clôturé.", "Pour votre sécurité, ce lien n'est utilisable qu'une "
            "seule fois."),
           ("Ceci est un message automatique, merci de ne pas y répondre.", "© {year} {brand}. "
            "Tous droits réservés.", "L'équipe {brand}", "Confidentialité | Conditions | Aide")),
    "es": (("Estimado cliente:", "Hola,", "Estimado/a usuario/a:", "Apreciado cliente,",
            "Buenos días,"),
           ("Hola {first},", "Estimado/a {first}:", "Hola {email},", "¡Hola {first}!"),
           ("Este enlace caduca en {hours} horas.", "Si no actúa antes del {date_l}, su cuenta "
            "quedará restringida.", "Complete este paso hoy para evitar interrupciones del "
            "servicio.", "Si no responde, su solicitud será cancelada de forma definitiva.",
            "Por su seguridad, este enlace solo puede usarse una vez."),
           ("Este es un mensaje automático, por favor no responda.", "© {year} {brand}. Todos "
            "los derechos reservados.", "El equipo de {brand}", "Privacidad | Condiciones | "
            "Ayuda")),
    "nl": (("Beste klant,", "Hallo,", "Geachte heer/mevrouw,", "Beste gebruiker,", "Goedendag,"),
           ("Hallo {first},", "Beste {first},", "Hoi {first},", "Beste {email},"),
           ("Deze link verloopt over {hours} uur.", "Als u vóór {date_l} niets doet, wordt uw "
            "account beperkt.", "Rond deze stap vandaag af om onderbreking te voorkomen.",
            "Zonder reactie wordt uw aanvraag definitief geannuleerd.", "Voor uw veiligheid "
            "kan deze link maar één keer worden gebruikt."),
           ("Dit is een automatisch bericht, u kunt hier niet op antwoorden.", "© {year} "
            "{brand}. Alle rechten voorbehouden.", "Met vriendelijke groet, {brand}",
            "Privacy | Voorwaarden | Klantenservice")),
    "pt": (("Prezado cliente,", "Olá,", "Caro utilizador,", "Estimado cliente,", "Bom dia,"),
           ("Olá {first},", "Prezado(a) {first},", "Olá {email},", "Caro(a) {first},"),
           ("Este link expira em {hours} horas.", "Se não agir até {date_l}, a sua conta será "
            "bloqueada.", "Conclua este passo hoje para evitar a interrupção do serviço.",
            "Sem resposta, o seu pedido será cancelado definitivamente.", "Por segurança, este "
            "link só pode ser usado uma vez."),
           ("Esta é uma mensagem automática, por favor não responda.", "© {year} {brand}. "
            "Todos os direitos reservados.", "Equipa {brand}", "Privacidade | Termos | Ajuda")),
    "pt-br": (("Prezado(a) cliente,", "Olá,", "Caro(a) usuário(a),", "Prezado cliente,",
               "Bom dia,"),
              ("Olá, {first}!", "Prezado(a) {first},", "Oi, {first},", "Olá {email},"),
              ("Este link expira em {hours} horas.", "Caso não regularize até {date_l}, seu "
               "acesso será bloqueado.", "Conclua esta etapa ainda hoje para evitar a suspensão "
               "do serviço.", "Sem a sua confirmação, o cadastro será cancelado "
               "definitivamente.", "Por segurança, este link só pode ser utilizado uma vez."),
              ("Esta é uma mensagem automática, por favor não responda.", "© {year} {brand}. "
               "Todos os direitos reservados.", "Equipe {brand}", "Privacidade | Termos de uso "
               "| Central de ajuda")),
    "it": (("Gentile cliente,", "Salve,", "Gentile utente,", "Caro cliente,", "Buongiorno,"),
           ("Ciao {first},", "Gentile {first},", "Buongiorno {first},", "Gentile {email},"),
           ("Questo link scade tra {hours} ore.", "Se non interviene entro il {date_l}, il suo "
            "account sarà limitato.", "Completi questo passaggio oggi per evitare "
            "interruzioni.", "In assenza di risposta la pratica verrà chiusa definitivamente.",
            "Per la sua sicurezza il link può essere usato una sola volta."),
           ("Questo è un messaggio automatico, si prega di non rispondere.", "© {year} "
            "{brand}. Tutti i diritti riservati.", "Il team {brand}", "Privacy | Termini | "
            "Assistenza")),
}
# English fragments that turn up in otherwise localised mail (lures and real brands alike).
_MIXED_EN: Final = ("Security Alert", "Action Required", "Important", "Reminder", "Update",
                    "Customer Service", "Verify now", "Click here")
# family -> language -> (subjects, paragraphs, anchors)
_LURES: Final[dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]]] = {
    "consumer_account_alert": {
        "en": (("Your {brand} account has been suspended", "⚠️ Unusual sign-in to your {brand} "
                "account", "Action required: verify your {brand} account", "Your mailbox {email} "
                "is almost full ({percent}%)", "Password for {email} expires today",
                "{brand}: we could not verify your identity", "🔒 Your account is temporarily "
                "locked"),
               ("We noticed a sign-in to your {brand} account from a new device ({device}) in "
                "{place}. If this was not you, secure your account now.",
                "As part of our regular security checks we were unable to verify your account "
                "details. Access to some features has been limited until you confirm them.",
                "Your mailbox has reached {percent}% of its {gb} GB storage. New messages will "
                "be returned to the sender until you upgrade or verify your account.",
                "The password for {email} is set to expire on {date_l}. Keep your current "
                "password by confirming it below.",
                "Reference: {code}. Several failed payment attempts and a change of phone number "
                "were recorded on your profile.",
                "Once verified, your account will be fully restored within a few minutes and no "
                "further action will be needed."),
               ("Verify account", "Secure my account", "Keep my password", "Confirm", "Log in",
                "Restore access")),
        "de": (("Ihr {brand}-Konto wurde vorübergehend gesperrt", "⚠️ Ungewöhnliche Anmeldung "
                "bei {brand}", "Handlungsbedarf: Bestätigen Sie Ihre Kontodaten", "Ihr Postfach "
                "{email} ist fast voll ({percent} %)", "Ihr Passwort läuft heute ab",
                "{brand}: Verifizierung erforderlich", "Sicherheitshinweis zu Ihrem Konto 🔒"),
               ("Wir haben eine Anmeldung bei Ihrem {brand}-Konto von einem neuen Gerät "
                "({device}) in {place} festgestellt. Waren Sie das nicht, sichern Sie Ihr Konto "
                "jetzt.",
                "Im Rahmen unserer regelmäßigen Sicherheitsprüfung konnten wir Ihre Angaben "
                "nicht bestätigen. Einige Funktionen sind bis zur Bestätigung eingeschränkt.",
                "Ihr Postfach hat {percent} % des Speicherplatzes von {gb} GB erreicht. Neue "
                "Nachrichten werden abgewiesen, bis Sie Ihr Konto verifizieren.",
                "Das Passwort für {email} läuft am {date_l} ab. Behalten Sie Ihr aktuelles "
                "Passwort, indem Sie es unten bestätigen.",
                "Vorgangsnummer: {code}. Auf Ihrem Profil wurden mehrere fehlgeschlagene "
                "Zahlungsversuche registriert.",
                "Nach der Bestätigung wird Ihr Konto innerhalb weniger Minuten vollständig "
                "freigeschaltet."),
               ("Jetzt bestätigen", "Konto sichern", "Passwort behalten", "Anmelden",
                "Zugang wiederherstellen", "Weiter zur Verifizierung")),
        "fr": (("Votre compte {brand} a été suspendu", "⚠️ Connexion inhabituelle à votre compte",
                "Action requise : vérifiez vos informations", "Votre boîte {email} est presque "
                "pleine ({percent} %)", "Votre mot de passe expire aujourd'hui", "{brand} : "
                "confirmation d'identité nécessaire", "Alerte de sécurité 🔒 {brand}"),
               ("Nous avons détecté une connexion à votre compte {brand} depuis un nouvel "
                "appareil ({device}) à {place}. Si ce n'était pas vous, sécurisez votre compte.",
                "Lors de notre contrôle de sécurité habituel, nous n'avons pas pu vérifier vos "
                "informations. Certaines fonctions sont limitées jusqu'à confirmation.",
                "Votre messagerie a atteint {percent} % de ses {gb} Go. Les nouveaux messages "
                "seront rejetés tant que votre compte n'est pas vérifié.",
                "Le mot de passe de {email} expire le {date_l}. Conservez votre mot de passe "
                "actuel en le confirmant ci-dessous.",
                "Référence : {code}. Plusieurs tentatives de paiement refusées ont été "
                "enregistrées sur votre profil.",
                "Une fois la vérification faite, votre compte sera rétabli en quelques minutes."),
               ("Confirmer", "Sécuriser mon compte", "Conserver mon mot de passe",
                "Se connecter", "Vérifier maintenant", "Rétablir l'accès")),
        "es": (("Su cuenta de {brand} ha sido suspendida", "⚠️ Inicio de sesión inusual en "
                "{brand}", "Acción necesaria: verifique su cuenta", "Su buzón {email} está casi "
                "lleno ({percent}%)", "Su contraseña caduca hoy", "{brand}: no hemos podido "
                "verificar su identidad", "Aviso de seguridad 🔒"),
               ("Hemos detectado un inicio de sesión en su cuenta de {brand} desde un "
                "dispositivo nuevo ({device}) en {place}. Si no fue usted, proteja su cuenta.",
                "Durante nuestra revisión de seguridad no pudimos verificar sus datos. Algunas "
                "funciones quedan limitadas hasta que los confirme.",
                "Su buzón ha alcanzado el {percent}% de sus {gb} GB. Los mensajes nuevos serán "
                "devueltos hasta que verifique su cuenta.",
                "La contraseña de {email} caduca el {date_l}. Mantenga su contraseña actual "
                "confirmándola a continuación.",
                "Referencia: {code}. Se han registrado varios intentos de pago rechazados en su "
                "perfil.",
                "Tras la verificación, su cuenta se restablecerá en pocos minutos."),
               ("Verificar", "Proteger mi cuenta", "Mantener contraseña", "Iniciar sesión",
                "Confirmar ahora", "Restablecer acceso")),
        "nl": (("Uw {brand}-account is tijdelijk geblokkeerd", "⚠️ Ongebruikelijke aanmelding "
                "bij {brand}", "Actie vereist: bevestig uw gegevens", "Uw mailbox {email} is "
                "bijna vol ({percent}%)", "Uw wachtwoord verloopt vandaag", "{brand}: "
                "verificatie nodig", "Beveiligingsmelding 🔒"),
               ("Er is aangemeld op uw {brand}-account vanaf een nieuw apparaat ({device}) in "
                "{place}. Was u dit niet? Beveilig dan direct uw account.",
                "Tijdens onze periodieke controle konden wij uw gegevens niet verifiëren. "
                "Sommige functies zijn beperkt totdat u ze bevestigt.",
                "Uw mailbox heeft {percent}% van de {gb} GB opslag bereikt. Nieuwe berichten "
                "worden geweigerd totdat u uw account verifieert.",
                "Het wachtwoord van {email} verloopt op {date_l}. Behoud uw huidige wachtwoord "
                "door het hieronder te bevestigen.",
                "Kenmerk: {code}. Op uw profiel zijn meerdere mislukte betalingen geregistreerd.",
                "Na verificatie is uw account binnen enkele minuten weer volledig actief."),
               ("Bevestigen", "Account beveiligen", "Wachtwoord behouden", "Inloggen",
                "Nu verifiëren", "Toegang herstellen")),
        "pt": (("A sua conta {brand} foi suspensa", "⚠️ Acesso incomum à sua conta {brand}",
                "Ação necessária: verifique a sua conta", "A sua caixa {email} está quase cheia "
                "({percent}%)", "A sua senha expira hoje", "{brand}: não conseguimos confirmar "
                "a sua identidade", "Alerta de segurança 🔒"),
               ("Detetámos um acesso à sua conta {brand} a partir de um novo dispositivo "
                "({device}) em {place}. Se não foi você, proteja a sua conta agora.",
                "Na nossa verificação de segurança periódica não foi possível validar os seus "
                "dados. Algumas funções ficam limitadas até à confirmação.",
                "A sua caixa de correio atingiu {percent}% dos {gb} GB. Novas mensagens serão "
                "devolvidas até verificar a sua conta.",
                "A senha de {email} expira em {date_l}. Mantenha a senha atual confirmando-a "
                "abaixo.",
                "Protocolo: {code}. Foram registadas várias tentativas de pagamento recusadas "
                "no seu perfil.",
                "Após a verificação, a sua conta será restabelecida em poucos minutos."),
               ("Verificar conta", "Proteger a minha conta", "Manter senha", "Entrar",
                "Confirmar agora", "Restaurar acesso")),
        "it": (("Il suo account {brand} è stato sospeso", "⚠️ Accesso insolito al suo account",
                "Azione richiesta: verifichi i suoi dati", "La casella {email} è quasi piena "
                "({percent}%)", "La sua password scade oggi", "{brand}: verifica dell'identità "
                "necessaria", "Avviso di sicurezza 🔒"),
               ("Abbiamo rilevato un accesso al suo account {brand} da un nuovo dispositivo "
                "({device}) a {place}. Se non è stato lei, protegga subito l'account.",
                "Durante il controllo di sicurezza periodico non siamo riusciti a verificare i "
                "suoi dati. Alcune funzioni sono limitate fino alla conferma.",
                "La sua casella ha raggiunto il {percent}% dei {gb} GB disponibili. I nuovi "
                "messaggi verranno respinti finché non verificherà l'account.",
                "La password di {email} scade il {date_l}. Mantenga la password attuale "
                "confermandola qui sotto.",
                "Pratica n. {code}. Sul suo profilo risultano diversi tentativi di pagamento "
                "non riusciti.",
                "Dopo la verifica il suo account sarà ripristinato entro pochi minuti."),
               ("Verifica ora", "Proteggi il mio account", "Mantieni la password", "Accedi",
                "Conferma", "Ripristina l'accesso")),
    },
    "delivery_lure": {
        "en": (("Your parcel is on hold - action required", "📦 {brand}: delivery attempt "
                "failed", "Customs fee outstanding for shipment {awb}", "Confirm your delivery "
                "address", "Your package could not be delivered today", "Last reminder: parcel "
                "{awb} will be returned", "{brand} notification: redelivery needed"),
               ("We tried to deliver your parcel {awb} today but nobody was available to sign "
                "for it.",
                "Your shipment is being held at our local depot because the address provided "
                "is incomplete. Please confirm your details to schedule a new delivery.",
                "An import fee of {fee_c} is outstanding. Once it is paid your parcel will be "
                "released for delivery within 1-2 working days.",
                "Tracking number: {awb}\nStatus: held at depot\nWeight: {kg} kg",
                "If we do not receive your confirmation by {date_l}, the parcel will be "
                "returned to the sender.",
                "Choose a new delivery date or a pickup point near you in just a few clicks."),
               ("Reschedule delivery", "Pay {fee_c}", "Confirm address", "Track my parcel",
                "Choose a date")),
        "de": (("Ihr Paket wird zurückgehalten", "📦 {brand}: Zustellversuch fehlgeschlagen",
                "Zollgebühr offen für Sendung {awb}", "Bitte bestätigen Sie Ihre Lieferadresse",
                "Ihre Sendung konnte heute nicht zugestellt werden", "Letzte Erinnerung: Paket "
                "{awb} geht zurück", "Benachrichtigung: neue Zustellung erforderlich"),
               ("Wir haben heute versucht, Ihr Paket {awb} zuzustellen, leider waren Sie nicht "
                "anzutreffen.",
                "Ihre Sendung liegt in unserem Verteilzentrum, da die angegebene Adresse "
                "unvollständig ist. Bitte bestätigen Sie Ihre Angaben für eine neue Zustellung.",
                "Für Ihre Sendung ist eine Einfuhrgebühr von {fee_c} offen. Nach Zahlung wird "
                "das Paket innerhalb von 1-2 Werktagen zugestellt.",
                "Sendungsnummer: {awb}\nStatus: im Depot\nGewicht: {kg} kg",
                "Erhalten wir Ihre Bestätigung nicht bis zum {date_l}, geht das Paket an den "
                "Absender zurück.",
                "Wählen Sie mit wenigen Klicks einen neuen Liefertermin oder eine Packstation."),
               ("Zustellung planen", "{fee_c} bezahlen", "Adresse bestätigen",
                "Sendung verfolgen", "Jetzt bestätigen")),
        "fr": (("Votre colis est en attente", "📦 {brand} : échec de livraison", "Frais de "
                "douane à régler pour l'envoi {awb}", "Confirmez votre adresse de livraison",
                "Votre colis n'a pas pu être livré", "Dernier rappel : retour du colis {awb}",
                "Avis de passage {brand}"),
               ("Notre livreur est passé aujourd'hui pour votre colis {awb} mais personne n'était "
                "présent.",
                "Votre colis est retenu dans notre agence car l'adresse indiquée est incomplète. "
                "Merci de confirmer vos coordonnées pour une nouvelle livraison.",
                "Des frais d'importation de {fee_c} restent à régler. Après paiement, votre "
                "colis sera livré sous 1 à 2 jours ouvrés.",
                "Numéro de suivi : {awb}\nStatut : en attente en agence\nPoids : {kg} kg",
                "Sans confirmation de votre part avant le {date_l}, le colis sera retourné à "
                "l'expéditeur.",
                "Choisissez une nouvelle date ou un point relais en quelques clics."),
               ("Programmer la livraison", "Payer {fee_c}", "Confirmer l'adresse",
                "Suivre mon colis", "Choisir une date")),
        "es": (("Su paquete está retenido", "📦 {brand}: intento de entrega fallido", "Tasas "
                "de aduana pendientes del envío {awb}", "Confirme su dirección de entrega",
                "No hemos podido entregar su paquete", "Último aviso: el paquete {awb} será "
                "devuelto", "Aviso de {brand}: nueva entrega necesaria"),
               ("Hoy intentamos entregar su paquete {awb}, pero no había nadie en el domicilio.",
                "Su envío está retenido en nuestro centro porque la dirección está incompleta. "
                "Confirme sus datos para programar una nueva entrega.",
                "Hay unas tasas de importación pendientes de {fee_c}. Tras el pago, su paquete "
                "se entregará en 1-2 días laborables.",
                "Número de seguimiento: {awb}\nEstado: retenido en oficina\nPeso: {kg} kg",
                "Si no recibimos su confirmación antes del {date_l}, el paquete será devuelto "
                "al remitente.",
                "Elija una nueva fecha o un punto de recogida en pocos pasos."),
               ("Programar entrega", "Pagar {fee_c}", "Confirmar dirección", "Seguir envío",
                "Reclamar paquete")),
        "nl": (("Uw pakket staat klaar - actie vereist", "📦 {brand}: bezorgpoging mislukt",
                "Invoerkosten openstaand voor zending {awb}", "Bevestig uw bezorgadres",
                "Uw pakket kon niet worden bezorgd", "Laatste herinnering: pakket {awb} gaat "
                "retour", "Melding {brand}: nieuwe bezorging nodig"),
               ("Vandaag hebben wij geprobeerd uw pakket {awb} te bezorgen, maar er was niemand "
                "thuis.",
                "Uw zending ligt in ons sorteercentrum omdat het adres onvolledig is. Bevestig "
                "uw gegevens om een nieuwe bezorging in te plannen.",
                "Er staan nog invoerkosten van {fee_c} open. Na betaling wordt uw pakket binnen "
                "1-2 werkdagen bezorgd.",
                "Track & trace: {awb}\nStatus: in depot\nGewicht: {kg} kg",
                "Als wij uw bevestiging niet vóór {date_l} ontvangen, gaat het pakket terug "
                "naar de afzender.",
                "Kies in een paar klikken een nieuwe datum of een afhaalpunt bij u in de buurt."),
               ("Bezorging inplannen", "Betaal {fee_c}", "Adres bevestigen", "Volg mijn pakket",
                "Kies een datum")),
        "pt": (("A sua encomenda está retida", "📦 {brand}: tentativa de entrega falhada",
                "Taxa alfandegária pendente para o envio {awb}", "Confirme a sua morada de "
                "entrega", "Não foi possível entregar a sua encomenda", "Último aviso: a "
                "encomenda {awb} será devolvida", "Aviso {brand}: nova entrega necessária"),
               ("Tentámos entregar hoje a sua encomenda {awb}, mas não se encontrava ninguém "
                "na morada.",
                "O seu envio está retido no nosso centro porque a morada está incompleta. "
                "Confirme os seus dados para agendar nova entrega.",
                "Existe uma taxa de importação de {fee_c} por pagar. Após o pagamento, a "
                "encomenda será entregue em 1 a 2 dias úteis.",
                "Código de rastreio: {awb}\nEstado: retido no centro\nPeso: {kg} kg",
                "Se não recebermos a sua confirmação até {date_l}, a encomenda será devolvida "
                "ao remetente.",
                "Escolha uma nova data ou um ponto de recolha em poucos cliques."),
               ("Agendar entrega", "Pagar {fee_c}", "Confirmar morada", "Rastrear encomenda",
                "Resolver agora")),
        "it": (("Il suo pacco è in giacenza", "📦 {brand}: consegna non riuscita", "Dazio "
                "doganale da pagare per la spedizione {awb}", "Confermi l'indirizzo di "
                "consegna", "Non è stato possibile consegnare il pacco", "Ultimo avviso: il "
                "pacco {awb} verrà restituito", "Avviso {brand}: nuova consegna necessaria"),
               ("Oggi il corriere ha tentato di consegnare il pacco {awb}, ma non c'era nessuno.",
                "La spedizione è ferma nel nostro centro perché l'indirizzo è incompleto. "
                "Confermi i suoi dati per programmare una nuova consegna.",
                "Risultano da pagare spese di importazione di {fee_c}. Dopo il pagamento il "
                "pacco verrà consegnato entro 1-2 giorni lavorativi.",
                "Codice di tracciamento: {awb}\nStato: in giacenza\nPeso: {kg} kg",
                "Senza conferma entro il {date_l}, il pacco verrà restituito al mittente.",
                "Scelga una nuova data o un punto di ritiro con pochi clic."),
               ("Programma la consegna", "Paga {fee_c}", "Conferma indirizzo",
                "Traccia il pacco", "Scegli la data")),
    },
    "prize_lure": {
        "en": (("🎁 Congratulations! You have been selected", "{brand} loyalty reward: claim your "
                "{prize}", "Your {brand} points expire on {date_l}", "Answer 3 questions and win "
                "a {prize}", "🎉 {first}, your free gift is waiting", "Last chance: {prize} "
                "reserved for you", "Customer survey: {prize_value} reward"),
               ("To celebrate our anniversary, {brand} is giving away a {prize} to a small "
                "number of loyal customers - and you have been selected!",
                "Take our short survey (only 30 seconds) and claim your reward: a brand-new "
                "{prize}. You only pay {fee_c} for shipping.",
                "You have {points} loyalty points that will expire on {date_l}. Exchange them "
                "now for a gift card worth {prize_value}.",
                "There are only {n} rewards left today, so please confirm your participation "
                "quickly.",
                "Your participation number is {code}. Enter it on the next page to unlock your "
                "gift.",
                "The winners will be announced on our page. Delivery is free within 5-7 days."),
               ("Claim my reward", "Start the survey", "Get my gift", "Redeem points",
                "Continue")),
        "de": (("🎁 Herzlichen Glückwunsch! Sie wurden ausgewählt", "{brand} Treueprämie: Ihr "
                "{prize} wartet", "Ihre {brand}-Punkte verfallen am {date_l}", "3 Fragen "
                "beantworten und {prize} gewinnen", "🎉 {first}, Ihr Geschenk ist reserviert",
                "Letzte Chance: {prize} für Sie", "Kundenumfrage: {prize_value} Prämie"),
               ("Zum Jubiläum verlost {brand} einen {prize} unter treuen Kunden - und Sie "
                "wurden ausgewählt!",
                "Nehmen Sie an unserer kurzen Umfrage teil (nur 30 Sekunden) und sichern Sie "
                "sich Ihre Prämie: einen neuen {prize}. Sie zahlen nur {fee_c} Versand.",
                "Sie haben {points} Treuepunkte, die am {date_l} verfallen. Tauschen Sie sie "
                "jetzt gegen einen Gutschein im Wert von {prize_value} ein.",
                "Heute sind nur noch {n} Prämien verfügbar, bitte bestätigen Sie Ihre Teilnahme "
                "schnell.",
                "Ihre Teilnahmenummer lautet {code}. Geben Sie sie auf der nächsten Seite ein.",
                "Die Lieferung erfolgt kostenlos innerhalb von 5-7 Tagen."),
               ("Prämie sichern", "Zur Umfrage", "Geschenk abholen", "Punkte einlösen",
                "Jetzt teilnehmen")),
        "fr": (("🎁 Félicitations ! Vous avez été sélectionné(e)", "Cadeau fidélité {brand} : "
                "votre {prize}", "Vos points {brand} expirent le {date_l}", "Répondez à 3 "
                "questions et gagnez un {prize}", "🎉 {first}, votre cadeau vous attend",
                "Dernière chance : {prize} réservé pour vous", "Enquête client : récompense de "
                "{prize_value}"),
               ("Pour fêter son anniversaire, {brand} offre un {prize} à quelques clients "
                "fidèles, et vous faites partie des gagnants !",
                "Répondez à notre court questionnaire (30 secondes) et recevez votre cadeau : un "
                "{prize} neuf. Seuls {fee_c} de frais de port restent à votre charge.",
                "Vous avez {points} points fidélité qui expirent le {date_l}. Échangez-les "
                "dès maintenant contre une carte cadeau de {prize_value}.",
                "Il ne reste que {n} cadeaux aujourd'hui, confirmez vite votre participation.",
                "Votre numéro de participation est {code}. Saisissez-le à l'étape suivante.",
                "Livraison offerte sous 5 à 7 jours."),
               ("Réclamer", "Commencer le questionnaire", "Obtenir mon cadeau",
                "Utiliser mes points", "Je participe")),
        "es": (("🎁 ¡Enhorabuena! Ha sido seleccionado", "Premio de fidelidad {brand}: su "
                "{prize}", "Sus puntos {brand} caducan el {date_l}", "Responda 3 preguntas y "
                "gane un {prize}", "🎉 {first}, su regalo le está esperando", "Última "
                "oportunidad: {prize} reservado para usted", "Encuesta de clientes: premio de "
                "{prize_value}"),
               ("Para celebrar su aniversario, {brand} regala un {prize} a algunos clientes "
                "fieles, ¡y usted ha sido elegido!",
                "Complete nuestra breve encuesta (solo 30 segundos) y reciba su premio: un "
                "{prize} nuevo. Solo paga {fee_c} de envío.",
                "Tiene {points} puntos de fidelidad que caducan el {date_l}. Cámbielos ahora "
                "por una tarjeta regalo de {prize_value}.",
                "Hoy solo quedan {n} premios, confirme su participación cuanto antes.",
                "Su número de participación es {code}. Introdúzcalo en la siguiente página.",
                "El envío es gratuito y llega en 5-7 días."),
               ("Reclamar", "Empezar encuesta", "Obtener mi regalo", "Canjear puntos",
                "Participar")),
        "nl": (("🎁 Gefeliciteerd! U bent geselecteerd", "{brand} spaarbeloning: uw {prize}",
                "Uw {brand}-punten vervallen op {date_l}", "Beantwoord 3 vragen en win een "
                "{prize}", "🎉 {first}, uw cadeau ligt klaar", "Laatste kans: {prize} voor u "
                "gereserveerd", "Klantenonderzoek: beloning van {prize_value}"),
               ("Ter ere van ons jubileum geeft {brand} een {prize} weg aan trouwe klanten, en u "
                "bent uitgekozen!",
                "Vul onze korte enquête in (30 seconden) en ontvang uw beloning: een nieuwe "
                "{prize}. U betaalt alleen {fee_c} verzendkosten.",
                "U heeft {points} spaarpunten die op {date_l} vervallen. Wissel ze nu in voor "
                "een cadeaukaart van {prize_value}.",
                "Er zijn vandaag nog maar {n} beloningen over, bevestig dus snel uw deelname.",
                "Uw deelnamenummer is {code}. Vul het in op de volgende pagina.",
                "Gratis bezorging binnen 5-7 dagen."),
               ("Beloning claimen", "Start de enquête", "Mijn cadeau ophalen",
                "Punten inwisselen", "Doe mee")),
        "pt": (("🎁 Parabéns! Foi selecionado", "Prémio de fidelidade {brand}: o seu {prize}",
                "Os seus pontos {brand} expiram em {date_l}", "Responda a 3 perguntas e ganhe "
                "um {prize}", "🎉 {first}, o seu presente está à espera", "Última oportunidade: "
                "{prize} reservado para si", "Inquérito ao cliente: prémio de {prize_value}"),
               ("Para celebrar o aniversário, a {brand} está a oferecer um {prize} a alguns "
                "clientes fiéis, e você foi escolhido!",
                "Responda ao nosso breve inquérito (30 segundos) e receba o seu prémio: um "
                "{prize} novo. Paga apenas {fee_c} de portes.",
                "Tem {points} pontos de fidelidade que expiram em {date_l}. Troque-os já por um "
                "cartão-presente de {prize_value}.",
                "Restam apenas {n} prémios hoje, confirme rapidamente a sua participação.",
                "O seu número de participação é {code}. Introduza-o na página seguinte.",
                "Entrega gratuita em 5 a 7 dias."),
               ("Resgatar prémio", "Começar inquérito", "Receber o meu presente",
                "Trocar pontos", "Participar")),
        "it": (("🎁 Congratulazioni! È stato selezionato", "Premio fedeltà {brand}: il suo "
                "{prize}", "I suoi punti {brand} scadono il {date_l}", "Rispondi a 3 domande e "
                "vinci un {prize}", "🎉 {first}, il suo regalo la aspetta", "Ultima occasione: "
                "{prize} riservato a lei", "Sondaggio clienti: premio da {prize_value}"),
               ("Per festeggiare l'anniversario, {brand} regala un {prize} ad alcuni clienti "
                "fedeli, e lei è tra i selezionati!",
                "Completi il nostro breve sondaggio (solo 30 secondi) e riceva il premio: un "
                "{prize} nuovo. Paga solo {fee_c} di spedizione.",
                "Ha {points} punti fedeltà in scadenza il {date_l}. Li converta subito in una "
                "carta regalo da {prize_value}.",
                "Oggi restano solo {n} premi, confermi presto la sua partecipazione.",
                "Il suo codice di partecipazione è {code}. Lo inserisca nella pagina seguente.",
                "La consegna è gratuita entro 5-7 giorni."),
               ("Riscatta il premio", "Inizia il sondaggio", "Ricevi il regalo",
                "Usa i punti", "Partecipa")),
    },
    "subscription_lure": {
        "en": (("Your {brand} subscription has expired", "⛔ {brand}: renew within 24 hours",
                "Last notice: your protection ended on {date_l}", "Your cloud storage is full - "
                "{brand}", "Payment declined: {brand} renewal", "{first}, your {brand} plan "
                "could not be renewed"),
               ("Your {brand} subscription expired on {date_l}. Your devices are no longer "
                "protected against viruses and online threats.",
                "Renew today and get {percent}% off: your plan for only {price_c} instead of the "
                "usual price.",
                "Your {gb} GB of storage is full. Photos, videos and documents will be deleted "
                "unless you renew your plan.",
                "We were unable to charge your payment method for the automatic renewal. "
                "Update your details to keep your account active.",
                "Customer number: {code}\nPlan: {brand} Premium\nStatus: expired",
                "Renewing takes less than a minute and your benefits are reactivated "
                "immediately."),
               ("Renew now", "Reactivate", "Update payment", "Get {percent}% off",
                "Keep my files")),
        "de": (("Ihr {brand}-Abonnement ist abgelaufen", "⛔ {brand}: innerhalb von 24 Stunden "
                "verlängern", "Letzte Mitteilung: Ihr Schutz endete am {date_l}", "Ihr "
                "Cloud-Speicher ist voll", "Zahlung abgelehnt: Verlängerung {brand}", "{first}, "
                "Ihr Tarif konnte nicht verlängert werden"),
               ("Ihr {brand}-Abonnement ist am {date_l} abgelaufen. Ihre Geräte sind nicht mehr "
                "vor Viren und Online-Bedrohungen geschützt.",
                "Verlängern Sie heute und sparen Sie {percent} %: Ihr Tarif für nur {price_c}.",
                "Ihre {gb} GB Speicher sind voll. Fotos, Videos und Dokumente werden gelöscht, "
                "wenn Sie Ihren Tarif nicht verlängern.",
                "Die automatische Verlängerung konnte nicht abgebucht werden. Aktualisieren Sie "
                "Ihre Zahlungsdaten, damit Ihr Konto aktiv bleibt.",
                "Kundennummer: {code}\nTarif: {brand} Premium\nStatus: abgelaufen",
                "Die Verlängerung dauert weniger als eine Minute und alle Vorteile sind sofort "
                "wieder aktiv."),
               ("Jetzt verlängern", "Reaktivieren", "Zahlungsdaten aktualisieren",
                "{percent} % sparen", "Dateien behalten")),
        "fr": (("Votre abonnement {brand} a expiré", "⛔ {brand} : renouvelez sous 24 heures",
                "Dernier avis : votre protection a pris fin le {date_l}", "Votre stockage cloud "
                "est plein", "Paiement refusé : renouvellement {brand}", "{first}, votre forfait "
                "n'a pas pu être renouvelé"),
               ("Votre abonnement {brand} a expiré le {date_l}. Vos appareils ne sont plus "
                "protégés contre les virus et les menaces en ligne.",
                "Renouvelez aujourd'hui et profitez de {percent} % de réduction : votre "
                "formule pour seulement {price_c}.",
                "Vos {gb} Go de stockage sont pleins. Vos photos, vidéos et documents seront "
                "supprimés si vous ne renouvelez pas.",
                "Le prélèvement du renouvellement automatique a échoué. Mettez à jour vos "
                "informations de paiement pour garder votre compte actif.",
                "Numéro client : {code}\nFormule : {brand} Premium\nStatut : expiré",
                "Le renouvellement prend moins d'une minute et vos avantages sont réactivés "
                "immédiatement."),
               ("Renouveler", "Réactiver", "Mettre à jour le paiement",
                "Profiter de -{percent} %", "Garder mes fichiers")),
        "es": (("Su suscripción a {brand} ha caducado", "⛔ {brand}: renueve en 24 horas",
                "Último aviso: su protección terminó el {date_l}", "Su almacenamiento en la nube "
                "está lleno", "Pago rechazado: renovación de {brand}", "{first}, no hemos podido "
                "renovar su plan"),
               ("Su suscripción a {brand} caducó el {date_l}. Sus dispositivos ya no están "
                "protegidos frente a virus y amenazas en línea.",
                "Renueve hoy con un {percent}% de descuento: su plan por solo {price_c}.",
                "Sus {gb} GB de almacenamiento están llenos. Sus fotos, vídeos y documentos se "
                "eliminarán si no renueva su plan.",
                "No hemos podido cobrar la renovación automática. Actualice sus datos de pago "
                "para mantener su cuenta activa.",
                "Número de cliente: {code}\nPlan: {brand} Premium\nEstado: caducado",
                "La renovación tarda menos de un minuto y sus ventajas se reactivan al "
                "instante."),
               ("Renovar ahora", "Reactivar", "Actualizar pago", "Obtener un {percent}%",
                "Conservar mis archivos")),
        "nl": (("Uw {brand}-abonnement is verlopen", "⛔ {brand}: verleng binnen 24 uur",
                "Laatste bericht: uw beveiliging is op {date_l} gestopt", "Uw cloudopslag is "
                "vol", "Betaling geweigerd: verlenging {brand}", "{first}, uw abonnement kon niet "
                "worden verlengd"),
               ("Uw {brand}-abonnement is op {date_l} verlopen. Uw apparaten zijn niet langer "
                "beschermd tegen virussen en online dreigingen.",
                "Verleng vandaag met {percent}% korting: uw abonnement voor slechts {price_c}.",
                "Uw {gb} GB opslag is vol. Foto's, video's en documenten worden verwijderd als "
                "u niet verlengt.",
                "De automatische verlenging kon niet worden afgeschreven. Werk uw "
                "betaalgegevens bij om uw account actief te houden.",
                "Klantnummer: {code}\nAbonnement: {brand} Premium\nStatus: verlopen",
                "Verlengen duurt minder dan een minuut en uw voordelen zijn direct weer actief."),
               ("Nu verlengen", "Heractiveren", "Betaalgegevens bijwerken",
                "{percent}% korting", "Mijn bestanden behouden")),
        "pt": (("A sua subscrição {brand} expirou", "⛔ {brand}: renove em 24 horas",
                "Último aviso: a sua proteção terminou em {date_l}", "O seu armazenamento na "
                "nuvem está cheio", "Pagamento recusado: renovação {brand}", "{first}, não foi "
                "possível renovar o seu plano"),
               ("A sua subscrição {brand} expirou em {date_l}. Os seus dispositivos já não "
                "estão protegidos contra vírus e ameaças online.",
                "Renove hoje com {percent}% de desconto: o seu plano por apenas {price_c}.",
                "Os seus {gb} GB de armazenamento estão cheios. Fotos, vídeos e documentos "
                "serão apagados se não renovar.",
                "Não conseguimos cobrar a renovação automática. Atualize os seus dados de "
                "pagamento para manter a conta ativa.",
                "Número de cliente: {code}\nPlano: {brand} Premium\nEstado: expirado",
                "A renovação demora menos de um minuto e as vantagens são reativadas de "
                "imediato."),
               ("Renovar agora", "Reativar", "Atualizar pagamento", "Ganhar {percent}%",
                "Manter os meus ficheiros")),
        "it": (("Il suo abbonamento {brand} è scaduto", "⛔ {brand}: rinnovi entro 24 ore",
                "Ultimo avviso: la protezione è terminata il {date_l}", "Il suo spazio cloud è "
                "pieno", "Pagamento rifiutato: rinnovo {brand}", "{first}, non è stato possibile "
                "rinnovare il piano"),
               ("Il suo abbonamento {brand} è scaduto il {date_l}. I suoi dispositivi non sono "
                "più protetti da virus e minacce online.",
                "Rinnovi oggi con il {percent}% di sconto: il suo piano a soli {price_c}.",
                "I suoi {gb} GB di spazio sono pieni. Foto, video e documenti verranno "
                "eliminati se non rinnova il piano.",
                "Non siamo riusciti ad addebitare il rinnovo automatico. Aggiorni i dati di "
                "pagamento per mantenere attivo l'account.",
                "Codice cliente: {code}\nPiano: {brand} Premium\nStato: scaduto",
                "Il rinnovo richiede meno di un minuto e i vantaggi tornano subito attivi."),
               ("Rinnova ora", "Riattiva", "Aggiorna pagamento", "Sconto del {percent}%",
                "Conserva i miei file")),
    },
    "payment_lure": {
        "en": (("Tax refund of {refund_c} approved", "Unpaid invoice {code} - final reminder",
                "Your payment failed: update your card", "⚠️ {brand}: outstanding balance of "
                "{bill_c}", "Refund notification #{n4}", "Your direct debit was returned"),
               ("After the annual calculation of your tax return, you are eligible for a "
                "refund of {refund_c}. Please submit your bank details to receive it.",
                "Our records show an unpaid bill of {bill_c} for reference {code}. To avoid "
                "additional charges and suspension of service, settle it today.",
                "Your last payment could not be processed because the card on file has expired "
                "or was declined by your bank.",
                "Invoice number: {code}\nAmount due: {bill_c}\nDue date: {date_l}",
                "The refund will be credited to your account within 3-5 working days after "
                "confirmation.",
                "If you have already paid, please disregard this message."),
               ("Claim refund", "Pay now", "Update card", "View invoice", "Confirm details")),
        "de": (("Steuererstattung über {refund_c} genehmigt", "Offene Rechnung {code} - letzte "
                "Mahnung", "Zahlung fehlgeschlagen: Karte aktualisieren", "⚠️ {brand}: offener "
                "Betrag von {bill_c}", "Erstattungsbescheid Nr. {n4}", "Ihre Lastschrift wurde "
                "zurückgegeben"),
               ("Nach der Prüfung Ihrer Steuererklärung steht Ihnen eine Erstattung von "
                "{refund_c} zu. Bitte übermitteln Sie Ihre Bankverbindung.",
                "Laut unseren Unterlagen ist die Rechnung {code} über {bill_c} noch offen. Um "
                "Mahngebühren und eine Sperre zu vermeiden, begleichen Sie sie heute.",
                "Ihre letzte Zahlung konnte nicht verarbeitet werden, da die hinterlegte Karte "
                "abgelaufen ist oder von Ihrer Bank abgelehnt wurde.",
                "Rechnungsnummer: {code}\nOffener Betrag: {bill_c}\nFällig am: {date_l}",
                "Die Erstattung wird innerhalb von 3-5 Werktagen nach Bestätigung gutgeschrieben.",
                "Sollten Sie bereits bezahlt haben, betrachten Sie diese Nachricht als "
                "gegenstandslos."),
               ("Erstattung anfordern", "Jetzt bezahlen", "Karte aktualisieren",
                "Rechnung ansehen", "Daten bestätigen")),
        "fr": (("Remboursement d'impôt de {refund_c} validé", "Facture impayée {code} - dernier "
                "rappel", "Échec du paiement : mettez à jour votre carte", "⚠️ {brand} : solde "
                "dû de {bill_c}", "Avis de remboursement n° {n4}", "Votre prélèvement a été "
                "rejeté"),
               ("Après le calcul de votre impôt, vous bénéficiez d'un remboursement de "
                "{refund_c}. Merci de renseigner vos coordonnées bancaires pour le recevoir.",
                "Une facture de {bill_c} (référence {code}) reste impayée. Pour éviter des "
                "frais et une suspension du service, réglez-la aujourd'hui.",
                "Votre dernier paiement n'a pas pu être traité : la carte enregistrée a expiré "
                "ou a été refusée par votre banque.",
                "Numéro de facture : {code}\nMontant dû : {bill_c}\nÉchéance : {date_l}",
                "Le remboursement sera crédité sous 3 à 5 jours ouvrés après confirmation.",
                "Si vous avez déjà réglé, merci de ne pas tenir compte de ce message."),
               ("Obtenir le remboursement", "Payer maintenant", "Mettre à jour ma carte",
                "Voir la facture", "Confirmer")),
        "es": (("Devolución de {refund_c} aprobada", "Factura impagada {code} - último aviso",
                "Su pago ha fallado: actualice su tarjeta", "⚠️ {brand}: saldo pendiente de "
                "{bill_c}", "Notificación de reembolso n.º {n4}", "Su recibo domiciliado ha sido "
                "devuelto"),
               ("Tras revisar su declaración, tiene derecho a una devolución de {refund_c}. "
                "Indique sus datos bancarios para recibirla.",
                "Consta una factura pendiente de {bill_c} con referencia {code}. Para evitar "
                "recargos y el corte del servicio, abónela hoy.",
                "No hemos podido procesar su último pago porque la tarjeta registrada ha "
                "caducado o fue rechazada por su banco.",
                "Número de factura: {code}\nImporte: {bill_c}\nVencimiento: {date_l}",
                "El reembolso se abonará en 3-5 días hábiles tras la confirmación.",
                "Si ya ha realizado el pago, ignore este mensaje."),
               ("Solicitar reembolso", "Pagar ahora", "Actualizar tarjeta", "Ver factura",
                "Confirmar datos")),
        "nl": (("Belastingteruggave van {refund_c} toegekend", "Openstaande factuur {code} - "
                "laatste herinnering", "Betaling mislukt: werk uw kaart bij", "⚠️ {brand}: "
                "openstaand bedrag van {bill_c}", "Terugbetaling nr. {n4}", "Uw incasso is "
                "gestorneerd"),
               ("Na de berekening van uw aangifte heeft u recht op een teruggave van "
                "{refund_c}. Vul uw rekeninggegevens in om het bedrag te ontvangen.",
                "Volgens onze gegevens staat factuur {code} van {bill_c} nog open. Betaal "
                "vandaag om extra kosten en afsluiting te voorkomen.",
                "Uw laatste betaling kon niet worden verwerkt omdat de opgeslagen kaart is "
                "verlopen of door uw bank is geweigerd.",
                "Factuurnummer: {code}\nTe betalen: {bill_c}\nVervaldatum: {date_l}",
                "Het bedrag wordt binnen 3-5 werkdagen na bevestiging teruggestort.",
                "Heeft u al betaald? Dan kunt u dit bericht negeren."),
               ("Teruggave aanvragen", "Nu betalen", "Kaart bijwerken", "Factuur bekijken",
                "Gegevens bevestigen")),
        "pt": (("Reembolso de IRS de {refund_c} aprovado", "Fatura em atraso {code} - último "
                "aviso", "O seu pagamento falhou: atualize o cartão", "⚠️ {brand}: saldo em "
                "dívida de {bill_c}", "Notificação de reembolso n.º {n4}", "O seu débito direto "
                "foi devolvido"),
               ("Após o apuramento da sua declaração, tem direito a um reembolso de "
                "{refund_c}. Indique os seus dados bancários para o receber.",
                "Consta uma fatura em atraso de {bill_c} com a referência {code}. Para evitar "
                "custos adicionais e a suspensão do serviço, regularize hoje.",
                "Não foi possível processar o último pagamento porque o cartão registado "
                "expirou ou foi recusado pelo banco.",
                "Número da fatura: {code}\nValor: {bill_c}\nData limite: {date_l}",
                "O reembolso será creditado em 3 a 5 dias úteis após a confirmação.",
                "Se já efetuou o pagamento, ignore esta mensagem."),
               ("Receber reembolso", "Pagar agora", "Atualizar cartão", "Ver fatura",
                "Confirmar dados")),
        "it": (("Rimborso fiscale di {refund_c} approvato", "Fattura non pagata {code} - "
                "ultimo sollecito", "Pagamento non riuscito: aggiorni la carta", "⚠️ {brand}: "
                "saldo da pagare di {bill_c}", "Avviso di rimborso n. {n4}", "Il suo addebito "
                "diretto è stato respinto"),
               ("Dal ricalcolo della sua dichiarazione risulta un rimborso di {refund_c} a suo "
                "favore. Inserisca le coordinate bancarie per riceverlo.",
                "Risulta non pagata la fattura {code} di {bill_c}. Per evitare more e la "
                "sospensione del servizio, la saldi oggi.",
                "Non è stato possibile elaborare l'ultimo pagamento perché la carta registrata "
                "è scaduta o è stata rifiutata dalla banca.",
                "Numero fattura: {code}\nImporto: {bill_c}\nScadenza: {date_l}",
                "Il rimborso sarà accreditato entro 3-5 giorni lavorativi dalla conferma.",
                "Se ha già pagato, ignori questo messaggio."),
               ("Richiedi il rimborso", "Paga ora", "Aggiorna la carta", "Vedi fattura",
                "Conferma i dati")),
    },
    "advance_fee": {
        "en": (("Urgent business proposal", "Inheritance claim of {big_c}", "Confidential: "
                "partnership request", "Your email won {big_c} in our annual draw", "Loan offer "
                "at 2% interest", "Good day, please reply"),
               ("I am {agent}, a senior attorney. I contacted you because a late client of mine "
                "left {big_c} in a bank account with no declared next of kin, and you share his "
                "surname.",
                "Your email address was selected in our international online draw and you have "
                "won {big_c}. To claim it, send your full name, address and phone number.",
                "I am offering you 40% of the funds for your assistance in receiving the "
                "transfer. The transaction is 100% legal and risk free.",
                "We offer personal and business loans from 5,000 to 5,000,000 at an interest "
                "rate of 2%, with no credit check.",
                "Please treat this matter as strictly confidential and reply only to my private "
                "email {reply_email}.",
                "A small processing and legal fee will be required before the release of the "
                "funds. I await your urgent reply."),
               ()),
        "de": (("Dringendes Geschäftsangebot", "Erbschaftsangelegenheit über {big_c}",
                "Vertraulich: Bitte um Zusammenarbeit", "Ihre E-Mail hat {big_c} gewonnen",
                "Kreditangebot zu 2 % Zinsen", "Guten Tag, bitte antworten Sie"),
               ("Ich bin {agent}, Rechtsanwalt. Ich kontaktiere Sie, weil ein verstorbener "
                "Mandant {big_c} auf einem Konto ohne bekannte Erben hinterlassen hat und Sie "
                "denselben Nachnamen tragen.",
                "Ihre E-Mail-Adresse wurde bei unserer internationalen Verlosung gezogen und Sie "
                "haben {big_c} gewonnen. Senden Sie uns Ihren Namen, Ihre Adresse und "
                "Telefonnummer.",
                "Ich biete Ihnen 40 % der Summe für Ihre Hilfe bei der Überweisung an. Die "
                "Transaktion ist völlig legal und risikofrei.",
                "Wir bieten Privat- und Geschäftskredite von 5.000 bis 5.000.000 zu 2 % Zinsen "
                "ohne Schufa-Prüfung.",
                "Bitte behandeln Sie diese Angelegenheit streng vertraulich und antworten Sie "
                "nur an meine private Adresse {reply_email}.",
                "Vor der Freigabe der Mittel fällt eine kleine Bearbeitungsgebühr an. Ich "
                "erwarte Ihre baldige Antwort."),
               ()),
        "fr": (("Proposition d'affaires urgente", "Succession de {big_c}", "Confidentiel : "
                "demande de partenariat", "Votre adresse e-mail a gagné {big_c}", "Offre de "
                "prêt à 2 %", "Bonjour, merci de me répondre"),
               ("Je suis {agent}, avocat. Je vous contacte car un de mes clients décédé a laissé "
                "{big_c} sur un compte sans héritier connu, et vous portez le même nom.",
                "Votre adresse e-mail a été tirée au sort lors de notre loterie internationale "
                "et vous avez gagné {big_c}. Envoyez-nous vos nom, adresse et téléphone.",
                "Je vous propose 40 % des fonds pour votre aide à recevoir le virement. "
                "L'opération est légale et sans risque.",
                "Nous proposons des prêts entre particuliers de 5 000 à 5 000 000 à un taux de "
                "2 %, sans vérification de crédit.",
                "Merci de garder cette affaire strictement confidentielle et de répondre "
                "uniquement à mon adresse privée {reply_email}.",
                "De petits frais de dossier seront nécessaires avant le déblocage des fonds. "
                "J'attends votre réponse rapide."),
               ()),
        "es": (("Propuesta de negocio urgente", "Herencia de {big_c}", "Confidencial: "
                "solicitud de colaboración", "Su correo ha ganado {big_c}", "Préstamo al 2% "
                "de interés", "Buenos días, responda por favor"),
               ("Soy {agent}, abogado. Le escribo porque un cliente fallecido dejó {big_c} en "
                "una cuenta sin herederos conocidos y usted comparte su apellido.",
                "Su dirección de correo fue seleccionada en nuestro sorteo internacional y ha "
                "ganado {big_c}. Envíenos su nombre, dirección y teléfono.",
                "Le ofrezco el 40% de los fondos por su ayuda para recibir la transferencia. La "
                "operación es totalmente legal y sin riesgos.",
                "Ofrecemos préstamos personales y para empresas de 5.000 a 5.000.000 al 2% de "
                "interés, sin consultar su historial.",
                "Le ruego máxima confidencialidad y que responda solo a mi correo privado "
                "{reply_email}.",
                "Antes de liberar los fondos será necesario abonar una pequeña tasa de gestión. "
                "Espero su pronta respuesta."),
               ()),
        "nl": (("Dringend zakelijk voorstel", "Erfenis van {big_c}", "Vertrouwelijk: verzoek "
                "om samenwerking", "Uw e-mail heeft {big_c} gewonnen", "Lening tegen 2% rente",
                "Goedendag, graag uw reactie"),
               ("Ik ben {agent}, advocaat. Ik neem contact op omdat een overleden cliënt {big_c} "
                "heeft nagelaten op een rekening zonder bekende erfgenamen, en u dezelfde "
                "achternaam heeft.",
                "Uw e-mailadres is getrokken in onze internationale loterij en u heeft {big_c} "
                "gewonnen. Stuur ons uw naam, adres en telefoonnummer.",
                "Ik bied u 40% van het bedrag voor uw hulp bij het ontvangen van de "
                "overboeking. Alles is volkomen legaal en zonder risico.",
                "Wij bieden leningen van 5.000 tot 5.000.000 tegen 2% rente, zonder BKR-toets.",
                "Behandel dit strikt vertrouwelijk en antwoord alleen naar mijn privéadres "
                "{reply_email}.",
                "Voor de vrijgave van het geld zijn kleine administratiekosten nodig. Ik zie uw "
                "snelle reactie tegemoet."),
               ()),
        "pt": (("Proposta de negócio urgente", "Herança de {big_c}", "Confidencial: pedido de "
                "parceria", "O seu e-mail ganhou {big_c}", "Empréstimo a 2% de juros",
                "Bom dia, por favor responda"),
               ("Sou {agent}, advogado. Contacto-o porque um cliente falecido deixou {big_c} "
                "numa conta sem herdeiros conhecidos e o senhor partilha o mesmo apelido.",
                "O seu endereço de e-mail foi sorteado na nossa lotaria internacional e ganhou "
                "{big_c}. Envie-nos o seu nome, morada e telefone.",
                "Ofereço-lhe 40% dos fundos pela sua ajuda em receber a transferência. A "
                "operação é totalmente legal e sem riscos.",
                "Oferecemos empréstimos de 5.000 a 5.000.000 a uma taxa de 2%, sem consulta ao "
                "seu histórico de crédito.",
                "Peço sigilo absoluto e que responda apenas para o meu e-mail privado "
                "{reply_email}.",
                "Antes da libertação dos fundos será necessária uma pequena taxa de "
                "processamento. Aguardo a sua resposta urgente."),
               ()),
        "it": (("Proposta d'affari urgente", "Eredità di {big_c}", "Riservato: richiesta di "
                "collaborazione", "La sua e-mail ha vinto {big_c}", "Prestito al 2% di "
                "interesse", "Buongiorno, attendo risposta"),
               ("Sono {agent}, avvocato. La contatto perché un mio cliente defunto ha lasciato "
                "{big_c} su un conto senza eredi noti, e lei porta lo stesso cognome.",
                "Il suo indirizzo e-mail è stato estratto nella nostra lotteria internazionale "
                "e ha vinto {big_c}. Ci invii nome, indirizzo e numero di telefono.",
                "Le offro il 40% dei fondi per il suo aiuto nel ricevere il bonifico. "
                "L'operazione è del tutto legale e senza rischi.",
                "Offriamo prestiti da 5.000 a 5.000.000 al tasso del 2%, senza verifiche sul "
                "credito.",
                "La prego di mantenere la massima riservatezza e di rispondere solo al mio "
                "indirizzo privato {reply_email}.",
                "Prima dello sblocco dei fondi è richiesta una piccola spesa di pratica. "
                "Attendo una sua rapida risposta."),
               ()),
    },
    "extortion": {
        "en": (("I know your password", "Your device has been hacked", "{email} - last "
                "warning", "You have {hours} hours to pay", "Security notice: your account was "
                "compromised", "I recorded you"),
               ("I am a hacker who gained access to your device and your email {email} several "
                "months ago through malware on a website you visited.",
                "My software recorded you through your camera while you were watching adult "
                "videos. I also copied all your contacts and your browsing history.",
                "If you want me to delete everything, send {ransom_c} in Bitcoin to this "
                "address: {wallet}",
                "You have {hours} hours from the moment you open this email. I will know when "
                "you have read it.",
                "If I do not receive the payment, the video will be sent to all your contacts, "
                "colleagues and family.",
                "Do not reply to this email and do not contact the police: it will not help "
                "you."),
               ()),
        "de": (("Ich kenne Ihr Passwort", "Ihr Gerät wurde gehackt", "{email} - letzte "
                "Warnung", "Sie haben {hours} Stunden Zeit", "Sicherheitshinweis: Ihr Konto "
                "wurde kompromittiert", "Ich habe Sie aufgenommen"),
               ("Ich bin ein Hacker und habe mir vor einigen Monaten über Schadsoftware Zugang "
                "zu Ihrem Gerät und Ihrer E-Mail {email} verschafft.",
                "Meine Software hat Sie über Ihre Kamera aufgenommen, während Sie Videos für "
                "Erwachsene angesehen haben. Außerdem habe ich alle Ihre Kontakte kopiert.",
                "Wenn ich alles löschen soll, überweisen Sie {ransom_c} in Bitcoin an diese "
                "Adresse: {wallet}",
                "Sie haben {hours} Stunden ab dem Öffnen dieser E-Mail. Ich sehe, wann Sie sie "
                "gelesen haben.",
                "Erhalte ich die Zahlung nicht, geht das Video an alle Ihre Kontakte, Kollegen "
                "und Ihre Familie.",
                "Antworten Sie nicht auf diese E-Mail und gehen Sie nicht zur Polizei, das wird "
                "Ihnen nicht helfen."),
               ()),
        "fr": (("Je connais votre mot de passe", "Votre appareil a été piraté", "{email} - "
                "dernier avertissement", "Vous avez {hours} heures", "Avis de sécurité : votre "
                "compte est compromis", "Je vous ai filmé"),
               ("Je suis un hacker et j'ai pris le contrôle de votre appareil et de votre "
                "messagerie {email} il y a quelques mois grâce à un logiciel malveillant.",
                "Mon logiciel vous a filmé avec votre caméra pendant que vous regardiez des "
                "vidéos pour adultes. J'ai aussi copié tous vos contacts.",
                "Si vous voulez que je supprime tout, envoyez {ransom_c} en Bitcoin à cette "
                "adresse : {wallet}",
                "Vous avez {hours} heures à partir de l'ouverture de ce message. Je saurai quand "
                "vous l'aurez lu.",
                "Sans paiement, la vidéo sera envoyée à tous vos contacts, collègues et à votre "
                "famille.",
                "Ne répondez pas à cet e-mail et ne contactez pas la police, cela ne vous aidera "
                "pas."),
               ()),
        "es": (("Sé tu contraseña", "Tu dispositivo ha sido hackeado", "{email} - último "
                "aviso", "Tienes {hours} horas para pagar", "Aviso de seguridad: tu cuenta ha "
                "sido comprometida", "Te he grabado"),
               ("Soy un hacker y hace meses conseguí acceso a tu dispositivo y a tu correo "
                "{email} mediante un programa malicioso.",
                "Mi programa te grabó con la cámara mientras veías vídeos para adultos. También "
                "he copiado todos tus contactos.",
                "Si quieres que lo borre todo, envía {ransom_c} en Bitcoin a esta dirección: "
                "{wallet}",
                "Tienes {hours} horas desde que abras este correo. Sabré cuándo lo has leído.",
                "Si no recibo el pago, el vídeo llegará a todos tus contactos, compañeros de "
                "trabajo y familiares.",
                "No respondas a este correo ni acudas a la policía, no te servirá de nada."),
               ()),
        "nl": (("Ik ken je wachtwoord", "Je apparaat is gehackt", "{email} - laatste "
                "waarschuwing", "Je hebt {hours} uur om te betalen", "Beveiligingsmelding: je "
                "account is gehackt", "Ik heb je opgenomen"),
               ("Ik ben een hacker en heb maanden geleden via malware toegang gekregen tot je "
                "apparaat en je e-mail {email}.",
                "Mijn software heeft je via je camera opgenomen terwijl je naar video's voor "
                "volwassenen keek. Ook heb ik al je contacten gekopieerd.",
                "Wil je dat ik alles verwijder, stuur dan {ransom_c} in Bitcoin naar dit adres: "
                "{wallet}",
                "Je hebt {hours} uur vanaf het openen van deze e-mail. Ik zie wanneer je hem "
                "hebt gelezen.",
                "Ontvang ik de betaling niet, dan gaat de video naar al je contacten, collega's "
                "en familie.",
                "Reageer niet op deze e-mail en ga niet naar de politie, dat helpt je niet."),
               ()),
        "pt": (("Eu sei a sua senha", "O seu dispositivo foi invadido", "{email} - último "
                "aviso", "Tem {hours} horas para pagar", "Aviso de segurança: a sua conta foi "
                "comprometida", "Eu gravei você"),
               ("Sou um hacker e há alguns meses obtive acesso ao seu dispositivo e ao seu "
                "e-mail {email} através de um programa malicioso.",
                "O meu programa gravou você pela câmara enquanto via vídeos para adultos. "
                "Também copiei todos os seus contactos.",
                "Se quer que eu apague tudo, envie {ransom_c} em Bitcoin para este endereço: "
                "{wallet}",
                "Tem {hours} horas a partir do momento em que abrir este e-mail. Saberei quando "
                "o ler.",
                "Se não receber o pagamento, o vídeo será enviado a todos os seus contactos, "
                "colegas e família.",
                "Não responda a este e-mail nem contacte a polícia, não vai ajudar."),
               ()),
        "it": (("Conosco la tua password", "Il tuo dispositivo è stato violato", "{email} - "
                "ultimo avviso", "Hai {hours} ore per pagare", "Avviso di sicurezza: il tuo "
                "account è compromesso", "Ti ho registrato"),
               ("Sono un hacker e mesi fa ho ottenuto l'accesso al tuo dispositivo e alla tua "
                "e-mail {email} tramite un malware.",
                "Il mio programma ti ha registrato con la webcam mentre guardavi video per "
                "adulti. Ho anche copiato tutti i tuoi contatti.",
                "Se vuoi che cancelli tutto, invia {ransom_c} in Bitcoin a questo indirizzo: "
                "{wallet}",
                "Hai {hours} ore dall'apertura di questa e-mail. Saprò quando l'avrai letta.",
                "Se non ricevo il pagamento, il video verrà inviato a tutti i tuoi contatti, "
                "colleghi e familiari.",
                "Non rispondere a questa e-mail e non rivolgerti alla polizia, non ti servirà."),
               ()),
    },
    "product_spam": {
        "en": (("{offer} 🔥", "{product}: doctors are stunned", "⚡ {first}, {offer}",
                "Only today: {product} at -{percent}%", "The secret they don't want you to know",
                "💰 {offer} - see how"),
               ("Thousands of people have already discovered {product}. {offer}, without effort "
                "and without side effects.",
                "\"I couldn't believe it until I tried it myself\" - Sarah, {age}, one of our "
                "happy customers.",
                "For a limited time you get {percent}% off and free delivery. Stock is running "
                "out fast.",
                "100% natural, clinically tested and recommended by experts. Money-back "
                "guarantee if you are not satisfied.",
                "Join {count},000 members who already changed their lives this year.",
                "Order now and receive a second pack for free."),
               ("Order now", "Find out more", "Claim the offer", "Try it free", "Sign up")),
        "de": (("{offer} 🔥", "{product}: Ärzte sind sprachlos", "⚡ {first}, {offer}",
                "Nur heute: {product} mit -{percent} %", "Das Geheimnis, das niemand verrät",
                "💰 {offer} - so geht's"),
               ("Tausende Menschen haben {product} bereits entdeckt. {offer}, ganz ohne Mühe "
                "und ohne Nebenwirkungen.",
                "„Ich konnte es erst glauben, als ich es selbst ausprobiert habe“ - Sabine, "
                "{age}, eine unserer zufriedenen Kundinnen.",
                "Nur für kurze Zeit: {percent} % Rabatt und kostenloser Versand. Der Vorrat ist "
                "fast aufgebraucht.",
                "100 % natürlich, klinisch getestet und von Experten empfohlen. "
                "Geld-zurück-Garantie.",
                "Schon {count}.000 Mitglieder haben ihr Leben in diesem Jahr verändert.",
                "Jetzt bestellen und eine zweite Packung gratis erhalten."),
               ("Jetzt bestellen", "Mehr erfahren", "Angebot sichern", "Gratis testen",
                "Jetzt anmelden")),
        "fr": (("{offer} 🔥", "{product} : les médecins n'en reviennent pas", "⚡ {first}, "
                "{offer}", "Aujourd'hui seulement : {product} à -{percent} %", "Le secret "
                "qu'on vous cache", "💰 {offer} - voici comment"),
               ("Des milliers de personnes ont déjà découvert {product}. {offer}, sans effort "
                "et sans effets secondaires.",
                "« Je n'y croyais pas avant de l'essayer » - Sophie, {age} ans, cliente "
                "satisfaite.",
                "Pour une durée limitée : -{percent} % et livraison offerte. Les stocks "
                "s'épuisent vite.",
                "100 % naturel, testé cliniquement et recommandé par des experts. Satisfait ou "
                "remboursé.",
                "Rejoignez les {count} 000 membres qui ont changé de vie cette année.",
                "Commandez maintenant et recevez une deuxième boîte gratuite."),
               ("Commander", "En savoir plus", "Profiter de l'offre", "Essai gratuit",
                "S'inscrire")),
        "es": (("{offer} 🔥", "{product}: los médicos no se lo creen", "⚡ {first}, {offer}",
                "Solo hoy: {product} con un -{percent}%", "El secreto que no quieren que sepas",
                "💰 {offer}: descubre cómo"),
               ("Miles de personas ya han descubierto {product}. {offer}, sin esfuerzo y sin "
                "efectos secundarios.",
                "\"No me lo creía hasta que lo probé\" - Lucía, {age} años, una de nuestras "
                "clientas.",
                "Por tiempo limitado: {percent}% de descuento y envío gratis. Quedan pocas "
                "unidades.",
                "100% natural, probado clínicamente y recomendado por expertos. Garantía de "
                "devolución.",
                "Únete a los {count}.000 miembros que ya han cambiado su vida este año.",
                "Pide ahora y recibe un segundo envase gratis."),
               ("Pedir ahora", "Más información", "Aprovechar la oferta", "Probar gratis",
                "Registrarse")),
        "nl": (("{offer} 🔥", "{product}: artsen staan versteld", "⚡ {first}, {offer}",
                "Alleen vandaag: {product} met -{percent}%", "Het geheim dat niemand je vertelt",
                "💰 {offer} - zo werkt het"),
               ("Duizenden mensen hebben {product} al ontdekt. {offer}, zonder moeite en zonder "
                "bijwerkingen.",
                "\"Ik geloofde het pas toen ik het zelf probeerde\" - Anouk, {age}, tevreden "
                "klant.",
                "Tijdelijk {percent}% korting en gratis verzending. De voorraad is bijna op.",
                "100% natuurlijk, klinisch getest en aanbevolen door experts. Niet goed, geld "
                "terug.",
                "Sluit je aan bij {count}.000 leden die dit jaar hun leven veranderden.",
                "Bestel nu en ontvang een tweede verpakking gratis."),
               ("Nu bestellen", "Meer informatie", "Aanbieding claimen", "Gratis proberen",
                "Aanmelden")),
        "pt": (("{offer} 🔥", "{product}: os médicos estão impressionados", "⚡ {first}, "
                "{offer}", "Só hoje: {product} com -{percent}%", "O segredo que não querem que "
                "saiba", "💰 {offer} - veja como"),
               ("Milhares de pessoas já descobriram {product}. {offer}, sem esforço e sem "
                "efeitos secundários.",
                "\"Só acreditei quando experimentei\" - Ana, {age} anos, cliente satisfeita.",
                "Por tempo limitado: {percent}% de desconto e envio grátis. O stock está a "
                "esgotar.",
                "100% natural, testado clinicamente e recomendado por especialistas. Garantia "
                "de reembolso.",
                "Junte-se aos {count} mil membros que mudaram de vida este ano.",
                "Encomende agora e receba uma segunda embalagem grátis."),
               ("Encomendar", "Saber mais", "Aproveitar a oferta", "Experimentar grátis",
                "Registar")),
        "it": (("{offer} 🔥", "{product}: i medici sono senza parole", "⚡ {first}, {offer}",
                "Solo oggi: {product} al -{percent}%", "Il segreto che nessuno ti dice",
                "💰 {offer} - ecco come"),
               ("Migliaia di persone hanno già scoperto {product}. {offer}, senza fatica e "
                "senza effetti collaterali.",
                "\"Non ci credevo finché non l'ho provato\" - Giulia, {age} anni, cliente "
                "soddisfatta.",
                "Per un periodo limitato: sconto del {percent}% e spedizione gratuita. Le scorte "
                "stanno finendo.",
                "100% naturale, testato clinicamente e consigliato dagli esperti. Soddisfatti o "
                "rimborsati.",
                "Unisciti ai {count}.000 iscritti che quest'anno hanno cambiato vita.",
                "Ordina ora e ricevi una seconda confezione in omaggio."),
               ("Ordina ora", "Scopri di più", "Approfitta dell'offerta", "Prova gratis",
                "Iscriviti")),
    },
}
_SPAM_OFFER_THEMES: Final = ("diet", "hair", "potency", "health", "casino", "dating", "invest",
                             "loan")
_SPAM_PRODUCTS: Final[dict[str, tuple[str, ...]]] = {
    "diet": ("KetoSlim Pro", "SlimFit Ultra", "GlucoTrim", "LipoBurn X"),
    "hair": ("FolliMax", "HairRevive Serum", "Capillix Forte"),
    "potency": ("VitaMaxx", "TitanFlow", "EroPower Plus"),
    "health": ("ArtroFlex", "CardioBalance", "Dr. Neuro Drops", "VisioPure"),
    "casino": ("Casino Royal Star", "SpinPalace", "LuckyJackpot 777"),
    "dating": ("LoveMatch", "SecretFlirt", "DateNow"),
    "invest": ("Quantum AI Trader", "BitProfit App", "CryptoEdge Pro"),
    "loan": ("QuickCredit", "EasyLoan24", "FlexiCash"),
}
_SPAM_OFFERS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Lose up to 12 kg in 4 weeks", "Regrow your hair in 30 days", "Feel 20 years younger "
           "in the bedroom", "End joint pain for good", "Get 200 free spins and a 500% bonus",
           "Singles near you want to meet tonight", "Earn 1,500 a day from home with AI trading",
           "Get up to 50,000 in 24 hours, no credit check"),
    "de": ("Bis zu 12 kg in 4 Wochen abnehmen", "Volles Haar in 30 Tagen", "Wieder wie mit 20 "
           "fühlen", "Gelenkschmerzen endlich los", "200 Freispiele und 500 % Bonus sichern",
           "Singles in Ihrer Nähe wollen Sie heute treffen", "Mit KI-Trading 1.500 € am Tag "
           "verdienen", "Bis zu 50.000 € in 24 Stunden, ohne Schufa"),
    "fr": ("Perdez jusqu'à 12 kg en 4 semaines", "Retrouvez vos cheveux en 30 jours",
           "Retrouvez la forme de vos 20 ans", "Fini les douleurs articulaires",
           "200 tours gratuits et 500 % de bonus", "Des célibataires près de chez vous veulent "
           "vous rencontrer", "Gagnez 1 500 € par jour grâce au trading IA", "Jusqu'à 50 000 € "
           "en 24 h, sans justificatif"),
    "es": ("Pierde hasta 12 kg en 4 semanas", "Recupera tu pelo en 30 días", "Vuelve a sentirte "
           "como a los 20", "Adiós al dolor articular", "200 giros gratis y un bono del 500%",
           "Solteros cerca de ti quieren conocerte hoy", "Gana 1.500 € al día con trading por IA",
           "Hasta 50.000 € en 24 horas sin consultar ASNEF"),
    "nl": ("Tot 12 kilo kwijt in 4 weken", "Voller haar in 30 dagen", "Voel je weer als twintig",
           "Eindelijk af van gewrichtspijn", "200 gratis spins en 500% bonus",
           "Singles in jouw buurt willen je vanavond ontmoeten", "Verdien 1.500 euro per dag met "
           "AI-trading", "Tot 50.000 euro binnen 24 uur lenen"),
    "pt": ("Perca até 12 kg em 4 semanas", "Recupere o cabelo em 30 dias", "Sinta-se com 20 anos "
           "outra vez", "Acabe com as dores nas articulações", "200 rodadas grátis e bónus de "
           "500%", "Solteiros perto de si querem conhecê-lo hoje", "Ganhe 1.500 € por dia com "
           "trading de IA", "Até 50.000 € em 24 horas sem burocracia"),
    "pt-br": ("Perca até 12 kg em 4 semanas", "Recupere seus cabelos em 30 dias", "Volte a se "
              "sentir com 20 anos", "Acabe com as dores nas articulações", "Ganhe 200 giros "
              "grátis e bônus de 500% no cassino", "Solteiros perto de você querem te conhecer "
              "hoje", "Ganhe R$ 1.500 por dia com o robô de IA", "Até R$ 50 mil em 24 horas, sem "
              "consulta ao SPC/Serasa"),
    "it": ("Perdi fino a 12 kg in 4 settimane", "Capelli folti in 30 giorni", "Torna a sentirti "
           "come a 20 anni", "Addio dolori articolari", "200 giri gratis e bonus del 500%",
           "Single vicino a te vogliono conoscerti stasera", "Guadagna 1.500 € al giorno con il "
           "trading IA", "Fino a 50.000 € in 24 ore senza garanzie"),
}
# kind -> language -> (subjects, paragraphs, anchors): what the real brands send.
_CONSUMER_HAM: Final[dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...],
                                                tuple[str, ...]]]]] = {
    "promo": {
        "en": (("🔥 Up to {percent}% off this weekend", "New arrivals you'll love", "{first}, "
                "your exclusive offer is here 🎁", "Last chance: sale ends tonight",
                "Spring deals at {brand} ✨"),
               ("Our biggest sale of the season is on: save up to {percent}% on hundreds of "
                "items, online and in store.", "Members get free delivery on every order this "
                "week.", "Discover the new collection and find your favourites before they sell "
                "out.", "Prices shown are valid until {date_l} while stocks last."),
               ("Shop now", "See the offers", "Discover more")),
        "de": (("🔥 Bis zu {percent} % Rabatt am Wochenende", "Neu eingetroffen: entdecken Sie "
                "die Highlights", "{first}, Ihr persönliches Angebot 🎁", "Nur noch heute: "
                "Sale endet um Mitternacht", "Frühlingsangebote bei {brand} ✨"),
               ("Unser großer Sale läuft: sparen Sie bis zu {percent} % auf Hunderte Artikel, "
                "online und in der Filiale.", "Mitglieder erhalten diese Woche kostenlosen "
                "Versand auf jede Bestellung.", "Entdecken Sie die neue Kollektion, solange der "
                "Vorrat reicht.", "Die Preise gelten bis {date_l}, solange der Vorrat reicht."),
               ("Jetzt shoppen", "Zu den Angeboten", "Mehr entdecken")),
        "fr": (("🔥 Jusqu'à -{percent} % ce week-end", "Nouveautés : nos coups de cœur",
                "{first}, votre offre exclusive est arrivée 🎁", "Dernier jour : les soldes se "
                "terminent ce soir", "Les offres de printemps {brand} ✨"),
               ("Nos grandes promotions sont lancées : jusqu'à -{percent} % sur des centaines "
                "d'articles, en ligne et en magasin.", "Livraison offerte aux membres sur toutes "
                "les commandes cette semaine.", "Découvrez la nouvelle collection avant qu'elle "
                "ne soit épuisée.", "Offres valables jusqu'au {date_l} dans la limite des stocks "
                "disponibles."),
               ("J'en profite", "Voir les offres", "Découvrir")),
        "es": (("🔥 Hasta un {percent}% de descuento este fin de semana", "Novedades que te "
                "encantarán", "{first}, tu oferta exclusiva ya está aquí 🎁", "Última "
                "oportunidad: las rebajas terminan hoy", "Ofertas de primavera en {brand} ✨"),
               ("Llegan nuestras grandes rebajas: ahorra hasta un {percent}% en cientos de "
                "artículos, online y en tienda.", "Los socios tienen envío gratis en todos los "
                "pedidos esta semana.", "Descubre la nueva colección antes de que se agote.",
                "Precios válidos hasta el {date_l} o hasta fin de existencias."),
               ("Comprar ahora", "Ver ofertas", "Descubrir")),
        "nl": (("🔥 Tot {percent}% korting dit weekend", "Nieuw binnen: onze favorieten",
                "{first}, jouw persoonlijke aanbieding 🎁", "Laatste kans: uitverkoop eindigt "
                "vanavond", "Voorjaarsdeals bij {brand} ✨"),
               ("Onze grote uitverkoop is begonnen: tot {percent}% korting op honderden "
                "artikelen, online en in de winkel.", "Leden krijgen deze week gratis "
                "bezorging op elke bestelling.", "Ontdek de nieuwe collectie voordat je "
                "favorieten uitverkocht zijn.", "Prijzen geldig tot en met {date_l}, zolang de "
                "voorraad strekt."),
               ("Shop nu", "Bekijk de aanbiedingen", "Ontdek meer")),
        "pt": (("🔥 Até {percent}% de desconto este fim de semana", "Novidades que vai adorar",
                "{first}, a sua oferta exclusiva chegou 🎁", "Última oportunidade: os saldos "
                "terminam hoje", "Promoções de primavera {brand} ✨"),
               ("Começaram os nossos grandes saldos: poupe até {percent}% em centenas de "
                "artigos, online e em loja.", "Os membros têm entrega grátis em todas as "
                "encomendas esta semana.", "Descubra a nova coleção antes que esgote.",
                "Preços válidos até {date_l} ou até esgotar o stock."),
               ("Comprar agora", "Ver promoções", "Descobrir")),
        "it": (("🔥 Fino al {percent}% di sconto questo weekend", "Nuovi arrivi da non perdere",
                "{first}, la tua offerta esclusiva è qui 🎁", "Ultima occasione: i saldi "
                "finiscono stasera", "Le offerte di primavera {brand} ✨"),
               ("Sono iniziati i nostri grandi saldi: risparmia fino al {percent}% su centinaia "
                "di articoli, online e in negozio.", "Per i membri la consegna è gratuita su "
                "tutti gli ordini di questa settimana.", "Scopri la nuova collezione prima che "
                "vada esaurita.", "Prezzi validi fino al {date_l} salvo esaurimento scorte."),
               ("Acquista ora", "Vedi le offerte", "Scopri di più")),
    },
    "shipping": {
        "en": (("Your order has shipped 📦", "Your parcel {awb} is out for delivery",
                "Delivery update for parcel {awb}"),
               ("Good news: your parcel {awb} is on its way and is expected on {date_l}.",
                "You can follow your delivery, change the date or choose a pickup point in the "
                "app or on our website.", "Tracking number: {awb}\nExpected delivery: "
                "{date_l}\nService: standard"),
               ("Track your parcel", "Manage delivery")),
        "de": (("Ihre Bestellung ist unterwegs 📦", "Ihr Paket {awb} wird heute zugestellt",
                "Sendungsinformation zu Ihrem Paket {awb}"),
               ("Gute Nachrichten: Ihr Paket {awb} ist unterwegs und kommt voraussichtlich am "
                "{date_l}.", "Sie können Ihre Sendung verfolgen, den Termin ändern oder eine "
                "Packstation wählen - in der App oder auf unserer Website.", "Sendungsnummer: "
                "{awb}\nVoraussichtliche Zustellung: {date_l}\nService: Standard"),
               ("Sendung verfolgen", "Zustellung verwalten")),
        "fr": (("Votre commande a été expédiée 📦", "Votre colis {awb} est en cours de "
                "livraison", "Suivi de votre colis {awb}"),
               ("Bonne nouvelle : votre colis {awb} est en route, livraison prévue le {date_l}.",
                "Vous pouvez suivre votre colis, changer la date ou choisir un point relais "
                "depuis l'application ou notre site.", "Numéro de suivi : {awb}\nLivraison "
                "prévue : {date_l}\nService : standard"),
               ("Suivre mon colis", "Gérer la livraison")),
        "es": (("Tu pedido ya está en camino 📦", "Tu paquete {awb} está en reparto",
                "Actualización del envío {awb}"),
               ("Buenas noticias: tu paquete {awb} está en camino y llegará el {date_l}.",
                "Puedes seguir el envío, cambiar la fecha o elegir un punto de recogida en la "
                "app o en nuestra web.", "Número de seguimiento: {awb}\nEntrega prevista: "
                "{date_l}\nServicio: estándar"),
               ("Seguir mi envío", "Gestionar entrega")),
        "nl": (("Je bestelling is verzonden 📦", "Je pakket {awb} wordt vandaag bezorgd",
                "Update over je pakket {awb}"),
               ("Goed nieuws: je pakket {awb} is onderweg en wordt naar verwachting op {date_l} "
                "bezorgd.", "Je kunt je pakket volgen, de datum wijzigen of een afhaalpunt "
                "kiezen in de app of op onze website.", "Track & trace: {awb}\nVerwachte "
                "bezorging: {date_l}\nService: standaard"),
               ("Volg je pakket", "Bezorging beheren")),
        "pt": (("A sua encomenda foi enviada 📦", "A sua encomenda {awb} está em distribuição",
                "Atualização da encomenda {awb}"),
               ("Boas notícias: a sua encomenda {awb} está a caminho e deverá chegar em "
                "{date_l}.", "Pode acompanhar a entrega, mudar a data ou escolher um ponto de "
                "recolha na app ou no nosso site.", "Código de rastreio: {awb}\nEntrega "
                "prevista: {date_l}\nServiço: normal"),
               ("Seguir encomenda", "Gerir entrega")),
        "it": (("Il tuo ordine è stato spedito 📦", "Il tuo pacco {awb} è in consegna",
                "Aggiornamento sulla spedizione {awb}"),
               ("Buone notizie: il tuo pacco {awb} è in viaggio e arriverà il {date_l}.",
                "Puoi seguire la spedizione, cambiare la data o scegliere un punto di ritiro "
                "dall'app o dal nostro sito.", "Codice di tracciamento: {awb}\nConsegna "
                "prevista: {date_l}\nServizio: standard"),
               ("Traccia il pacco", "Gestisci la consegna")),
    },
    "security": {
        "en": (("New sign-in to your {brand} account", "Your {brand} password was changed",
                "Security alert: new device"),
               ("We noticed a new sign-in to your {brand} account on {device} near {home}.",
                "If this was you, you don't need to do anything. If not, we'll help you secure "
                "your account; we will never ask for your password by email.",
                "You can review your devices and recent activity at any time in your account "
                "settings."),
               ("Review activity", "Check activity")),
        "de": (("Neue Anmeldung bei Ihrem {brand}-Konto", "Ihr {brand}-Passwort wurde "
                "geändert", "Sicherheitshinweis: neues Gerät"),
               ("Wir haben eine neue Anmeldung bei Ihrem {brand}-Konto auf {device} in der Nähe "
                "von {home} festgestellt.", "Wenn Sie das waren, müssen Sie nichts tun. Falls "
                "nicht, helfen wir Ihnen, Ihr Konto zu schützen; wir fragen Sie nie per E-Mail "
                "nach Ihrem Passwort.", "Ihre Geräte und letzten Aktivitäten sehen Sie jederzeit "
                "in den Kontoeinstellungen."),
               ("Aktivität prüfen", "Kontoeinstellungen")),
        "fr": (("Nouvelle connexion à votre compte {brand}", "Votre mot de passe {brand} a été "
                "modifié", "Alerte de sécurité : nouvel appareil"),
               ("Nous avons remarqué une nouvelle connexion à votre compte {brand} depuis "
                "{device} près de {home}.", "Si c'était vous, vous n'avez rien à faire. Sinon, "
                "nous vous aiderons à sécuriser votre compte ; nous ne vous demanderons jamais "
                "votre mot de passe par e-mail.", "Vous pouvez consulter vos appareils et votre "
                "activité récente dans les paramètres du compte."),
               ("Vérifier l'activité", "Paramètres du compte")),
        "es": (("Nuevo inicio de sesión en tu cuenta de {brand}", "Se ha cambiado tu contraseña "
                "de {brand}", "Alerta de seguridad: nuevo dispositivo"),
               ("Hemos detectado un nuevo inicio de sesión en tu cuenta de {brand} desde "
                "{device} cerca de {home}.", "Si fuiste tú, no tienes que hacer nada. Si no, te "
                "ayudaremos a proteger tu cuenta; nunca te pediremos la contraseña por correo.",
                "Puedes revisar tus dispositivos y la actividad reciente en la configuración de "
                "tu cuenta."),
               ("Revisar actividad", "Configuración de la cuenta")),
        "nl": (("Nieuwe aanmelding bij je {brand}-account", "Je {brand}-wachtwoord is gewijzigd",
                "Beveiligingsmelding: nieuw apparaat"),
               ("We zagen een nieuwe aanmelding bij je {brand}-account op {device} in de buurt "
                "van {home}.", "Was jij dit? Dan hoef je niets te doen. Zo niet, dan helpen we "
                "je je account te beveiligen; we vragen nooit per e-mail om je wachtwoord.",
                "Je apparaten en recente activiteit zie je altijd in je accountinstellingen."),
               ("Activiteit bekijken", "Accountinstellingen")),
        "pt": (("Novo início de sessão na sua conta {brand}", "A sua senha {brand} foi alterada",
                "Alerta de segurança: novo dispositivo"),
               ("Detetámos um novo início de sessão na sua conta {brand} num {device} perto de "
                "{home}.", "Se foi você, não precisa de fazer nada. Caso contrário, ajudamos a "
                "proteger a sua conta; nunca lhe pediremos a senha por e-mail.", "Pode rever os "
                "seus dispositivos e a atividade recente nas definições da conta."),
               ("Rever atividade", "Definições da conta")),
        "it": (("Nuovo accesso al tuo account {brand}", "La password di {brand} è stata "
                "modificata", "Avviso di sicurezza: nuovo dispositivo"),
               ("Abbiamo rilevato un nuovo accesso al tuo account {brand} da {device} vicino a "
                "{home}.", "Se sei stato tu, non devi fare nulla. Altrimenti ti aiuteremo a "
                "proteggere l'account; non ti chiederemo mai la password via e-mail.", "Puoi "
                "controllare dispositivi e attività recenti nelle impostazioni dell'account."),
               ("Controlla l'attività", "Impostazioni account")),
    },
    "billing": {
        "en": (("Your {brand} receipt", "Your subscription has been renewed", "Your {month_l} "
                "bill is ready"),
               ("Thanks for being a member. We charged {price_c} to your saved payment method "
                "for your {brand} plan.", "Order number: {code}\nAmount: {price_c}\nNext "
                "billing date: {date_l}", "You can view past invoices or change your plan at "
                "any time in your account."),
               ("View receipt", "Manage subscription", "See my bill")),
        "de": (("Ihre {brand}-Quittung", "Ihr Abonnement wurde verlängert", "Ihre Rechnung für "
                "{month_l} ist da"),
               ("Vielen Dank für Ihre Mitgliedschaft. Wir haben {price_c} für Ihren "
                "{brand}-Tarif von Ihrer hinterlegten Zahlungsart abgebucht.", "Bestellnummer: "
                "{code}\nBetrag: {price_c}\nNächste Abbuchung: {date_l}", "Frühere Rechnungen "
                "und Ihren Tarif verwalten Sie jederzeit in Ihrem Konto."),
               ("Beleg ansehen", "Abo verwalten", "Rechnung ansehen")),
        "fr": (("Votre reçu {brand}", "Votre abonnement a été renouvelé", "Votre facture de "
                "{month_l} est disponible"),
               ("Merci de votre fidélité. Nous avons prélevé {price_c} sur votre moyen de "
                "paiement pour votre formule {brand}.", "Numéro de commande : {code}\nMontant : "
                "{price_c}\nProchain prélèvement : {date_l}", "Retrouvez vos factures et "
                "modifiez votre formule à tout moment dans votre espace client."),
               ("Voir le reçu", "Gérer l'abonnement", "Voir ma facture")),
        "es": (("Tu recibo de {brand}", "Tu suscripción se ha renovado", "Tu factura de "
                "{month_l} ya está disponible"),
               ("Gracias por ser miembro. Hemos cobrado {price_c} en tu método de pago por tu "
                "plan de {brand}.", "Número de pedido: {code}\nImporte: {price_c}\nPróximo "
                "cobro: {date_l}", "Puedes consultar facturas anteriores o cambiar de plan en tu "
                "cuenta cuando quieras."),
               ("Ver recibo", "Gestionar suscripción", "Ver mi factura")),
        "nl": (("Je {brand}-betaalbewijs", "Je abonnement is verlengd", "Je factuur van "
                "{month_l} staat klaar"),
               ("Bedankt voor je lidmaatschap. We hebben {price_c} afgeschreven voor je "
                "{brand}-abonnement.", "Bestelnummer: {code}\nBedrag: {price_c}\nVolgende "
                "afschrijving: {date_l}", "Eerdere facturen bekijken of je abonnement wijzigen "
                "kan altijd in je account."),
               ("Bekijk betaalbewijs", "Abonnement beheren", "Bekijk factuur")),
        "pt": (("O seu recibo {brand}", "A sua subscrição foi renovada", "A sua fatura de "
                "{month_l} está disponível"),
               ("Obrigado por ser membro. Cobrámos {price_c} no seu método de pagamento pelo "
                "plano {brand}.", "Número da encomenda: {code}\nValor: {price_c}\nPróxima "
                "cobrança: {date_l}", "Pode consultar faturas anteriores ou mudar de plano a "
                "qualquer momento na sua conta."),
               ("Ver recibo", "Gerir subscrição", "Ver fatura")),
        "it": (("La tua ricevuta {brand}", "Il tuo abbonamento è stato rinnovato", "La bolletta "
                "di {month_l} è disponibile"),
               ("Grazie per essere con noi. Abbiamo addebitato {price_c} sul metodo di "
                "pagamento salvato per il tuo piano {brand}.", "Numero ordine: {code}\nImporto: "
                "{price_c}\nProssimo addebito: {date_l}", "Puoi consultare le fatture precedenti "
                "o cambiare piano quando vuoi dal tuo account."),
               ("Vedi ricevuta", "Gestisci abbonamento", "Vedi bolletta")),
    },
    "loyalty": {
        "en": (("Your {brand} points statement", "{first}, you have {points} points",
                "Your monthly rewards summary ✈️"),
               ("Here is your monthly summary: you now have {points} points in your {brand} "
                "account.", "Points are valid for 24 months from the date you earn them; see "
                "the rewards catalogue for ways to spend them.", "Member number: {code}\nStatus: "
                "Silver\nPoints this month: +{n}0"),
               ("See my rewards", "View statement")),
        "de": (("Ihr {brand}-Punktestand", "{first}, Sie haben {points} Punkte", "Ihre "
                "monatliche Prämienübersicht ✈️"),
               ("Hier ist Ihre Monatsübersicht: Sie haben jetzt {points} Punkte auf Ihrem "
                "{brand}-Konto.", "Punkte sind 24 Monate gültig; im Prämienkatalog finden Sie "
                "viele Möglichkeiten, sie einzulösen.", "Mitgliedsnummer: {code}\nStatus: "
                "Silber\nPunkte diesen Monat: +{n}0"),
               ("Meine Prämien", "Kontoauszug ansehen")),
        "fr": (("Votre relevé de points {brand}", "{first}, vous avez {points} points",
                "Votre récapitulatif fidélité du mois ✈️"),
               ("Voici votre relevé mensuel : vous disposez de {points} points sur votre compte "
                "{brand}.", "Les points sont valables 24 mois ; consultez le catalogue pour les "
                "utiliser.", "Numéro de membre : {code}\nStatut : Argent\nPoints ce mois-ci : "
                "+{n}0"),
               ("Voir mes avantages", "Consulter le relevé")),
        "es": (("Tu extracto de puntos {brand}", "{first}, tienes {points} puntos", "Tu "
                "resumen mensual de recompensas ✈️"),
               ("Este es tu resumen mensual: tienes {points} puntos en tu cuenta {brand}.",
                "Los puntos son válidos durante 24 meses; consulta el catálogo para "
                "canjearlos.", "Número de socio: {code}\nNivel: Plata\nPuntos este mes: +{n}0"),
               ("Ver mis recompensas", "Ver extracto")),
        "nl": (("Je {brand}-puntenoverzicht", "{first}, je hebt {points} punten", "Je "
                "maandelijkse spaaroverzicht ✈️"),
               ("Hier is je maandoverzicht: je hebt nu {points} punten op je {brand}-account.",
                "Punten zijn 24 maanden geldig; in de beloningscatalogus zie je hoe je ze "
                "inwisselt.", "Lidnummer: {code}\nStatus: Zilver\nPunten deze maand: +{n}0"),
               ("Mijn beloningen", "Bekijk overzicht")),
        "pt": (("O seu extrato de pontos {brand}", "{first}, tem {points} pontos", "O seu "
                "resumo mensal de vantagens ✈️"),
               ("Aqui está o seu resumo mensal: tem agora {points} pontos na sua conta {brand}.",
                "Os pontos são válidos durante 24 meses; veja o catálogo para os trocar.",
                "Número de membro: {code}\nNível: Prata\nPontos este mês: +{n}0"),
               ("Ver vantagens", "Ver extrato")),
        "it": (("Il tuo estratto punti {brand}", "{first}, hai {points} punti", "Il riepilogo "
                "mensile dei tuoi premi ✈️"),
               ("Ecco il riepilogo del mese: hai {points} punti sul tuo conto {brand}.",
                "I punti sono validi 24 mesi; consulta il catalogo premi per utilizzarli.",
                "Numero socio: {code}\nLivello: Argento\nPunti questo mese: +{n}0"),
               ("I miei premi", "Vedi estratto")),
    },
    "survey": {
        "en": (("How did we do?", "{first}, tell us about your recent visit", "2 minutes to "
                "help us improve"),
               ("Thank you for your recent order with {brand}. We'd love to hear how it went.",
                "The survey takes about two minutes and your answers are anonymous.",
                "As a thank you, every month we draw one participant who wins a {prize_value} "
                "voucher. Terms apply."),
               ("Take the survey", "Give feedback")),
        "de": (("Wie zufrieden waren Sie?", "{first}, wie war Ihr letzter Besuch?", "2 Minuten "
                "für Ihre Meinung"),
               ("Vielen Dank für Ihre Bestellung bei {brand}. Wir würden gern wissen, wie "
                "zufrieden Sie waren.", "Die Umfrage dauert etwa zwei Minuten, Ihre Antworten "
                "bleiben anonym.", "Als Dankeschön verlosen wir jeden Monat einen Gutschein über "
                "{prize_value} unter allen Teilnehmenden. Es gelten die Teilnahmebedingungen."),
               ("Zur Umfrage", "Feedback geben")),
        "fr": (("Votre avis compte", "{first}, comment s'est passée votre visite ?",
                "2 minutes pour nous aider"),
               ("Merci pour votre récente commande chez {brand}. Nous aimerions connaître votre "
                "avis.", "Le questionnaire prend environ deux minutes et vos réponses sont "
                "anonymes.", "Pour vous remercier, un bon d'achat de {prize_value} est tiré au "
                "sort chaque mois parmi les participants. Voir conditions."),
               ("Donner mon avis", "Répondre")),
        "es": (("¿Qué tal lo hicimos?", "{first}, cuéntanos tu última visita", "2 minutos "
                "para ayudarnos"),
               ("Gracias por tu reciente pedido en {brand}. Nos encantaría saber qué te ha "
                "parecido.", "La encuesta dura unos dos minutos y tus respuestas son anónimas.",
                "Como agradecimiento, cada mes sorteamos un vale de {prize_value} entre los "
                "participantes. Consulta las bases."),
               ("Responder la encuesta", "Dar mi opinión")),
        "nl": (("Hoe hebben we het gedaan?", "{first}, hoe was je laatste bezoek?",
                "2 minuten om ons te helpen"),
               ("Bedankt voor je recente bestelling bij {brand}. We horen graag hoe het ging.",
                "De enquête duurt ongeveer twee minuten en je antwoorden zijn anoniem.",
                "Als bedankje verloten we elke maand een tegoedbon van {prize_value} onder de "
                "deelnemers. Voorwaarden van toepassing."),
               ("Start de enquête", "Geef feedback")),
        "pt": (("Como correu?", "{first}, conte-nos sobre a sua última visita", "2 minutos "
                "para nos ajudar"),
               ("Obrigado pela sua encomenda recente na {brand}. Gostaríamos de saber a sua "
                "opinião.", "O inquérito demora cerca de dois minutos e as respostas são "
                "anónimas.", "Como agradecimento, sorteamos todos os meses um vale de "
                "{prize_value} entre os participantes. Consulte o regulamento."),
               ("Responder ao inquérito", "Dar opinião")),
        "it": (("Com'è andata?", "{first}, raccontaci la tua ultima visita", "2 minuti per "
                "aiutarci"),
               ("Grazie per il tuo recente ordine su {brand}. Ci piacerebbe sapere com'è "
                "andata.", "Il questionario richiede circa due minuti e le risposte sono "
                "anonime.", "Per ringraziarti, ogni mese estraiamo tra i partecipanti un buono "
                "da {prize_value}. Si applica il regolamento."),
               ("Rispondi al sondaggio", "Lascia un feedback")),
    },
}
# ------------------------------------------------------------------ Brazilian Portuguese
#
# Brazilian kits abuse the country's own institutions and payment habits (boleto, Pix, CPF,
# NF-e), so every family is a tuple of themes: (brands the theme impersonates, or () for the
# brand drawn by ``_lure_brand``; subjects; paragraphs; anchors). A campaign keeps one theme.
# ``_LURES[family]["pt-br"]`` is the union of a family's themes.
_LureTheme = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_LURE_THEMES_BR: Final[dict[str, tuple[_LureTheme, ...]]] = {
    "consumer_account_alert": (
        (("Itaú", "Bradesco", "Banco do Brasil", "Caixa", "Santander", "Nubank", "Banco Inter"),
         ("Seu cartão {brand} foi bloqueado preventivamente", "⚠️ Compra não reconhecida no "
          "valor de {bill_c}", "{brand}: atualize seu token de segurança", "Seu acesso ao app "
          "{brand} será desativado", "🔒 Bloqueio preventivo da sua conta", "Aviso {brand}: "
          "dispositivo não autorizado", "Atualização obrigatória do aplicativo {brand}"),
         ("Identificamos uma compra de {bill_c} no seu cartão final {last4} em um "
          "estabelecimento em {place}. Por segurança, o cartão foi bloqueado preventivamente.",
          "Se você não reconhece esta transação, confirme seus dados pelo link abaixo para "
          "cancelar a compra e desbloquear o cartão.",
          "Seu token de segurança expirou. Sem a atualização, não será possível fazer Pix, "
          "transferências ou pagamentos pelo aplicativo.",
          "Um novo dispositivo ({device}) tentou acessar sua conta em {date_l}. Para sua "
          "proteção, o acesso pelo celular foi suspenso.",
          "Protocolo de atendimento: {code}\nCPF: {cpf}\nSituação: bloqueio preventivo",
          "A atualização leva menos de 2 minutos. Tenha em mãos o seu cartão e a senha de 4 "
          "dígitos.",
          "Após a validação, seu cartão e seu acesso são liberados na hora, sem nenhum custo."),
         ("Desbloquear cartão", "Atualizar token", "Não reconheço a compra",
          "Regularizar acesso", "Validar dispositivo", "Acessar minha conta")),
        ((),
         ("Sua conta {brand} foi suspensa", "⚠️ Acesso incomum à sua conta {brand}",
          "Ação necessária: confirme seu cadastro", "Sua caixa de e-mail {email} está quase "
          "cheia ({percent}%)", "Sua senha expira hoje", "{brand}: não conseguimos confirmar "
          "sua identidade", "Alerta de segurança 🔒"),
         ("Detectamos um acesso à sua conta {brand} a partir de um novo dispositivo ({device}) "
          "em {place}. Se não foi você, proteja sua conta agora.",
          "Na nossa verificação periódica de segurança não foi possível validar seus dados "
          "cadastrais. Alguns recursos ficarão limitados até a confirmação.",
          "Sua caixa de e-mail atingiu {percent}% dos {gb} GB disponíveis. Novas mensagens "
          "serão devolvidas até que você verifique sua conta.",
          "A senha de {email} expira em {date_l}. Para manter a senha atual, confirme-a "
          "abaixo.",
          "Protocolo: {code}. Foram registradas várias tentativas de pagamento recusadas e uma "
          "troca do número de celular no seu cadastro.",
          "Depois da verificação, sua conta será restabelecida em poucos minutos."),
         ("Verificar conta", "Proteger minha conta", "Manter senha", "Entrar",
          "Confirmar agora", "Recuperar acesso")),
    ),
    "delivery_lure": (
        ((),
         ("📦 {brand}: objeto aguardando pagamento", "Taxa de importação pendente - objeto "
          "{awb}", "Sua encomenda foi taxada pela Receita Federal", "Não conseguimos entregar "
          "seu pedido", "Último aviso: o objeto {awb} será devolvido ao remetente", "Confirme "
          "seu endereço para a entrega", "{brand}: tentativa de entrega sem sucesso"),
         ("Seu objeto {awb} chegou ao centro de distribuição e está aguardando o pagamento da "
          "taxa de importação para seguir para entrega.",
          "O valor do tributo e da despesa postal é de {fee_c}. O pagamento pode ser feito por "
          "Pix ou boleto e é compensado na hora.",
          "Tentamos entregar seu pedido hoje, mas não havia ninguém no endereço para receber.",
          "Código de rastreamento: {awb}\nSituação: aguardando pagamento\nPeso: {kg} kg",
          "Se o pagamento não for identificado até {date_l}, o objeto será devolvido ao país "
          "de origem.",
          "Seu endereço está incompleto (faltam o número ou o CEP). Confirme os dados para "
          "reagendar a entrega.",
          "Após a confirmação, a entrega é feita em até 3 dias úteis."),
         ("Pagar taxa", "Pagar com Pix", "Rastrear objeto", "Confirmar endereço",
          "Reagendar entrega", "Pagar {fee_c}")),
    ),
    "prize_lure": (
        (("Mercado Livre", "Shopee", "Magazine Luiza", "Americanas", "Casas Bahia", "Carrefour",
          "O Boticário"),
         ("🎁 Parabéns! Você foi selecionado(a)", "Pesquisa de satisfação {brand}: ganhe um "
          "{prize}", "🎉 {first}, seu brinde está esperando", "Responda 3 perguntas e concorra "
          "a um {prize}", "Última chance: {prize} reservado para você", "Aniversário {brand}: "
          "prêmio de {prize_value} liberado"),
         ("Para comemorar o aniversário da loja, a equipe {brand} vai entregar um {prize} a "
          "clientes selecionados, e você é um deles!",
          "Responda à nossa pesquisa de satisfação (leva só 30 segundos) e resgate seu prêmio: "
          "um {prize} novinho. Você paga apenas o frete de {fee_c}.",
          "Restam apenas {n} prêmios disponíveis hoje. Confirme sua participação o quanto "
          "antes.",
          "Seu número da sorte é {code}. Informe-o na próxima página para validar o resgate.",
          "A entrega é grátis para todo o Brasil em até 7 dias úteis.",
          "Promoção válida até {date_l} ou enquanto durarem os estoques."),
         ("Responder pesquisa", "Resgatar prêmio", "Quero meu brinde", "Participar",
          "Confirmar entrega")),
        (("Livelo", "Smiles", "Esfera", "LATAM Pass", "Azul Fidelidade"),
         ("Seus {points} pontos {brand} expiram em {date_l}", "⏰ Últimos dias para usar seus "
          "pontos", "{first}, seus pontos vão expirar!", "{brand}: resgate seus pontos antes "
          "que expirem", "Você tem {points} pontos disponíveis para troca", "Aviso de expiração "
          "de pontos - {brand}"),
         ("Identificamos {points} pontos na sua conta {brand} com vencimento em {date_l}. "
          "Depois dessa data eles serão cancelados automaticamente.",
          "Troque agora seus pontos por um {prize}, passagens aéreas ou um vale-compras de "
          "{prize_value}.",
          "Seu saldo pode ser transferido sem custo: basta confirmar seu CPF e os dados do "
          "cartão cadastrado.",
          "Número de participante: {code}\nSaldo: {points} pontos\nVencimento: {date_l}",
          "Campanha exclusiva: hoje os resgates estão com {percent}% de desconto em pontos.",
          "O resgate é concluído em poucos minutos pelo site ou pelo aplicativo."),
         ("Resgatar pontos", "Ver meu saldo", "Trocar agora", "Usar meus pontos",
          "Evitar expiração")),
    ),
    "subscription_lure": (
        (("Netflix", "Globoplay", "Disney+", "Spotify", "Prime Video", "Max"),
         ("Sua assinatura {brand} foi suspensa", "⛔ {brand}: problema com seu pagamento",
          "Não conseguimos renovar sua assinatura", "{first}, atualize sua forma de pagamento",
          "Último aviso: sua conta {brand} será cancelada", "Renove sua assinatura {brand} com "
          "{percent}% de desconto"),
         ("Não foi possível processar o pagamento da sua assinatura {brand}. O cartão "
          "cadastrado foi recusado pela operadora.",
          "Para continuar assistindo às suas séries, novelas e filmes favoritos, atualize seus "
          "dados de pagamento até {date_l}.",
          "Pague a mensalidade de {price_c} via Pix ou cartão e sua assinatura é reativada na "
          "hora.",
          "Código do assinante: {code}\nPlano: Premium\nSituação: suspenso",
          "Se os dados não forem atualizados, seus perfis, sua lista e seu histórico serão "
          "excluídos.",
          "A atualização leva menos de um minuto."),
         ("Atualizar pagamento", "Reativar assinatura", "Pagar com Pix", "Renovar agora",
          "Manter minha conta")),
        (("Norton", "McAfee", "Avast", "Kaspersky", "iCloud", "Google One", "Dropbox",
          "OneDrive", "Microsoft 365"),
         ("Sua assinatura {brand} expirou", "⛔ {brand}: renove em 24 horas", "Último aviso: "
          "sua proteção terminou em {date_l}", "Seu armazenamento na nuvem está cheio",
          "Pagamento recusado: renovação {brand}", "{first}, não foi possível renovar seu "
          "plano"),
         ("Sua assinatura {brand} expirou em {date_l}. Seu computador e seu celular não estão "
          "mais protegidos contra vírus e golpes online.",
          "Renove hoje com {percent}% de desconto: seu plano por apenas {price_c}.",
          "Seus {gb} GB de armazenamento estão cheios. Fotos, vídeos e arquivos serão apagados "
          "se você não renovar.",
          "Não conseguimos cobrar a renovação automática. Atualize seus dados de pagamento "
          "para manter a conta ativa.",
          "Número do cliente: {code}\nPlano: {brand} Premium\nSituação: expirado",
          "A renovação leva menos de um minuto e os benefícios são reativados na hora."),
         ("Renovar agora", "Reativar", "Atualizar pagamento", "Ganhar {percent}% de desconto",
          "Manter meus arquivos")),
    ),
    "payment_lure": (
        (("Receita Federal", "Receita Federal do Brasil", "gov.br", "e-CAC"),
         ("Restituição do IRPF {year} liberada: {refund_c}", "⚠️ Seu CPF está irregular - "
          "regularize agora", "Pendência na declaração do Imposto de Renda", "CPF {cpf}: risco "
          "de suspensão", "Malha fina: divergência na sua declaração", "Lote residual de "
          "restituição - consulte seu saldo"),
         ("Após o processamento da sua declaração, foi identificada uma restituição de "
          "{refund_c} referente ao IRPF {year}. Para receber, confirme a chave Pix cadastrada "
          "no seu CPF.",
          "Consta uma pendência no CPF {cpf} junto à Receita Federal. Se não for regularizada "
          "até {date_l}, o documento poderá ser suspenso e você ficará impedido de abrir "
          "contas, tirar passaporte e receber restituições.",
          "Sua declaração caiu na malha fina por divergência de informações. Evite multa de "
          "até 75% regularizando a situação pelo link abaixo.",
          "Processo: {code}\nContribuinte: {cpf}\nSituação: pendente de regularização",
          "O valor será creditado em até 5 dias úteis após a confirmação dos dados.",
          "Se você já regularizou sua situação, desconsidere esta mensagem."),
         ("Consultar restituição", "Regularizar CPF", "Acessar e-CAC", "Ver pendência",
          "Receber via Pix")),
        (("Detran-SP", "Detran-RJ", "Detran-MG", "SENATRAN", "Carteira Digital de Trânsito"),
         ("Notificação de multa de trânsito - placa {plate}", "🚨 Infração registrada: pague "
          "com desconto", "Seu veículo {plate} possui débitos pendentes", "{brand}: sua CNH "
          "pode ser suspensa", "Último aviso: multa vence em {date_l}", "Auto de infração "
          "{code} disponível para consulta"),
         ("Informamos que foi registrada uma infração de trânsito para o veículo de placa "
          "{plate}, por excesso de velocidade em via urbana.",
          "Auto de infração: {code}\nPlaca: {plate}\nValor: {bill_c}\nVencimento: {date_l}",
          "Pagando até o vencimento, você tem 40% de desconto. Depois dessa data o valor será "
          "inscrito em dívida ativa e poderá levar à suspensão da CNH.",
          "Constam também débitos de licenciamento e IPVA em aberto. Regularize tudo de uma "
          "vez via Pix.",
          "Para consultar a foto da infração e indicar o condutor, acesse o link abaixo.",
          "O pagamento via Pix é compensado na hora e a baixa ocorre em até 24 horas."),
         ("Consultar multa", "Pagar com desconto", "Ver foto da infração", "Pagar via Pix",
          "Regularizar veículo")),
        (("Serasa", "Serasa Limpa Nome", "Serasa Experian", "Acordo Certo"),
         ("Limpe seu nome com até 99% de desconto", "⚠️ Seu CPF foi negativado", "{first}, "
          "sua dívida de {bill_c} está com desconto", "Última chance: o feirão Limpa Nome "
          "termina em {date_l}", "Nova pendência financeira registrada no seu CPF", "Proposta "
          "de acordo disponível para você"),
         ("Consta em nosso sistema uma dívida no valor de {bill_c} registrada no CPF {cpf}. "
          "Seu nome pode ser negativado e seu score pode cair.",
          "Durante o feirão Limpa Nome você pode quitar essa dívida com até {percent}% de "
          "desconto, à vista no Pix ou parcelado no boleto.",
          "Após o pagamento, seu nome fica limpo em até 5 dias úteis e a restrição é retirada "
          "dos órgãos de proteção ao crédito.",
          "Contrato: {code}\nCPF: {cpf}\nValor com desconto: {bill_c}",
          "A oferta é válida somente até {date_l}.",
          "Consultar o seu CPF é grátis e não afeta o seu score."),
         ("Limpar meu nome", "Ver proposta", "Consultar CPF", "Negociar dívida",
          "Pagar com Pix")),
        (("Vivo", "Claro", "TIM", "Enel", "CPFL", "Sabesp", "Light"),
         ("Sua fatura {brand} está em aberto", "Segunda via da fatura - vencimento {date_l}",
          "⚠️ Aviso de corte: fatura em atraso", "Boleto disponível: {bill_c}", "{brand}: "
          "débito pendente de {bill_c}", "Fatura de {month_l} - evite a suspensão do "
          "serviço"),
         ("Identificamos que a fatura de {month_l} no valor de {bill_c} ainda não foi paga. "
          "Para evitar a suspensão do serviço, regularize hoje.",
          "A segunda via do boleto já está disponível. Você também pode pagar via Pix com o "
          "QR Code da página da fatura.",
          "Linha digitável: {boleto}",
          "Código do cliente: {code}\nValor: {bill_c}\nVencimento: {date_l}",
          "Após a compensação, o serviço é normalizado em até 24 horas, sem taxa de religação.",
          "Se você já realizou o pagamento, desconsidere esta mensagem."),
         ("Emitir segunda via", "Pagar com Pix", "Ver fatura", "Baixar boleto", "Pagar agora")),
        (("Nubank", "Itaú", "Mercado Pago", "PicPay", "Banco Inter", "Bradesco"),
         ("Pix de {bill_c} estornado", "Comprovante Pix: {bill_c} recebido", "⚠️ Pix agendado "
          "para {date_l}", "Sua chave Pix será desativada", "Transferência Pix em análise",
          "{brand}: confirme o recebimento do Pix"),
         ("Um Pix de {bill_c} foi enviado para você, mas ficou retido por falta de confirmação "
          "da chave Pix cadastrada.",
          "Identificamos um Pix agendado de {bill_c} para {date_l}. Se você não reconhece essa "
          "transação, cancele o agendamento pelo link abaixo.",
          "Sua chave Pix vinculada ao CPF {cpf} precisa ser revalidada conforme as novas regras "
          "do Banco Central. Chaves não validadas serão excluídas.",
          "ID da transação: {pix_id}\nValor: {bill_c}\nSituação: em análise",
          "O estorno é feito automaticamente após a validação, em até 30 minutos.",
          "Consulte o comprovante completo pelo link abaixo."),
         ("Ver comprovante", "Cancelar agendamento", "Validar chave Pix",
          "Confirmar recebimento", "Contestar Pix")),
        (("Nota Fiscal Eletrônica", "NF-e", "Portal da NF-e", "Emissor de NF-e"),
         ("NF-e nº {nfe} emitida", "Nota Fiscal Eletrônica disponível para download", "Você "
          "recebeu uma nota fiscal - {code}", "Segue NF-e e boleto referente ao pedido {n4}",
          "Nota fiscal {nfe} - vencimento {date_l}", "📄 NF-e {nfe}: confirme o recebimento"),
         ("Foi emitida a Nota Fiscal Eletrônica nº {nfe} em seu nome, referente ao pedido "
          "{n4}.",
          "Segue a NF-e e o boleto para pagamento no valor de {bill_c}, com vencimento em "
          "{date_l}.",
          "Chave de acesso: {nfe_key}",
          "Para visualizar o DANFE e o XML, acesse o link abaixo.",
          "Em caso de dúvidas, entre em contato com o nosso setor financeiro.",
          "Esta nota fiscal foi gerada automaticamente pelo sistema emissor."),
         ("Baixar NF-e", "Visualizar DANFE", "Ver nota fiscal", "Baixar boleto",
          "Download XML")),
    ),
    "advance_fee": (
        ((),
         ("Proposta de negócio urgente", "Herança de {big_c} em seu nome", "Confidencial: "
          "pedido de parceria", "Assunto confidencial - favor responder", "Bom dia, preciso "
          "da sua ajuda"),
         ("Sou {agent}, advogado. Entro em contato porque um cliente falecido deixou {big_c} "
          "depositados em um banco sem herdeiros declarados, e o senhor tem o mesmo sobrenome "
          "dele.",
          "Proponho dividir os recursos: 40% ficam com você pela ajuda em receber a "
          "transferência. A operação é totalmente legal e sem riscos.",
          "Preciso apenas do seu nome completo, CPF, endereço e telefone para dar entrada no "
          "processo junto ao banco.",
          "Peço sigilo absoluto e que responda somente para o meu e-mail particular "
          "{reply_email}.",
          "Antes da liberação dos valores será preciso pagar uma pequena taxa de cartório e "
          "os honorários. Aguardo seu retorno urgente.",
          "Que Deus abençoe você e sua família."),
         ()),
        ((),
         ("Seu e-mail foi premiado com {big_c}", "Empréstimo aprovado sem consulta ao "
          "SPC/Serasa", "Crédito pré-aprovado de {big_c}", "Resultado do sorteio internacional",
          "Bom dia, por favor responda"),
         ("Seu endereço de e-mail foi sorteado na nossa loteria internacional e você ganhou "
          "{big_c}. Para receber, envie seu nome completo, endereço e telefone.",
          "Oferecemos empréstimos pessoais e para empresas de R$ 5.000 a R$ 5.000.000 com "
          "juros de 2% ao ano, sem consulta ao SPC ou Serasa, mesmo para negativados.",
          "O valor pode ser depositado em qualquer banco ou enviado via Pix em até 24 horas.",
          "Para liberar o crédito é necessário pagar antecipadamente a taxa de seguro e de "
          "registro.",
          "Por favor, mantenha este assunto em sigilo e responda apenas para {reply_email}.",
          "Número do bilhete premiado: {code}. Aguardamos seu retorno."),
         ()),
    ),
    "extortion": (
        ((),
         ("Eu sei a sua senha", "Seu celular foi hackeado", "{email} - último aviso",
          "Você tem {hours} horas para pagar", "Aviso: sua conta foi invadida",
          "Eu gravei você"),
         ("Sou hacker e há alguns meses consegui acesso ao seu dispositivo e ao seu e-mail "
          "{email} por meio de um vírus instalado em um site que você visitou.",
          "Meu programa gravou você pela câmera enquanto assistia a vídeos adultos. Também "
          "copiei todos os seus contatos do WhatsApp, do e-mail e das redes sociais.",
          "Se quiser que eu apague tudo, envie {ransom_c} em Bitcoin para este endereço: "
          "{wallet}",
          "Você tem {hours} horas a partir do momento em que abrir este e-mail. Eu vou saber "
          "quando você ler.",
          "Se eu não receber o pagamento, o vídeo será enviado para todos os seus contatos, "
          "colegas de trabalho e familiares.",
          "Não responda este e-mail e não procure a polícia, não vai adiantar nada."),
         ()),
    ),
    "product_spam": (
        ((),
         ("{offer} 🔥", "{product}: médicos ficam impressionados", "⚡ {first}, {offer}",
          "Só hoje: {product} com {percent}% OFF", "O segredo que eles não querem que você "
          "saiba", "💰 {offer} - veja como"),
         ("Milhares de brasileiros já descobriram {product}. {offer}, sem esforço e sem efeitos "
          "colaterais.",
          "\"Eu só acreditei quando experimentei\" - Cláudia, {age} anos, de Belo Horizonte.",
          "Por tempo limitado: {percent}% de desconto e frete grátis para todo o Brasil. "
          "Parcele em até 12x sem juros.",
          "100% natural, testado por especialistas e aprovado por milhares de clientes. "
          "Garantia de 30 dias ou seu dinheiro de volta.",
          "Junte-se aos {count} mil clientes que mudaram de vida este ano.",
          "Compre agora e leve o segundo pote grátis. No Pix você ainda ganha 5% de desconto."),
         ("Comprar agora", "Quero o meu", "Aproveitar a oferta", "Saiba mais",
          "Garantir desconto")),
    ),
}
# Brands impersonated in Brazilian kits on top of the real senders of ``_CONSUMER_BRANDS``.
_LURE_EXTRA_BR: Final[dict[str, tuple[str, ...]]] = {
    "post": ("Correios", "Sedex", "Jadlog", "Loggi", "Total Express"),
    "retail": ("Magazine Luiza", "Americanas", "Shopee", "Casas Bahia"),
    "bank": ("Bradesco", "Banco do Brasil", "Caixa", "Santander", "Banco Inter"),
    "account": ("Mercado Pago", "PicPay", "gov.br"),
    "travel": ("Livelo", "Smiles", "Esfera", "LATAM Pass"),
    "streaming": ("Globoplay", "Prime Video", "Max"),
    "software": ("Avast", "Kaspersky", "Dropbox", "OneDrive", "Microsoft 365"),
    "utility": ("Vivo", "Claro", "Enel", "Sabesp"),
}
_PRIZES_BR: Final = ("Smart TV 55\" 4K", "Air Fryer Mondial", "iPhone 16", "kit O Boticário",
                     "Galaxy S25", "geladeira Brastemp", "PlayStation 5")
for _family, _themes in _LURE_THEMES_BR.items():
    _LURES[_family]["pt-br"] = (
        tuple(dict.fromkeys(x for theme in _themes for x in theme[1])),
        tuple(dict.fromkeys(x for theme in _themes for x in theme[2])),
        tuple(dict.fromkeys(x for theme in _themes for x in theme[3])))
# What the real brands send in Brazil (``_CONSUMER_HAM`` layout).
_CONSUMER_HAM_BR: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "promo": (("🔥 Até {percent}% OFF neste fim de semana", "Novidades que você vai amar",
               "{first}, sua oferta exclusiva chegou 🎁", "Última chance: a promoção acaba "
               "hoje", "Ofertas de {month_l} | {brand} ✨", "Frete grátis para todo o Brasil "
               "🚚"),
              ("Começou a nossa maior liquidação da temporada: até {percent}% de desconto em "
               "milhares de produtos, no site e no app.", "Clientes cadastrados têm frete "
               "grátis em todos os pedidos nesta semana.", "Confira os lançamentos e garanta "
               "seus favoritos antes que acabem.", "Pague no Pix e ganhe 5% de desconto extra, "
               "ou parcele em até 10x sem juros.", "Preços válidos até {date_l} ou enquanto "
               "durarem os estoques."),
              ("Comprar agora", "Ver ofertas", "Aproveitar", "Conferir novidades")),
    "shipping": (("Seu pedido foi enviado 📦", "Seu objeto {awb} saiu para entrega",
                  "Atualização do pedido {awb}", "Pedido entregue ✅"),
                 ("Boa notícia: seu pedido {awb} está a caminho e deve chegar até {date_l}.",
                  "Você pode acompanhar a entrega pelo app ou pelo site com o código de "
                  "rastreamento abaixo.", "Código de rastreamento: {awb}\nPrevisão de entrega: "
                  "{date_l}\nModalidade: padrão", "Lembre-se: não cobramos taxas extras por "
                  "e-mail ou SMS. Em caso de dúvida, consulte o app."),
                 ("Acompanhar pedido", "Rastrear objeto", "Ver detalhes")),
    "security": (("Novo acesso à sua conta {brand}", "Sua senha {brand} foi alterada",
                  "Alerta de segurança: novo dispositivo", "Novo celular autorizado na sua "
                  "conta"),
                 ("Detectamos um novo acesso à sua conta {brand} em um {device} perto de "
                  "{home}.", "Se foi você, não precisa fazer nada. Caso contrário, ajudamos a "
                  "proteger sua conta; nunca pedimos senha, token ou código por e-mail.",
                  "Você pode revisar seus dispositivos e a atividade recente nas configurações "
                  "da conta.", "Dica: ative a verificação em duas etapas para deixar sua conta "
                  "ainda mais segura."),
                 ("Revisar atividade", "Configurações da conta", "Ver dispositivos")),
    "billing": (("Seu recibo {brand}", "Sua assinatura foi renovada", "Sua fatura de "
                 "{month_l} está disponível", "Pagamento confirmado ✅"),
                ("Obrigado por ser assinante. Cobramos {price_c} na forma de pagamento "
                 "cadastrada para o seu plano {brand}.", "Número do pedido: {code}\nValor: "
                 "{price_c}\nPróxima cobrança: {date_l}", "Você pode pagar com Pix, boleto ou "
                 "cartão de crédito, ou ativar o débito automático no app.", "Consulte faturas "
                 "anteriores ou mude de plano a qualquer momento na sua conta."),
                ("Ver recibo", "Gerenciar assinatura", "Ver fatura")),
    "loyalty": (("Seu extrato de pontos {brand}", "{first}, você tem {points} pontos", "Seu "
                 "resumo mensal de benefícios ✈️", "Pontos creditados na sua conta"),
                ("Confira o resumo do mês: você tem {points} pontos na sua conta {brand}.",
                 "Os pontos valem por 24 meses a partir do crédito; veja no catálogo como "
                 "trocá-los por produtos, passagens e descontos.", "Número de participante: "
                 "{code}\nCategoria: Prata\nPontos no mês: +{n}0", "Transfira pontos dos seus "
                 "cartões parceiros e ganhe bônus nas campanhas selecionadas."),
                ("Ver meus pontos", "Ver extrato", "Trocar pontos")),
    "survey": (("Como foi sua experiência?", "{first}, conte como foi sua última compra",
                "Pesquisa de satisfação: leva 2 minutos", "Sua opinião é importante para nós"),
               ("Obrigado pelo seu pedido recente. A equipe {brand} quer saber como foi a sua "
                "experiência.", "A pesquisa leva cerca de dois minutos e as suas respostas são "
                "anônimas.", "Como agradecimento, todo mês sorteamos um vale-compras de "
                "{prize_value} entre os participantes. Consulte o regulamento."),
               ("Responder pesquisa", "Avaliar agora", "Dar minha opinião")),
}
for _kind, _tables in _CONSUMER_HAM_BR.items():
    _CONSUMER_HAM[_kind]["pt-br"] = _tables
_HAM_FOOTERS: Final[dict[str, str]] = {
    "en": "You are receiving this email because you have an account with {brand}.",
    "de": "Sie erhalten diese E-Mail, weil Sie ein Kundenkonto bei {brand} haben.",
    "fr": "Vous recevez cet e-mail car vous avez un compte {brand}.",
    "es": "Recibes este correo porque tienes una cuenta en {brand}.",
    "nl": "Je ontvangt deze e-mail omdat je een account hebt bij {brand}.",
    "pt": "Recebe este e-mail porque tem uma conta {brand}.",
    "pt-br": "Você está recebendo este e-mail porque tem uma conta {brand}.",
    "it": "Ricevi questa e-mail perché hai un account {brand}.",
}
_UNSUB: Final[dict[str, str]] = {"en": "Unsubscribe", "de": "Abmelden", "fr": "Se désabonner",
                                 "es": "Darse de baja", "nl": "Afmelden", "pt": "Cancelar "
                                 "subscrição", "pt-br": "Cancelar inscrição",
                                 "it": "Annulla iscrizione"}
# Business mail of tenants that work partly in a local language: (subjects, greetings,
# paragraphs, closings, replies) per language.
_BUSINESS_LOCAL: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "de": (("Termin am {date_l}", "Rechnung {inv} von {vendor}", "Projekt {project}: "
            "Zwischenstand", "Protokoll der Besprechung", "Bestellung {po}", "Urlaubsplanung "
            "{month_l}", "Neue Kollegin im Team", "Freigabe benötigt: {project}"),
           ("Hallo {first},", "Liebe Kolleginnen und Kollegen,", "Guten Morgen {first},"),
           ("können wir uns am {date_l} um {hh} Uhr kurz zum Stand von {project} abstimmen?",
            "anbei die Rechnung {inv} von {vendor} über {amount}. Bitte prüfen und bis Ende "
            "der Woche freigeben.",
            "kurzer Zwischenstand: die Testphase ist abgeschlossen, offen sind noch zwei "
            "Punkte bei der Datenmigration.",
            "im Anhang das Protokoll von gestern. Die nächsten Schritte sind farbig markiert.",
            "die Bestellung {po} ist raus, Liefertermin laut Lieferant ist der {date_l}.",
            "bitte tragt eure Urlaubswünsche für {month_l} bis Freitag in den Kalender ein.",
            "ab Montag verstärkt {hire} unser Team. Bitte nehmt sie herzlich auf.",
            "für {project} brauche ich noch deine Freigabe im System, sonst verschiebt sich der "
            "Start."),
           ("Viele Grüße,", "Beste Grüße,", "Danke und Gruß,"),
           ("Danke, passt so.", "Ich schaue es mir heute Nachmittag an.", "Freigegeben, danke "
            "für den Hinweis.", "Können wir das auf nächste Woche verschieben?")),
    "fr": (("Réunion du {date_l}", "Facture {inv} - {vendor}", "Projet {project} : point "
            "d'avancement", "Compte rendu de la réunion", "Commande {po}", "Planning des congés "
            "de {month_l}", "Arrivée d'une nouvelle collègue", "Validation nécessaire : "
            "{project}"),
           ("Bonjour {first},", "Bonjour à tous,", "Salut {first},"),
           ("peut-on faire un point le {date_l} à {hh} sur l'avancement de {project} ?",
            "ci-joint la facture {inv} de {vendor} pour {amount}. Merci de la vérifier et de la "
            "valider avant vendredi.",
            "petit point d'étape : les tests sont terminés, il reste deux sujets sur la "
            "migration des données.",
            "vous trouverez en pièce jointe le compte rendu d'hier, avec les prochaines étapes.",
            "la commande {po} est partie, le fournisseur annonce une livraison le {date_l}.",
            "merci d'indiquer vos souhaits de congés pour {month_l} dans l'agenda d'ici "
            "vendredi.",
            "{hire} rejoint l'équipe lundi. Merci de lui réserver un bon accueil.",
            "j'ai besoin de ta validation dans l'outil pour {project}, sinon le démarrage sera "
            "décalé."),
           ("Cordialement,", "Bonne journée,", "Merci et à bientôt,"),
           ("Merci, c'est bon pour moi.", "Je regarde cet après-midi.", "Validé, merci.",
            "On peut décaler à la semaine prochaine ?")),
    "es": (("Reunión del {date_l}", "Factura {inv} de {vendor}", "Proyecto {project}: estado",
            "Acta de la reunión", "Pedido {po}", "Vacaciones de {month_l}", "Nueva compañera en "
            "el equipo", "Aprobación pendiente: {project}"),
           ("Hola {first},", "Hola a todos,", "Buenos días {first},"),
           ("¿podemos vernos el {date_l} a las {hh} para revisar el estado de {project}?",
            "adjunto la factura {inv} de {vendor} por {amount}. Por favor, revísala y apruébala "
            "antes del viernes.",
            "breve actualización: las pruebas han terminado y quedan dos puntos abiertos en la "
            "migración de datos.",
            "os envío el acta de ayer con los próximos pasos marcados.",
            "el pedido {po} ya está enviado; el proveedor confirma la entrega el {date_l}.",
            "por favor, apuntad vuestras vacaciones de {month_l} en el calendario antes del "
            "viernes.",
            "el lunes se incorpora {hire} al equipo. Dadle una buena bienvenida.",
            "necesito tu aprobación en el sistema para {project}, si no se retrasa el inicio."),
           ("Un saludo,", "Saludos,", "Gracias,"),
           ("Gracias, todo correcto.", "Lo reviso esta tarde.", "Aprobado, gracias por avisar.",
            "¿Lo podemos pasar a la semana que viene?")),
    "nl": (("Afspraak op {date_l}", "Factuur {inv} van {vendor}", "Project {project}: stand "
            "van zaken", "Verslag van het overleg", "Bestelling {po}", "Vakantieplanning "
            "{month_l}", "Nieuwe collega in het team", "Akkoord nodig: {project}"),
           ("Hoi {first},", "Beste collega's,", "Goedemorgen {first},"),
           ("kunnen we op {date_l} om {hh} even afstemmen over de stand van {project}?",
            "in de bijlage factuur {inv} van {vendor} voor {amount}. Wil je die controleren en "
            "voor vrijdag goedkeuren?",
            "korte update: de testfase is afgerond, er staan nog twee punten open bij de "
            "datamigratie.",
            "bijgaand het verslag van gisteren, de vervolgstappen staan gemarkeerd.",
            "bestelling {po} is verstuurd, de leverancier levert op {date_l}.",
            "graag jullie vakantiewensen voor {month_l} voor vrijdag in de agenda zetten.",
            "vanaf maandag versterkt {hire} ons team. Heet haar welkom!",
            "voor {project} heb ik nog jouw akkoord in het systeem nodig, anders schuift de "
            "start op."),
           ("Groet,", "Met vriendelijke groet,", "Bedankt en groet,"),
           ("Dank je, is goed zo.", "Ik kijk er vanmiddag naar.", "Akkoord, bedankt.",
            "Kunnen we dit naar volgende week schuiven?")),
}
_LOCAL_FILLERS: Final[dict[str, tuple[str, ...]]] = {
    "de": ("Meldet euch gern, wenn etwas unklar ist.", "Danke vorab für die schnelle "
           "Rückmeldung.", "Ich bin heute den ganzen Tag im Büro erreichbar.", "Gebt mir kurz "
           "Bescheid, ob das so passt.", "Schönen Tag noch!"),
    "fr": ("N'hésitez pas si vous avez des questions.", "Merci d'avance pour votre retour "
           "rapide.", "Je suis au bureau toute la journée si besoin.", "Dites-moi si cela vous "
           "convient.", "Bonne fin de semaine !"),
    "es": ("Cualquier duda, me decís.", "Gracias de antemano por la respuesta.", "Estoy en la "
           "oficina todo el día por si acaso.", "Confirmadme si os viene bien.", "¡Buen fin de "
           "semana!"),
    "nl": ("Laat het weten als er iets onduidelijk is.", "Alvast bedankt voor je snelle "
           "reactie.", "Ik ben vandaag de hele dag op kantoor.", "Laat even weten of dit zo "
           "goed is.", "Fijne dag nog!"),
}
_BRAND_PLACES: Final = ("Lagos, NG", "Moscow, RU", "São Paulo, BR", "Jakarta, ID",
                        "Bucharest, RO", "Hanoi, VN", "Kyiv, UA", "Manila, PH", "Istanbul, TR")
_DEVICES: Final = ("Windows 11 / Chrome", "iPhone 15", "Android / Samsung Galaxy",
                   "macOS / Safari", "Linux / Firefox", "iPad")
_PRIZES: Final = ("iPhone 16 Pro", "Samsung Galaxy S25", "Dyson V15", "PlayStation 5",
                  "Nespresso Vertuo", "Thermomix TM7", "KitchenAid Artisan", "Apple Watch",
                  "Le Creuset set", "JBL speaker")
_AGENTS: Final = ("Barrister Samuel Okafor", "Mr. Daniel Whitmore", "Dr. Ibrahim Kamara",
                  "Mrs. Helena Vasquez", "Attorney Charles Mbeki", "Mr. Victor Leclerc")
_SHORTENERS: Final = ("bit.ly", "tinyurl.com", "cutt.ly", "t.ly", "is.gd", "rebrand.ly",
                      "shorturl.at", "s.id")
_WALLET_CHARS: Final = "023456789acdefghjklmnpqrstuvwxyz"
_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_AUTHORITIES: Final[dict[str, tuple[str, ...]]] = {
    "en": ("HMRC", "IRS Refunds", "GOV.UK", "Toll Services"),
    "de": ("Finanzamt", "Bundeszentralamt für Steuern", "ELSTER", "Deutsche Rentenversicherung"),
    "fr": ("impots.gouv", "DGFiP", "Ameli", "ANTAI"),
    "es": ("Agencia Tributaria", "DGT", "Seguridad Social"),
    "nl": ("Belastingdienst", "CJIB", "DigiD"),
    "pt": ("Autoridade Tributária", "Portal das Finanças", "Segurança Social", "Via Verde"),
    "pt-br": ("Receita Federal", "gov.br", "Detran-SP", "Serasa"),
    "it": ("Agenzia delle Entrate", "INPS", "Autostrade per l'Italia"),
}
_CC: Final = {"en": "com", "de": "de", "fr": "fr", "es": "es", "nl": "nl", "pt": "pt",
              "pt-br": "com.br", "it": "it"}
_ALL: Final = _LANGS
# Brands that do not operate in Brazil.
_NOT_BR: Final = tuple(lang for lang in _LANGS if lang != "pt-br")
# key -> (display, category, local part, domain ({cc}: the language's country code),
#         languages, ESP /16 block). These brands also send legitimate mail to the tenants.
_CONSUMER_BRANDS: Final[dict[str, tuple[str, str, str, str, tuple[str, ...], str]]] = {
    "netflix": ("Netflix", "streaming", "info", "mailer.netflix.com", _ALL, "69.72"),
    "spotify": ("Spotify", "streaming", "no-reply", "spotify.com", _ALL, "54.240"),
    "disney": ("Disney+", "streaming", "disneyplus", "mail.disneyplus.com", _ALL, "149.72"),
    "paypal": ("PayPal", "account", "service", "paypal.{cc}", _ALL, "173.0"),
    "apple": ("Apple", "account", "no_reply", "email.apple.com", _ALL, "17.111"),
    "google": ("Google", "account", "no-reply", "accounts.google.com", _ALL, "209.85"),
    "instagram": ("Instagram", "account", "security", "mail.instagram.com", _ALL, "69.171"),
    "facebook": ("Facebook", "account", "security", "facebookmail.com", _ALL, "69.171"),
    "amazon": ("Amazon", "retail", "store-news", "amazon.{cc}", _ALL, "54.240"),
    "coinbase": ("Coinbase", "crypto", "no-reply", "coinbase.com", _ALL, "167.89"),
    "binance": ("Binance", "crypto", "do-not-reply", "post.binance.com", _ALL, "198.2"),
    "revolut": ("Revolut", "bank", "no-reply", "revolut.com", _ALL, "54.240"),
    "ing": ("ING", "bank", "info", "ing.{cc}", ("de", "nl", "es", "it"), "192.174"),
    "sparkasse": ("Sparkasse", "bank", "service", "sparkasse.de", ("de",), "80.150"),
    "bnp": ("BNP Paribas", "bank", "noreply", "mabanque.bnpparibas", ("fr",), "159.50"),
    "santander": ("Santander", "bank", "comunicaciones", "santander.{cc}", ("es", "pt"),
                  "193.127"),
    "rabobank": ("Rabobank", "bank", "service", "rabobank.nl", ("nl",), "145.72"),
    "intesa": ("Intesa Sanpaolo", "bank", "comunicazioni", "intesasanpaolo.com", ("it",),
               "62.101"),
    "chase": ("Chase", "bank", "no.reply.alerts", "chase.com", ("en",), "159.53"),
    "dhl": ("DHL", "post", "noreply", "dhl.{cc}", ("de", "nl", "en"), "165.72"),
    "dpd": ("DPD", "post", "noreply", "dpd.{cc}", ("de", "fr", "nl", "pt"), "149.72"),
    "gls": ("GLS", "post", "noreply", "gls-group.eu", ("de", "fr", "es", "nl", "pt", "it"),
            "167.89"),
    "postnl": ("PostNL", "post", "noreply", "postnl.nl", ("nl",), "145.78"),
    "laposte": ("Colissimo", "post", "noreply", "laposte.fr", ("fr",), "91.207"),
    "correos": ("Correos", "post", "notificaciones", "correos.es", ("es",), "193.146"),
    "ctt": ("CTT", "post", "noreply", "ctt.pt", ("pt",), "195.22"),
    "poste": ("Poste Italiane", "post", "noreply", "posteitaliane.it", ("it",), "151.100"),
    "royalmail": ("Royal Mail", "post", "no-reply", "royalmail.com", ("en",), "198.2"),
    "ups": ("UPS", "post", "mcinfo", "ups.com", _ALL, "153.2"),
    "lidl": ("Lidl", "retail", "newsletter", "lidl.{cc}", _NOT_BR, "149.72"),
    "carrefour": ("Carrefour", "retail", "info", "carrefour.{cc}", ("fr", "es", "it", "pt-br"),
                  "69.72"),
    "ah": ("Albert Heijn", "retail", "nieuwsbrief", "ah.nl", ("nl",), "54.240"),
    "continente": ("Continente", "retail", "noreply", "continente.pt", ("pt",), "192.174"),
    "esselunga": ("Esselunga", "retail", "newsletter", "esselunga.it", ("it",), "198.2"),
    "ikea": ("IKEA", "retail", "ikea", "news.ikea.com", _NOT_BR, "167.89"),
    "decathlon": ("Decathlon", "retail", "news", "decathlon.{cc}", _ALL, "149.72"),
    "zalando": ("Zalando", "retail", "info", "zalando.{cc}", ("de", "fr", "es", "nl", "it"),
                "54.240"),
    "walmart": ("Walmart", "retail", "help", "walmart.com", ("en",), "69.72"),
    "klm": ("KLM", "travel", "klm", "klm-mail.com", _ALL, "192.174"),
    "milesandmore": ("Miles & More", "travel", "newsletter", "miles-and-more.com", _ALL,
                     "198.2"),
    "ryanair": ("Ryanair", "travel", "no-reply", "ryanair.com", _NOT_BR, "54.240"),
    "booking": ("Booking.com", "travel", "noreply", "booking.com", _ALL, "149.72"),
    "disneyland": ("Disneyland Paris", "travel", "news", "disneylandparis.com",
                   ("en", "fr", "es", "nl", "de", "it"), "167.89"),
    "norton": ("Norton", "software", "no-reply", "norton.com", _ALL, "69.72"),
    "mcafee": ("McAfee", "software", "noreply", "mcafee.com", _ALL, "192.174"),
    "icloud": ("iCloud", "software", "noreply", "email.apple.com", _ALL, "17.111"),
    "googleone": ("Google One", "software", "googleone-noreply", "google.com", _ALL,
                  "209.85"),
    "eon": ("E.ON", "utility", "service", "eon.de", ("de",), "185.12"),
    "edf": ("EDF", "utility", "noreply", "edf.fr", ("fr",), "91.207"),
    "endesa": ("Endesa", "utility", "facturas", "endesa.es", ("es",), "193.146"),
    "eneco": ("Eneco", "utility", "service", "eneco.nl", ("nl",), "145.72"),
    "edp": ("EDP", "utility", "faturas", "edp.pt", ("pt",), "195.22"),
    "enel": ("Enel", "utility", "bollette", "enel.it", ("it",), "151.100"),
    "vodafone": ("Vodafone", "utility", "service", "vodafone.{cc}",
                 ("de", "es", "nl", "pt", "it", "en"), "54.240"),
    "itau": ("Itaú", "bank", "comunicacao", "itau.com.br", ("pt-br",), "200.196"),
    "nubank": ("Nubank", "bank", "todomundo", "nubank.com.br", ("pt-br",), "54.240"),
    "correios": ("Correios", "post", "naoresponda", "correios.com.br", ("pt-br",), "161.148"),
    "mercadolivre": ("Mercado Livre", "retail", "info", "mercadolivre.com.br", ("pt-br",),
                     "54.240"),
}
_HAM_KINDS: Final[dict[str, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    "streaming": (("billing", "promo", "security"), (4, 3, 1)),
    "account": (("security",), (1,)),
    "bank": (("security",), (1,)),
    "crypto": (("security",), (1,)),
    "post": (("shipping",), (1,)),
    "retail": (("promo", "shipping", "loyalty", "survey"), (5, 3, 1, 1)),
    "travel": (("promo", "loyalty", "survey"), (3, 2, 1)),
    "software": (("billing", "promo"), (3, 1)),
    "utility": (("billing", "survey"), (5, 1)),
}
_HAM_SCENARIO_BY_KIND: Final = {"promo": "consumer_newsletter", "shipping": "shipping_notice",
                                "security": "account_security_notice",
                                "billing": "billing_notice", "loyalty": "loyalty_statement",
                                "survey": "survey_invitation"}
# Lure family -> brand categories it impersonates.
_LURE_CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "consumer_account_alert": ("streaming", "account", "bank", "crypto", "webmail"),
    "delivery_lure": ("post",),
    "prize_lure": ("retail", "travel"),
    "subscription_lure": ("software", "streaming"),
    "payment_lure": ("authority", "utility", "streaming", "account"),
}
_CONSUMER_FAMILIES: Final = ("consumer_account_alert", "delivery_lure", "prize_lure",
                             "subscription_lure", "advance_fee", "extortion", "payment_lure",
                             "product_spam")
_CONSUMER_FAMILY_WEIGHTS: Final = (20, 15, 14, 10, 8, 7, 12, 14)
_CONSUMER_SHARE: Final = 0.45
"""Share of all attack messages that the consumer-facing families make up."""
_LURE_PATHS: Final[dict[str, tuple[str, ...]]] = {
    "consumer_account_alert": ("/login", "/signin/verify", "/secure/account/", "/auth/session",
                               "/account/restore", "/webmail/quota.php"),
    "delivery_lure": ("/track/", "/redelivery", "/parcel/pay", "/shipment/confirm",
                      "/paket/", "/colis/"),
    "prize_lure": ("/claim/", "/survey/", "/gift", "/reward/index.php", "/promo/",
                   "/winner/"),
    "subscription_lure": ("/renew", "/billing/update", "/subscription/", "/checkout/",
                          "/plan/reactivate"),
    "payment_lure": ("/refund/", "/pay/", "/update-card", "/invoice/view", "/tax/claim",
                     "/billing/"),
    "product_spam": ("/offer/", "/go/", "/lp/", "/promo/", "/?aff=", "/order/"),
}


# Bulk-mail providers' networks: legitimate brands and abused ESP accounts share them.
_ESP_BLOCKS: Final = ("167.89", "149.72", "198.2", "54.240", "69.72", "192.174", "159.135",
                      "50.31")


def _money(lang: str, value: float, currency: str, decimals: bool = True) -> str:
    """``value`` written the way ``lang`` writes amounts (1,234.56 / 1.234,56 / 1 234,56)."""
    text = f"{value:,.2f}" if decimals else f"{value:,.0f}"
    if lang == "en":
        return f"{currency}{text}"
    text = text.replace(",", "_").replace(".", ",").replace("_", " " if lang == "fr" else ".")
    if currency == "€" and lang != "nl":
        return f"{text} €"
    return f"{currency} {text}"


def _date_l(lang: str, when: datetime) -> str:
    month = _MONTHS_L[lang][when.month - 1]
    return {"de": f"{when.day}. {month}", "es": f"{when.day} de {month}",
            "pt": f"{when.day} de {month}", "pt-br": f"{when.day} de {month}"}.get(
                lang, f"{when.day} {month}")


# ------------------------------------------------------------------ bulk and notification

# (display name, local part, domain, kind, category, sends per week, ESP block)
_BULK_SENDERS: Final = (
    ("Supply Chain Brief", "newsletter", "supplychainbrief.com", "newsletter", "logistics", 5,
     "167.89"),
    ("CFO Weekly", "editors", "cfoweekly.com", "newsletter", "finance", 1, "198.2"),
    ("The Ledger Daily", "daily", "ledgerdaily.news", "newsletter", "finance", 5, "149.72"),
    ("HR Pulse", "news", "hrpulse.io", "newsletter", "hr", 2, "167.89"),
    ("SecOps Digest", "digest", "secopsdigest.com", "newsletter", "security", 2, "54.240"),
    ("Cloud Native Weekly", "hello", "cloudnativeweekly.dev", "newsletter", "tech", 1, "198.2"),
    ("Morning Markets", "newsletters", "morningmarkets.com", "newsletter", "finance", 5,
     "69.72"),
    ("Retail Insider", "insider", "retailinsider.co", "newsletter", "industry", 3, "149.72"),
    ("Manufacturing Today", "newsletter", "mfgtoday.com", "newsletter", "industry", 2, "54.240"),
    ("Growth Notes", "team", "growthnotes.email", "newsletter", "marketing", 2, "198.2"),
    ("Compliance Wire", "wire", "compliancewire.org", "newsletter", "finance", 1, "192.174"),
    ("Fleet & Freight", "updates", "fleetandfreight.com", "newsletter", "logistics", 2,
     "167.89"),
    ("OfficeHub", "deals", "officehub.com", "marketing", "promo", 3, "149.72"),
    ("Flightdesk", "offers", "flightdesk.travel", "marketing", "travel", 2, "198.2"),
    ("Cloudmetric", "product", "cloudmetric.io", "marketing", "saas", 1, "54.240"),
    ("Printwise", "hello", "printwise.com", "marketing", "promo", 2, "69.72"),
    ("ExpoHub Events", "events", "expohub.events", "marketing", "events", 1, "192.174"),
    ("Brightdesk CRM", "news", "brightdesk.com", "marketing", "saas", 1, "167.89"),
    ("Staffline", "jobs", "staffline.jobs", "marketing", "hr", 2, "54.240"),
    ("Zoom", "events", "zoom.us", "marketing", "saas", 1, "170.114"),
)
_HEADLINES: Final[dict[str, tuple[str, ...]]] = {
    "logistics": ("Port congestion eases as carriers add capacity",
                  "Why nearshoring is back on the agenda", "Freight rates: what to expect in Q1",
                  "Warehouse robotics adoption doubles", "Five lessons from peak season",
                  "Rail strike averted: what it means for shippers"),
    "finance": ("Rates outlook: three scenarios for 2026", "How CFOs are rethinking forecasting",
                "Treasury teams and real-time payments", "Audit season checklist",
                "Markets open higher on jobs data", "The hidden costs of late payments",
                "New lease accounting guidance explained"),
    "hr": ("Hybrid work policies that actually work", "Benefits trends for 2026",
           "Onboarding checklists from top employers", "Pay transparency laws: an update",
           "Reducing first-year attrition"),
    "security": ("Patch roundup: critical fixes this week", "Business email compromise "
                 "losses climb again", "Passkeys go mainstream", "Incident response tabletop "
                 "ideas", "Supply chain risk in SaaS integrations"),
    "tech": ("Kubernetes 1.35 highlights", "Cost optimisation for cloud workloads",
             "Observability on a budget", "What's new in Postgres", "Platform teams in 2026"),
    "industry": ("Store traffic up for the third week", "Materials prices stabilise",
                 "Automation on the factory floor", "Consumer confidence report",
                 "Energy costs and margins", "Trade show calendar for the spring"),
    "marketing": ("The state of B2B content", "Email benchmarks by industry",
                  "Attribution models compared", "Five landing page experiments"),
    "promo": ("Up to 40% off desk accessories", "New: recycled paper range",
              "Bulk toner bundles", "Breakroom essentials restocked"),
    "travel": ("Business fares from $129", "Hotel deals in {city}", "Lounge access offer",
               "Double points on spring bookings"),
    "saas": ("New dashboard templates", "Release notes: January", "Customer story: scaling "
             "reporting", "Webinar: getting started with automations"),
    "events": ("Early-bird pricing ends Friday", "Speaker lineup announced",
               "Exhibitor registration open", "Networking reception details"),
}

# ------------------------------------------------------------------ networks and platforms

_M365_BLOCKS: Final = ("40.107", "52.101", "40.93", "104.47", "52.100")
_GOOGLE_BLOCKS: Final = ("209.85", "74.125")
_HOSTING_BLOCKS: Final = (
    "45.33", "45.79", "64.227", "81.169", "85.214", "91.121", "94.23", "104.131", "134.209",
    "138.68", "142.93", "159.89", "161.35", "172.105", "176.9", "178.62", "188.166", "195.201",
    "206.189", "212.227", "213.133", "217.160", "23.94", "46.101", "62.75", "78.46", "80.211",
    "89.58", "95.216", "198.51", "66.96", "69.164", "192.81", "216.24",
)
_RESIDENTIAL_BLOCKS: Final = (
    "24.16", "73.92", "98.210", "71.185", "86.12", "90.44", "82.132", "151.36", "2.91",
    "176.140", "79.116", "67.180", "108.28", "174.63", "99.47", "81.98", "92.40", "31.54",
)
_ATTACKER_BLOCKS: Final = (
    "185.220", "193.42", "45.141", "91.92", "103.75", "102.89", "41.203", "197.210", "105.112",
    "5.42", "194.26", "146.70", "141.98", "37.221", "89.187", "212.102", "156.146", "154.16",
    "196.196", "154.6", "45.87", "179.43", "186.10", "177.54", "103.253", "118.69", "36.77",
    "45.33", "159.89", "188.166", "104.131", "139.59", "167.99", "185.107",
)
_SPAM_BLOCKS: Final = ("23.226", "64.32", "107.174", "192.3", "199.34", "162.212", "216.10",
                       "45.61", "185.176", "31.210")

# (domain, platform, /16 blocks, message-id style)
_FREEMAIL: Final = (
    ("gmail.com", "google", ("209.85", "74.125")),
    ("outlook.com", "outlook", ("40.92", "52.103")),
    ("hotmail.com", "outlook", ("40.92", "52.103")),
    ("yahoo.com", "yahoo", ("98.137", "66.163")),
    ("icloud.com", "apple", ("17.58",)),
    ("aol.com", "yahoo", ("66.163",)),
    ("proton.me", "proton", ("185.70",)),
    ("gmx.com", "plain", ("212.227",)),
)
_FREEMAIL_WEIGHTS: Final = (45, 14, 6, 12, 8, 3, 4, 3)

_CLIENTS: Final = (
    ("X-Mailer", "Microsoft Outlook 16.0"), ("X-Mailer", "Microsoft Outlook 16.0"),
    ("X-Mailer", "Apple Mail (2.3826.400.131.1.6)"), ("X-Mailer", "iPhone Mail (21E236)"),
    ("User-Agent", "Mozilla Thunderbird"), ("", ""), ("", ""),
)
_PHPMAILER: Final = ("X-Mailer", "PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)")

_SERVICES: Final = (
    # (key, display name, local part, domain, /16 block)
    ("zoom", "Zoom", "no-reply", "zoom.us", "170.114"),
    ("docusign", "DocuSign", "dse_na3", "docusign.net", "64.207"),
    ("microsoft", "Microsoft 365 Message center", "o365mc", "microsoft.com", "40.107"),
    ("msaccount", "Microsoft account team", "account-security-noreply",
     "accountprotection.microsoft.com", "40.92"),
    ("linkedin", "LinkedIn", "messages-noreply", "linkedin.com", "108.174"),
    ("github", "GitHub", "notifications", "github.com", "192.30"),
    ("dhl", "DHL Express", "noreply", "dhl.com", "165.72"),
    ("fedex", "FedEx", "trackingupdates", "fedex.com", "204.135"),
    ("slack", "Slack", "feedback", "slack.com", "54.240"),
    ("dropbox", "Dropbox", "no-reply", "dropbox.com", "162.125"),
    ("concur", "SAP Concur", "autonotification", "concursolutions.com", "155.56"),
)
_SERVICE_BY_DEPT: Final[dict[str, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    "exec": (("zoom", "docusign", "linkedin", "concur", "dropbox"), (3, 3, 3, 1, 1)),
    "assistant": (("zoom", "concur", "dhl", "fedex", "docusign"), (3, 3, 1, 1, 1)),
    "finance": (("docusign", "concur", "zoom", "dropbox"), (3, 4, 2, 1)),
    "hr": (("docusign", "linkedin", "zoom", "slack"), (3, 4, 2, 1)),
    "it": (("microsoft", "msaccount", "github", "jira", "slack", "zoom"), (3, 1, 2, 3, 2, 1)),
    "sales": (("docusign", "linkedin", "zoom", "dropbox", "slack"), (3, 3, 3, 1, 1)),
    "ops": (("dhl", "fedex", "zoom", "slack", "jira"), (4, 3, 1, 1, 1)),
    "marketing": (("linkedin", "zoom", "slack", "dropbox"), (4, 2, 2, 2)),
    "eng": (("jira", "github", "slack", "zoom"), (5, 3, 2, 1)),
}

_WORK_HOURS: Final = (0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1.0, 3.0, 7.0, 9.5, 10.0, 9.0, 6.0, 8.0,
                      9.0, 8.5, 7.0, 4.0, 2.0, 1.5, 1.2, 0.9, 0.5, 0.2)
_WEEKEND_HOURS: Final = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 3.5, 3.5, 3.0, 3.0,
                         3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.5, 1.5, 0.6)
_DAY_FACTOR: Final = (1.05, 1.0, 1.0, 0.95, 0.85, 0.13, 0.09)
_B62: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")
_GREETINGS: Final = ("Hi {first},", "Hello {first},", "{first},", "Hi {first}, hope you're well.",
                     "Dear {first},", "Good morning {first},", "Hey {first},")
_CLOSINGS: Final = ("Best,", "Thanks,", "Kind regards,", "Cheers,", "Best regards,", "Regards,",
                    "Many thanks,")


# ------------------------------------------------------------------------------ helpers


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` (accents folded, the rest dropped)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in folded.lower() if c.isalnum())


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw from ``rng`` (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0.0:
        return 0
    if lam > 30.0:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _sha256(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def _weighted_sample(rng: random.Random, items: Sequence[Any], weights: Sequence[float],
                     k: int) -> list[Any]:
    """``k`` distinct items, drawn without replacement with the given weights (A-ES keys)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0.0),
                   reverse=True)
    return [items[i] for _, i in keyed[:k]]


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _zipf_cum(n: int, exponent: float = 0.9) -> list[float]:
    return _cumulative([1.0 / (r + 1) ** exponent for r in range(n)])


def _token(rng: random.Random, n: int, alphabet: str = _B62) -> str:
    return "".join(rng.choices(alphabet, k=n))


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _ip(rng: random.Random, prefix: str) -> str:
    return f"{prefix}.{rng.randint(2, 253)}"


def _net(rng: random.Random, blocks: Sequence[str]) -> str:
    return f"{rng.choice(blocks)}.{rng.randrange(256)}"


def _local_dt(t: float, tz: float) -> datetime:
    return datetime.fromtimestamp(t + tz * _HOUR, tz=UTC)


def _strip_re(subject: str) -> str:
    while subject[:4].lower() in ("re: ", "fw: ") or subject[:5].lower() == "fwd: ":
        subject = subject.split(": ", 1)[1]
    return subject


class _Slots(dict[str, str]):
    """Template slots filled on first use, so a template draws only the values it shows."""

    __slots__ = ("_fill",)

    def __init__(self, fill: Callable[[_Slots, str], str], fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self._fill = fill

    def __missing__(self, key: str) -> str:
        value = self._fill(self, key)
        self[key] = value
        return value


@dataclass(frozen=True, slots=True)
class _Link:
    url: str
    anchor: str


@dataclass(slots=True)
class _Body:
    """A message body before rendering: paragraphs and links, then an optional quote."""

    parts: list[str | _Link]
    quote: str = ""
    quote_urls: tuple[str, ...] = ()
    bulk: bool = False
    title: str = ""
    pixel: str = ""
    fillers: tuple[str, ...] = ()  # closing lines in the body's language (default: English)


def _render(body: _Body, with_html: bool, rng: random.Random) -> tuple[str, str, tuple[Url, ...]]:
    """Text, HTML ("" when the sender's client sends plain text) and URLs of ``body``.

    Every URL in ``urls`` appears in the text (and in the HTML when there is one), so a
    detector that re-extracts URLs from the text finds the same set. A body shorter than 300
    characters (quote included) gets neutral closing lines drawn at random from one pool,
    whoever sent it, so padding says nothing about the sender.
    """
    parts = list(body.parts)
    length = sum(len(p) if isinstance(p, str) else len(p.url) + len(p.anchor) + 3
                 for p in parts) + 2 * len(parts) + len(body.quote)
    if length < 310:
        pool = list(body.fillers or (_BULK_FILLERS if body.bulk else _FILLERS))
        rng.shuffle(pool)
        for line in pool:
            if length >= 310:
                break
            parts.insert(len(parts) if body.bulk else max(1, len(parts) - 1), line)
            length += len(line) + 2
    elif not body.bulk and len(parts) > 2 and rng.random() < 0.25:
        # The same closing lines appear in long mail too, so they say nothing about brevity.
        parts.insert(len(parts) - 1, rng.choice(body.fillers or _FILLERS))
    text_parts: list[str] = []
    html_parts: list[str] = []
    urls: list[Url] = []
    for part in parts:
        if isinstance(part, _Link):
            if with_html:
                text_parts.append(f"{part.anchor} <{part.url}>" if part.anchor else part.url)
                html_parts.append(f'<a href="{escape(part.url)}">{escape(part.anchor or part.url)}'
                                  "</a>")
                urls.append(Url(part.url, part.anchor or part.url))
            else:
                text_parts.append(f"{part.anchor}: {part.url}" if part.anchor else part.url)
                urls.append(Url(part.url, ""))
        else:
            text_parts.append(part)
            html_parts.append(escape(part).replace("\n", "<br>\n"))
    text = "\n\n".join(text_parts)
    quote = body.quote
    if quote:
        room = 3000 - len(text) - 2
        if len(quote) > room:
            quote = quote[: max(0, room)].rsplit("\n", 1)[0]
        if quote:
            text = f"{text}\n\n{quote}"
            for url in body.quote_urls:
                if url in quote:
                    urls.append(Url(url, ""))
    if len(text) > 3000:
        text = text[:3000].rsplit("\n", 1)[0]
    if not with_html:
        return text, "", tuple(urls)
    if body.bulk:
        rows = "".join(f'<tr><td style="padding:12px 24px;font-family:Arial,Helvetica,sans-serif;'
                       f'font-size:15px;line-height:1.5;color:#222">{h}</td></tr>'
                       for h in html_parts)
        pixel = (f'<img src="{escape(body.pixel)}" width="1" height="1" alt="">'
                 if body.pixel else "")
        html = ('<!DOCTYPE html><html><head><meta charset="utf-8">'
                f"<title>{escape(body.title)}</title></head>"
                '<body style="margin:0;padding:0;background:#f3f4f6">'
                '<table role="presentation" width="100%" cellpadding="0" cellspacing="0">'
                '<tr><td align="center"><table role="presentation" width="600" '
                f'style="background:#ffffff">{rows}</table></td></tr></table>{pixel}'
                "</body></html>")
    else:
        paras = "".join(f"<p>{h}</p>" for h in html_parts)
        tail = ""
        if quote:
            tail = ('<hr style="border:none;border-top:1px solid #e1e1e1">'
                    f"<blockquote>{escape(quote).replace(chr(10), '<br>')}</blockquote>")
        html = ('<html><head><meta http-equiv="Content-Type" content="text/html; '
                'charset=utf-8"></head><body><div style="font-family:Calibri,Arial,sans-serif;'
                f'font-size:11pt">{paras}{tail}</div></body></html>')
    return text, html, tuple(urls)


# ---------------------------------------------------------------- organisations and people


@dataclass(eq=False, slots=True)
class _Org:
    """A mail-sending organisation: its domain, networks, platform and auth posture."""

    name: str
    domain: str
    kind: str  # tenant | vendor | customer | partner | freemail | bulk | attacker | prospect
    platform: str  # m365 | google | outlook | yahoo | apple | proton | plain | esp
    networks: tuple[str, ...]
    auth: tuple[str, str, str]
    mx_host: str = ""
    id_style: int = 0
    html: bool = True
    disclaimer: str = ""
    phone: str = ""
    people: list[_Person] = field(default_factory=list)
    billing: _Person | None = None
    portal: str = ""
    invoice_style: int = 0
    bank: str = ""
    client: tuple[str, str] = ("", "")


@dataclass(eq=False, slots=True)
class _Person:
    """A mailbox and the human (or system) behind it."""

    first: str
    last: str
    address: str
    title: str
    dept: str
    org: _Org
    display: str = ""
    phone: str = ""
    activity: float = 1.0
    ext_factor: float = 1.0
    client: tuple[str, str] = ("", "")
    home_net: str = ""
    shift: float = 0.0
    pw_phase: int = 0
    contacts: list[_Person] = field(default_factory=list)
    contact_cum: list[float] = field(default_factory=list)
    external: list[_Person] = field(default_factory=list)
    external_cum: list[float] = field(default_factory=list)
    manager: _Person | None = None
    personal: _Person | None = None
    addr: Address | None = None

    @property
    def name(self) -> str:
        return self.display or f"{self.first} {self.last}".strip()

    def mailbox(self) -> Address:
        if self.addr is None:
            self.addr = Address(self.address, self.name)
        return self.addr


_LEGIT_AUTH: Final = (("pass", "pass", "pass"), ("pass", "pass", "none"),
                      ("pass", "none", "none"), ("softfail", "pass", "pass"),
                      ("neutral", "none", "none"), ("none", "none", "none"))
_LEGIT_AUTH_WEIGHTS: Final = (74, 12, 7, 3, 2, 2)


def _message_id(rng: random.Random, org: _Org) -> str:
    """A Message-ID in the format of the sender's mail platform (legitimate or not)."""
    platform = org.platform
    if platform == "google":
        return f"<CA{_token(rng, 2)}{_token(rng, 40, _B62 + '+_-')}@mail.gmail.com>"
    if platform in ("m365", "outlook"):
        server = org.mx_host if platform == "m365" else (
            f"{rng.choice(('DM6PR', 'SN7PR', 'BY5PR', 'CH3PR', 'PH0PR'))}{rng.randint(1, 19):02d}"
            f"MB{rng.randint(1000, 9999)}")
        region = "namprd" + server[5:7] if server[5:7].isdigit() else "eurprd04"
        return f"<{server}{_hex(rng, 20).upper()}@{server}.{region}.prod.outlook.com>"
    if platform == "yahoo":
        return (f"<{rng.randint(10**8, 10**9 - 1)}.{rng.randint(10**6, 10**7 - 1)}."
                f"{rng.randint(10**12, 10**13 - 1)}@mail.yahoo.com>")
    if platform == "apple":
        h = _hex(rng, 32).upper()
        return f"<{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}@icloud.com>"
    if platform == "proton":
        return f"<{_token(rng, 43, _B62 + '_-')}=@proton.me>"
    if platform == "esp":
        return f"<{_hex(rng, 24)}.{rng.randint(10**5, 10**6 - 1)}@{org.mx_host}>"
    if org.id_style == 1:
        return f"<{_hex(rng, 16)}.{_hex(rng, 8)}@{org.mx_host}>"
    return f"<{_hex(rng, 32)}@{org.domain}>"


def _org_networks(rng: random.Random, platform: str) -> tuple[str, ...]:
    blocks = {"m365": _M365_BLOCKS, "google": _GOOGLE_BLOCKS}.get(platform, _HOSTING_BLOCKS)
    return tuple(_net(rng, blocks) for _ in range(rng.choice((1, 1, 2, 2, 3))))


def _m365_server(rng: random.Random) -> str:
    return (f"{rng.choice(('BN6PR', 'DM6PR', 'SA1PR', 'MN2PR', 'CO1PR', 'AM6PR', 'DB9PR'))}"
            f"{rng.randint(1, 19):02d}MB{rng.randint(1000, 9999)}")


def _client_for(rng: random.Random, platform: str) -> tuple[str, str]:
    if platform == "m365":
        return rng.choice((*_CLIENTS[:4], ("", "")))
    if platform == "google":
        return rng.choice((("", ""), ("", ""), ("", ""), _CLIENTS[3]))
    return rng.choice(_CLIENTS)


def _domain_for(rng: random.Random, name: str) -> str:
    words = [_slug(w) for w in name.split()]
    words = [w for w in words if w]
    head, rest = words[0], "".join(words[1:])
    first_rest = words[1] if len(words) > 1 else ""
    options = (f"{head}{rest}.com", f"{head}-{rest}.com", f"{head}{first_rest}.com",
               f"{head}{rest}.net", f"{head}-{rest}.co.uk", f"{head}{rest}.de",
               f"{head}{first_rest}.io", f"{head}{rest}.co", f"{head}-{first_rest}.com",
               f"{head}{rest}.us")
    return rng.choices(options, (30, 18, 10, 7, 6, 4, 5, 5, 10, 5))[0]


def _person(rng: random.Random, org: _Org, title: str, dept: str,
            taken: set[str] | None = None) -> _Person:
    """A person with a first.last style address at ``org`` (unique within ``taken``)."""
    for attempt in range(50):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        f, lst = _slug(first), _slug(last)
        style = rng.random() if org.kind != "tenant" else 0.0
        if style < 0.7:
            local = f"{f}.{lst}"
        elif style < 0.85:
            local = f"{f[0]}{lst}"
        elif style < 0.95:
            local = f
        else:
            local = f"{f}{lst[0]}"
        if attempt > 10:
            local = f"{f}.{rng.choice('abcdefghjklmnprstw')}.{lst}"
        address = f"{local}@{org.domain}"
        if taken is None or address not in taken:
            if taken is not None:
                taken.add(address)
            break
    phone = f"{org.phone} {rng.randint(100, 999)}-{rng.randint(1000, 9999)}" if org.phone else ""
    return _Person(first, last, address, title, dept, org, phone=phone,
                   client=_client_for(rng, org.platform))


def _freemail_local(rng: random.Random, first: str, last: str) -> str:
    f, lst = _slug(first), _slug(last)
    n = rng.randint(1, 99)
    return rng.choice((f"{f}.{lst}", f"{f}{lst}{n}", f"{f}.{lst}{n}", f"{f[0]}{lst}{n}",
                       f"{lst}.{f}", f"{f}_{lst}", f"{f}{lst}{1960 + n % 45}"))


class _World:
    """Everything outside the tenants, derived from the seed alone and shared by all tenants.

    An external organisation is built from ``Random(f"{seed}:org:{domain}")``, so a vendor
    that serves two tenants looks the same (people, networks, platform, auth) in both.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        rng = random.Random(f"{seed}:world")
        self.prefixes = list(_ORG_PREFIXES)
        rng.shuffle(self.prefixes)
        self.domains: set[str] = set()
        self.freemail = [self._freemail_org(domain, platform, blocks)
                         for domain, platform, blocks in _FREEMAIL]
        self.vendors = self._pool(rng, _VENDOR_INDUSTRIES, "vendor", 90)
        self.customers = self._pool(rng, _CUSTOMER_INDUSTRIES, "customer", 70)
        self.partners = self._pool(rng, ("Consulting Group", "Advisors", "Solutions", "Labs",
                                         "Associates", "Partners LLP", "Systems"),
                                   "partner", 40)
        self.bulk = [self._bulk_sender(spec) for spec in _BULK_SENDERS]
        self.services = {spec[0]: self._service(spec) for spec in _SERVICES}
        self.consumer: dict[str, _Person] = {}

    # ---- construction
    def _freemail_org(self, domain: str, platform: str, blocks: Sequence[str]) -> _Org:
        rng = random.Random(f"{self.seed}:org:{domain}")
        networks = tuple(f"{b}.{rng.randrange(256)}" for b in blocks for _ in range(6))
        self.domains.add(domain)
        return _Org(domain, domain, "freemail", platform, networks, ("pass", "pass", "pass"),
                    mx_host=f"mail.{domain}", html=True)

    def _pool(self, rng: random.Random, industries: Sequence[str], kind: str,
              size: int) -> list[_Org]:
        orgs: list[_Org] = []
        names: set[str] = set()
        while len(orgs) < size:
            name = f"{rng.choice(self.prefixes)} {rng.choice(industries)}"
            if name in names:
                continue
            domain = _domain_for(random.Random(f"{self.seed}:domain:{name}"), name)
            if domain in self.domains:
                continue
            names.add(name)
            self.domains.add(domain)
            orgs.append(self.external_org(name, domain, kind))
        return orgs

    def external_org(self, name: str, domain: str, kind: str) -> _Org:
        """A company outside the tenants, every property drawn from its domain's stream."""
        rng = random.Random(f"{self.seed}:org:{domain}")
        platform = rng.choices(("m365", "google", "plain"), (55, 25, 20))[0]
        org = _Org(name, domain, kind, platform, _org_networks(rng, platform),
                   rng.choices(_LEGIT_AUTH, _LEGIT_AUTH_WEIGHTS)[0],
                   mx_host=(_m365_server(rng) if platform == "m365" else f"mail.{domain}"),
                   id_style=rng.randrange(2), html=platform != "plain" or rng.random() < 0.4,
                   disclaimer=rng.choice(_DISCLAIMERS) if rng.random() < 0.45 else "",
                   phone=f"+{rng.choice((1, 1, 1, 44, 49, 31, 33, 1))} "
                         f"({rng.randint(201, 989)})")
        taken: set[str] = set()
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            org.people.append(_person(rng, org, rng.choice(_EXTERNAL_TITLES), kind, taken))
        if kind == "vendor":
            if rng.random() < 0.5:
                local = rng.choice(("billing", "accounts", "ar", "invoices", "accounting"))
                billing = _Person("", "", f"{local}@{domain}", "Accounts Receivable", kind, org,
                                  display=rng.choice((f"{name} Billing", f"{name} Accounts",
                                                      "Accounts Receivable", name)),
                                  phone=f"{org.phone} {rng.randint(100, 999)}-"
                                        f"{rng.randint(1000, 9999)}")
                billing.client = _PHPMAILER if platform == "plain" and rng.random() < 0.5 else (
                    "", "")
            else:
                billing = org.people[0]
                billing.title = rng.choice(("Accounts Receivable", "Billing Specialist",
                                            "Finance Manager"))
            org.billing = billing
            org.portal = rng.choice((f"billing.{domain}", f"portal.{domain}", f"pay.{domain}",
                                     f"www.{domain}"))
            org.invoice_style = rng.randrange(4)
            org.bank = f"{rng.choice(_BANKS)}|{rng.randint(1000, 9999)}"
        return org

    def _bulk_sender(self, spec: tuple[Any, ...]) -> _Person:
        display, local, domain, kind, _category, _per_week, block = spec
        rng = random.Random(f"{self.seed}:org:{domain}")
        org = _Org(display, domain, "bulk", "esp",
                   tuple(f"{block}.{rng.randrange(256)}" for _ in range(2)),
                   rng.choices((("pass", "pass", "pass"), ("pass", "pass", "none")), (85, 15))[0],
                   mx_host=f"{rng.choice(('em', 'mta', 'bounce', 'mail'))}{rng.randint(1, 99)}."
                           f"{domain}", html=True)
        self.domains.add(domain)
        return _Person("", "", f"{local}@{domain}", kind, "bulk", org, display=display)

    def _service(self, spec: tuple[str, ...]) -> _Person:
        key, display, local, domain, block = spec
        rng = random.Random(f"{self.seed}:org:{domain}")
        org = _Org(display, domain, "bulk", "esp",
                   tuple(f"{block}.{rng.randrange(256)}" for _ in range(3)),
                   ("pass", "pass", "pass"), mx_host=f"mail{rng.randint(1, 40)}.{domain}",
                   html=True)
        self.domains.add(domain)
        return _Person("", "", f"{local}@{domain}", key, "bulk", org, display=display)

    def consumer_sender(self, key: str, lang: str) -> _Person:
        """The real sender of a consumer brand in ``lang``: its domain and ESP network."""
        display, _, local, pattern, _, block = _CONSUMER_BRANDS[key]
        domain = pattern.replace("{cc}", _CC[lang])
        cached = self.consumer.get(f"{local}@{domain}")
        if cached is not None:
            return cached
        rng = random.Random(f"{self.seed}:org:{domain}")
        site = domain.split(".", 1)[1] if domain.split(".")[0] in (
            "mailer", "mail", "email", "post", "news", "accounts") else domain
        org = _Org(display, domain, "bulk", "esp",
                   tuple(f"{block}.{rng.randrange(256)}" for _ in range(3)),
                   rng.choices((("pass", "pass", "pass"), ("pass", "pass", "none")), (90, 10))[0],
                   mx_host=f"{rng.choice(('em', 'mta', 'bounce', 'mail'))}{rng.randint(1, 60)}."
                           f"{domain}", html=True,
                   portal=rng.choice((f"click.{site}", f"links.{site}", f"email.{site}",
                                      f"u{rng.randint(1000, 99999)}.ct.sendgrid.net", "")))
        self.domains.add(domain)
        person = _Person("", "", f"{local}@{domain}", key, "bulk", org, display=display)
        self.consumer[person.address] = person
        return person

    def tenant_identity(self, index: int) -> tuple[str, str]:
        rng = random.Random(f"{self.seed}:tenant-name:{index}")
        prefix = self.prefixes[index % len(self.prefixes)]
        if index >= len(self.prefixes):
            prefix = f"{prefix} {index // len(self.prefixes) + 1}"
        return prefix, rng.choice(_TENANT_INDUSTRIES)

    def freemail_org(self, rng: random.Random) -> _Org:
        return rng.choices(self.freemail, _FREEMAIL_WEIGHTS)[0]


# ------------------------------------------------------------------------ tenant state

_WORK_CUM: Final = _cumulative(_WORK_HOURS)
_WEEKEND_CUM: Final = _cumulative(_WEEKEND_HOURS)
_WEEKDAY_ABBR: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NO_AUTH: Final = AuthResults()
_EXT_FACTOR: Final = {"exec": 1.4, "assistant": 0.7, "finance": 1.2, "hr": 0.7, "it": 0.6,
                      "sales": 2.0, "ops": 1.6, "marketing": 1.0, "eng": 0.5}
# Per employee and working day at messages_per_employee_per_day=4 (calibrated so the stream
# holds about four records per employee on a working day, every direction included).
_INTERNAL_RATE: Final = 0.92
_OUTBOUND_RATE: Final = 0.24
_INBOUND_RATE: Final = 0.35
_NOTIFY_RATE: Final = 0.32
_CONTENT_TYPES: Final = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png", "jpg": "image/jpeg", "txt": "text/plain", "csv": "text/csv",
    "zip": "application/zip", "iso": "application/x-iso9660-image",
    "img": "application/octet-stream", "lnk": "application/x-ms-shortcut", "html": "text/html",
    "htm": "text/html", "one": "application/onenote",
    "docm": "application/vnd.ms-word.document.macroEnabled.12",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    "exe": "application/x-msdownload", "scr": "application/x-msdownload",
    "js": "application/javascript", "vbs": "text/vbscript", "ics": "text/calendar",
}
_SIZES: Final = {"pdf": (40_000, 2_000_000), "docx": (18_000, 400_000),
                 "xlsx": (12_000, 800_000), "pptx": (400_000, 8_000_000),
                 "png": (30_000, 900_000), "jpg": (60_000, 3_000_000), "txt": (1_000, 60_000),
                 "csv": (2_000, 400_000), "zip": (200_000, 12_000_000),
                 "iso": (900_000, 4_000_000), "img": (900_000, 3_000_000), "lnk": (1_500, 4_000),
                 "html": (2_000, 600_000), "htm": (1_500, 40_000), "one": (90_000, 400_000),
                 "docm": (40_000, 300_000), "xlsm": (40_000, 300_000), "exe": (200_000, 2_000_000),
                 "scr": (200_000, 1_500_000), "js": (5_000, 60_000), "vbs": (2_000, 20_000),
                 "ics": (1_000, 4_000)}


@dataclass(eq=False, slots=True)
class _Sent:
    """What a later reply (or a thread hijack) needs to know about a message already sent."""

    mid: str
    subject: str
    refs: tuple[str, ...]
    sender: _Person
    to: tuple[_Person, ...]
    cc: tuple[_Person, ...]
    text: str
    t: float
    depth: int
    topic: str
    scenario: str
    urls: tuple[str, ...]
    reply_to: _Person | None = None


@dataclass(eq=False, slots=True)
class _Relation:
    """A vendor that invoices this tenant every month on a fixed day."""

    vendor: _Org
    day: int
    recipients: list[_Person]
    seq: int
    amount: float
    terms: int
    last_invoice: str = ""
    last_t: float = 0.0


@dataclass(eq=False, slots=True)
class _Subscription:
    sender: _Person
    subscribers: list[_Person]
    weekdays: tuple[int, ...]
    send_second: int
    category: str


@dataclass(eq=False, slots=True)
class _ConsumerSub:
    """A consumer brand that mails some of a tenant's people in one language."""

    key: str
    lang: str
    sender: _Person
    subscribers: list[_Person]
    weekdays: tuple[int, ...]
    send_second: int
    kinds: tuple[str, ...]
    kind_weights: tuple[float, ...]
    rate: float


@dataclass(eq=False, slots=True)
class _Campaign:
    scenario: str
    attacker: _Person
    reply_to: _Person | None = None
    impersonated: _Person | None = None
    vendor: _Org | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def attack_type(self) -> str:
        return ATTACK_SCENARIOS[self.scenario]


@dataclass(eq=False, slots=True)
class _Wave:
    """A spam campaign that hits several tenants at once from rotating fresh domains."""

    start: float
    duration: float
    theme: str
    senders: tuple[_Person, ...]
    subject: int
    list_unsubscribe: bool
    counts: dict[int, int]


_Emitted = tuple[MailRecord, Label]
_Event = tuple[float, int, Callable[..., list[_Emitted]], tuple[Any, ...]]


class _TenantSim:
    """One company: its people and graph, and an event heap that yields its mail in order.

    Events for a local day are scheduled when the simulation reaches that day; an event may
    schedule later events (replies, follow-ups), never earlier ones, so popping the heap
    yields non-decreasing times while holding about one day of events.
    """

    def __init__(self, world: _World, index: int, *, days: int, warmup_days: int,
                 rate: float, employees: tuple[int, int], attack_rate: float) -> None:
        self.world = world
        self.index = index
        self.rng = rng = random.Random(f"{world.seed}:tenant:{index}")
        self.days = days
        self.warmup_days = warmup_days
        self.scale = rate / 4.0
        self.attack_rate = attack_rate
        self.start = float(EPOCH)
        self.end = float(EPOCH + days * _DAY)
        self.warm_end = float(EPOCH + warmup_days * _DAY)
        prefix, industry = world.tenant_identity(index)
        self.company = f"{prefix} {industry}"
        self.industry = industry
        self.tenant_id = f"{_slug(prefix)}-{_slug(industry.split()[0])}"
        self.tz = rng.choice((-8.0, -7.0, -6.0, -5.0, -5.0, -5.0, 0.0, 1.0, 1.0, 2.0, 5.5, 8.0,
                              10.0))
        self.currency = {0.0: "£", 1.0: "€", 2.0: "€"}.get(self.tz, "$")
        domain = _domain_for(rng, self.company)
        for attempt in range(20):
            if domain not in world.domains:
                break
            domain = (_domain_for(rng, self.company) if attempt < 15
                      else f"{_slug(prefix)}{index}.com")
        platform = rng.choices(("m365", "google", "plain"), (60, 30, 10))[0]
        self.org = _Org(self.company, domain, "tenant", platform,
                        tuple(_net(rng, _HOSTING_BLOCKS + _RESIDENTIAL_BLOCKS)
                              for _ in range(rng.choice((1, 2, 2, 3)))),
                        ("pass", "pass", "pass"),
                        mx_host=_m365_server(rng) if platform == "m365" else f"mail.{domain}",
                        id_style=rng.randrange(2), html=platform != "plain",
                        disclaimer=rng.choice(_DISCLAIMERS) if rng.random() < 0.5 else "",
                        phone=f"+{1 if self.tz < 0 else rng.choice((44, 49, 31, 65, 61))} "
                              f"({rng.randint(201, 989)})")
        self.domains: tuple[str, ...] = (domain,)
        if rng.random() < 0.45:
            head = _slug(prefix)
            second = rng.choice((f"{head}.io", f"{head}-group.com",
                                 f"{head}{_slug(industry)}.co.uk", f"{head}{_slug(industry)}.de"))
            if second not in world.domains and second != domain:
                self.domains = (domain, second)
        world.domains.update(self.domains)
        self.internal_auth = _NO_AUTH if rng.random() < 0.65 else AuthResults("pass", "pass",
                                                                               "pass")
        codes = rng.sample(_PROJECTS, 6)
        self.projects = [c if i < 3 else f"{c} {rng.choice(_PROJECT_SUFFIXES)}"
                         for i, c in enumerate(codes)]
        self.products = [f"{prefix} {w}" for w in rng.sample(
            ("Track", "Connect", "Insight", "Flow", "Core", "Plus", "360", "Cloud", "Pro",
             "Suite", "Hub", "Direct"), 4)]
        self.idp = {"m365": ("passwordreset.microsoftonline.com", "/"),
                    "google": ("myaccount.google.com", "/signinoptions/password")}.get(
            platform, (f"sso.{domain}", "/password/change"))
        if rng.random() < 0.4:
            self.idp = (f"{_slug(prefix)}.okta.com", "/enduser/settings")
        self.heap: list[_Event] = []
        self.seq = itertools.count()
        self.pairs: set[tuple[str, str]] = set()
        self.vendor_threads: dict[str, _Sent] = {}
        self.recent_external: deque[_Sent] = deque(maxlen=300)
        self.waves: list[_Wave] = []
        self.size_cap = 30
        self.now = -math.inf
        self._build_people(employees)
        self._build_externals()
        self._build_subscriptions()
        self.it_desk = _Person("", "", f"servicedesk@{domain}", "IT Service Desk", "system",
                               self.org, display=rng.choice(("IT Service Desk", "IT Support",
                                                             f"{prefix} IT")))
        self.attack_target = self._attack_budget()
        post = [d for d in range(warmup_days, days) if d % 7 < 5]
        self.mfa_day = rng.choice(post) if post and rng.random() < 0.7 else -99
        self.bank_change_day = rng.choice(post) if post and rng.random() < 0.4 else -99
        self._build_consumer()

    # ------------------------------------------------------------------ construction
    def _build_people(self, employees: tuple[int, int]) -> None:
        rng = self.rng
        n = rng.randint(*employees)
        roles = [("exec", "Chief Executive Officer"), ("exec", "Chief Financial Officer"),
                 ("exec", "Chief Operating Officer")]
        if n >= 60:
            roles.append(("exec", "Chief Technology Officer"))
        if n >= 90:
            roles += [("exec", "VP Sales"), ("exec", "General Counsel")]
        roles.append(("assistant", "Executive Assistant"))
        if n >= 90:
            roles.append(("assistant", "Office Manager"))
        roles += [("finance", "Financial Controller"),
                  ("finance", "Accounts Receivable Specialist"),
                  ("finance", "Payroll Specialist")]
        roles += [("finance", "Accounts Payable Specialist")] * (1 + n // 60)
        roles += [("finance", "Accountant")] * (n // 50)
        roles += [("hr", "HR Manager")] + ([("hr", "HR Generalist")] if n >= 50 else [])
        roles += [("hr", "Recruiter")] if n >= 80 else []
        roles += [("it", "IT Manager"), ("it", "Service Desk Analyst")]
        roles += [("it", "Systems Administrator")] if n >= 50 else []
        while len(roles) < n:
            dept = rng.choices(("sales", "ops", "marketing", "eng"), (25, 25, 10, 40))[0]
            roles.append((dept, rng.choice(_TITLES[dept])))
        taken: set[str] = set()
        people: list[_Person] = []
        for dept, title in roles:
            p = _person(rng, self.org, title, dept, taken)
            if len(self.domains) > 1 and rng.random() < 0.2:
                p.address = p.address.replace(f"@{self.domains[0]}", f"@{self.domains[1]}")
            boost = {"exec": 1.5, "assistant": 1.6}.get(dept, 1.0)
            p.activity = rng.lognormvariate(0.0, 0.9) * boost
            p.ext_factor = _EXT_FACTOR[dept]
            p.home_net = _net(rng, _RESIDENTIAL_BLOCKS)
            p.shift = rng.gauss(0.0, 0.8)
            p.pw_phase = rng.randrange(90)
            people.append(p)
        mean = sum(p.activity for p in people) / len(people)
        for p in people:
            p.activity = min(p.activity / mean, 8.0)
        self.people = people
        by_title: dict[str, _Person] = {}
        for p in people:
            by_title.setdefault(p.title, p)
        self.ceo = by_title["Chief Executive Officer"]
        self.cfo = by_title["Chief Financial Officer"]
        self.coo = by_title["Chief Operating Officer"]
        cto = by_title.get("Chief Technology Officer", self.coo)
        heads = {"exec": self.ceo, "assistant": self.ceo,
                 "finance": by_title["Financial Controller"], "hr": by_title["HR Manager"],
                 "it": by_title["IT Manager"]}
        for dept in ("sales", "ops", "marketing", "eng"):
            heads[dept] = next((p for p in people if p.dept == dept), self.coo)
        above = {"finance": self.cfo, "hr": self.ceo, "it": cto, "sales":
                 by_title.get("VP Sales", self.ceo), "ops": self.coo, "marketing": self.ceo,
                 "eng": cto, "assistant": self.ceo, "exec": self.ceo}
        for p in people:
            head = heads[p.dept]
            p.manager = above[p.dept] if head is p else head
            if p is self.ceo:
                p.manager = None
        self.execs = [p for p in people if p.dept == "exec"]
        self.assistants = [p for p in people if p.dept == "assistant"]
        self.finance = [p for p in people if p.dept == "finance"]
        self.ap = [p for p in self.finance if p.title in ("Accounts Payable Specialist",
                                                          "Financial Controller")]
        self.payroll = [p for p in people if p.title in ("Payroll Specialist", "HR Manager",
                                                         "HR Generalist")]
        self.sales = [p for p in people if p.dept == "sales"] or [self.ceo]
        self.staff = [p for p in people if p.dept in ("sales", "ops", "marketing", "eng")]
        self.staff = self.staff or people
        popularity = [rng.lognormvariate(0.0, 0.8) * (3.0 if p.dept in ("exec", "assistant")
                                                      else 1.0) for p in people]
        for p in people:
            k = max(3, min(45, len(people) - 1, round(3 + 7 * p.activity)))
            weights = []
            for q, pop in zip(people, popularity, strict=True):
                w = 0.0 if q is p else pop
                if q.dept == p.dept:
                    w *= 6.0
                if q is p.manager or q.manager is p:
                    w *= 8.0
                weights.append(w)
            p.contacts = _weighted_sample(rng, people, weights, k)
            p.contact_cum = _zipf_cum(len(p.contacts))
        for p in self.execs:
            if rng.random() < 0.4:
                fm = rng.choice(self.world.freemail[:5])
                p.personal = _Person(p.first, p.last,
                                     f"{_freemail_local(rng, p.first, p.last)}@{fm.domain}",
                                     p.title, "personal", fm, client=_CLIENTS[3])

    def _build_externals(self) -> None:
        rng = self.rng
        world = self.world
        n_orgs = rng.randint(10, 40)
        nv = max(3, round(n_orgs * 0.45))
        nc = max(2, round(n_orgs * 0.35))
        self.vendors = rng.sample(world.vendors, nv)
        self.customers = rng.sample(world.customers, nc)
        self.partners = rng.sample(world.partners, max(1, n_orgs - nv - nc))
        self.relations: list[_Relation] = []
        for v in self.vendors:
            if rng.random() < 0.6:
                recips = rng.sample(self.ap, min(len(self.ap), rng.choice((1, 1, 2))))
                self.relations.append(_Relation(v, rng.randint(1, 28), recips,
                                                rng.randint(100, 9000),
                                                rng.lognormvariate(math.log(6000), 1.0),
                                                rng.choice((15, 30, 30, 45, 60))))
        if not self.relations:
            self.relations.append(_Relation(self.vendors[0], rng.randint(1, 28), self.ap[:1],
                                            rng.randint(100, 9000), 4200.0, 30))
        vendor_people = [p for v in self.vendors for p in v.people]
        customer_people = [p for c in self.customers for p in c.people]
        partner_people = [p for o in self.partners for p in o.people]
        billing = [r.vendor.billing for r in self.relations if r.vendor.billing is not None]

        def pick(pool: list[_Person], lo: int, hi: int) -> list[_Person]:
            return rng.sample(pool, min(len(pool), rng.randint(lo, hi)))

        for p in self.people:
            ext: list[_Person] = []
            if p in self.ap:
                ext += [b for b in billing if rng.random() < 0.8] + pick(vendor_people, 1, 3)
            elif p.title == "Accounts Receivable Specialist":
                ext += pick(customer_people, 2, 5)
            elif p.dept == "finance":
                ext += pick(vendor_people, 0, 2)
            elif p.dept == "ops":
                ext += pick(vendor_people, 3, 8) + pick(partner_people, 0, 2)
            elif p.dept == "sales":
                ext += pick(customer_people, 3, 8) + pick(partner_people, 0, 2)
            elif p.dept == "exec":
                ext += (pick(customer_people, 1, 3) + pick(partner_people, 1, 2)
                        + pick(vendor_people, 0, 2))
            elif p.dept == "marketing":
                ext += pick(partner_people + vendor_people, 1, 3)
            elif p.dept == "it":
                ext += pick(vendor_people, 1, 3)
            elif p.dept == "hr":
                ext += pick(vendor_people, 1, 2)
            elif p.dept == "assistant":
                ext += pick(partner_people + customer_people, 1, 3)
            else:
                ext += pick(partner_people + customer_people, 0, 3)
            p_free = {"hr": 0.9, "sales": 0.4, "exec": 0.3}.get(p.dept, 0.15)
            if rng.random() < p_free:
                for _ in range(rng.randint(1, 3)):
                    ext.append(self._freemail_person(rng.choice(_EXTERNAL_TITLES)))
            seen: set[str] = set()
            unique = []
            for q in ext:
                if q.address not in seen:
                    seen.add(q.address)
                    unique.append(q)
            rng.shuffle(unique)
            p.external = unique
            p.external_cum = _zipf_cum(len(unique), 1.0)

    def _freemail_person(self, title: str) -> _Person:
        rng = self.rng
        org = self.world.freemail_org(rng)
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        return _Person(first, last, f"{_freemail_local(rng, first, last)}@{org.domain}", title,
                       "freemail", org, client=rng.choice((("", ""), _CLIENTS[3])))

    def _build_subscriptions(self) -> None:
        rng = self.rng
        n = len(self.people)
        self.subscriptions: list[_Subscription] = []
        specs = {f"{s[1]}@{s[2]}": s for s in _BULK_SENDERS}
        for sender in rng.sample(self.world.bulk, rng.randint(8, 14)):
            _, _, domain, kind, category, per_week, _ = specs[sender.address]
            frac = rng.uniform(0.05, 0.3) if kind == "newsletter" else rng.uniform(0.1, 0.45)
            subs = rng.sample(self.people, max(1, round(n * frac)))
            sched = random.Random(f"{self.world.seed}:org:{domain}:schedule")
            weekdays = (0, 1, 2, 3, 4) if per_week >= 5 else tuple(
                sorted(sched.sample(range(5), per_week)))
            self.subscriptions.append(_Subscription(sender, subs, weekdays,
                                                    sched.randint(9 * _HOUR, 16 * _HOUR),
                                                    category))

    # ------------------------------------------------------------------ time
    def _day_start(self, d: int) -> float:
        return EPOCH + d * _DAY - self.tz * _HOUR

    def _local_day(self, t: float) -> int:
        return int((t + self.tz * _HOUR - EPOCH) // _DAY)

    def _time_in_day(self, d: int, person: _Person | None = None) -> float:
        rng = self.rng
        cum = _WEEKEND_CUM if d % 7 >= 5 else _WORK_CUM
        hour = bisect.bisect_right(cum, rng.random() * cum[-1])
        h = hour + rng.random() + (person.shift if person is not None else 0.0)
        return self._day_start(d) + min(max(h, 0.0), 23.999) * _HOUR

    def _working_time(self, t: float, person: _Person) -> float:
        """``t``, or the next working morning when ``t`` falls outside working hours."""
        local = t + self.tz * _HOUR - EPOCH
        d = int(local // _DAY)
        hour = (local - d * _DAY) / _HOUR
        if d % 7 < 5 and 7.0 <= hour < 19.5:
            return t
        if self.rng.random() < 0.15 and person.dept in ("exec", "sales", "personal"):
            return t
        if not (d % 7 < 5 and hour < 7.0):
            d += 1
        while d % 7 >= 5:
            d += 1
        return max(t, self._day_start(d) + (self.rng.uniform(7.5, 10.5) + person.shift) * _HOUR)

    def _unusual_time(self, d: int) -> float:
        """Night (00:00-05:00 local), late evening or a weekend afternoon of local day ``d``."""
        rng = self.rng
        if d % 7 >= 5 or rng.random() < 0.75:
            hour = rng.uniform(0.5, 5.0) if rng.random() < 0.75 else rng.uniform(21.5, 23.9)
        else:
            hour = rng.uniform(12.0, 18.0)
        return self._day_start(d) + hour * _HOUR

    def _push(self, t: float, fn: Callable[..., list[_Emitted]], *args: Any) -> None:
        if t < self.now:
            # The stream's order rests on this: nothing is scheduled before the event being
            # handled (or the start of the day being scheduled).
            raise RuntimeError(f"event {fn.__name__} scheduled at {t} before {self.now}")
        heapq.heappush(self.heap, (t, next(self.seq), fn, args))

    # ------------------------------------------------------------------ the run
    def run(self) -> Iterator[_Emitted]:
        """Yield this tenant's records and labels in non-decreasing ``received_at`` order."""
        self._plan_spam()
        heap = self.heap
        for d in range(-1, self.days + 1):
            self.now = self._day_start(d)
            self._schedule_day(d)
            horizon = self._day_start(d + 1)
            while heap and heap[0][0] < horizon:
                t, _, fn, args = heapq.heappop(heap)
                self.now = t
                if self.start <= t < self.end:
                    yield from fn(t, *args)

    def _schedule_day(self, d: int) -> None:
        rng = self.rng
        wd = d % 7
        factor = _DAY_FACTOR[wd] * self.scale
        business = wd < 5
        for p in self.people:
            lam = p.activity * factor
            for _ in range(_poisson(rng, lam * _INTERNAL_RATE)):
                self._push(self._time_in_day(d, p), self._ev_internal, p)
            if p.external:
                for _ in range(_poisson(rng, lam * _OUTBOUND_RATE * p.ext_factor)):
                    self._push(self._time_in_day(d, p), self._ev_outbound, p)
                for _ in range(_poisson(rng, lam * _INBOUND_RATE * p.ext_factor)):
                    self._push(self._time_in_day(d), self._ev_inbound, p)
            for _ in range(_poisson(rng, factor * _NOTIFY_RATE)):
                self._push(self._time_in_day(d, p), self._ev_notification, p)
            since = (d - p.pw_phase) % 90
            if since in (0, 6) and d >= 0:
                self._push(self._day_start(d) + rng.uniform(5.0, 7.0) * _HOUR, self._ev_password,
                           p, 7 if since == 0 else 1)
            if p.personal is not None:
                for _ in range(_poisson(rng, 0.15 * _DAY_FACTOR[wd] + 0.05)):
                    # Personal accounts get used a little outside office hours.
                    t = self._time_in_day(d, p) + rng.uniform(-2, 3) * _HOUR
                    self._push(max(t, self.now), self._ev_exec_personal, p)
        local0 = self._day_start(d)
        for sub in self.subscriptions:
            if wd not in sub.weekdays:
                continue
            t0 = local0 + (sub.send_second + self.tz * _HOUR) % _DAY
            utc_day = int((t0 - EPOCH) // _DAY)
            issue = self._bulk_issue(sub, utc_day)
            t = t0
            for r in sub.subscribers:
                t += rng.uniform(0.05, 2.5)
                self._push(t, self._ev_bulk, sub, r, issue)
        calendar = date(2026, 1, 5) + timedelta(days=d)
        for rel in self.relations:
            if calendar.day == rel.day:
                self._push(self._day_start(d) + rng.uniform(6.0, 18.0) * _HOUR, self._ev_invoice,
                           rel, False)
        if business:
            size = len(self.people) / 80.0
            for _ in range(_poisson(rng, 0.3 * size * self.scale)):
                self._push(self._time_in_day(d), self._ev_exec_payment)
            for _ in range(_poisson(rng, 0.25 * size * self.scale)):
                self._push(self._time_in_day(d), self._ev_new_customer)
            for _ in range(_poisson(rng, 0.12 * self.scale)):
                self._push(self._time_in_day(d), self._ev_broadcast)
            for _ in range(_poisson(rng, 1.2 * size * self.scale)):
                self._push(self._time_in_day(d), self._ev_first_contact)
            for _ in range(_poisson(rng, 0.06 * len(self.relations) * self.scale)):
                rel = rng.choice(self.relations)
                if rel.last_invoice:
                    self._push(self._time_in_day(d), self._ev_invoice, rel, True)
        if d == self.mfa_day:
            self._push(self._day_start(d) + rng.uniform(9.0, 11.0) * _HOUR, self._ev_mfa_notice)
        if d == self.bank_change_day:
            rel = rng.choice(self.relations)
            self._push(self._time_in_day(d), self._ev_bank_change_legit, rel)
        self._schedule_consumer(d, wd)

    # ------------------------------------------------------------------ content
    def _slots(self, sender: _Person, to: Sequence[_Person], t: float,
               **fixed: str) -> _Slots:
        first = to[0].first if to and to[0].first else "there"
        values = {"first": first, "me": sender.first or sender.name,
                  "me_name": sender.name, "company": self.company, "_t": repr(t)}
        values.update(fixed)
        return _Slots(self._fill, values)

    def _fill(self, slots: _Slots, key: str) -> str:
        rng = self.rng
        pools: dict[str, Sequence[str]] = {
            "doc": _DOCS, "meeting": _MEETINGS, "room": _ROOMS, "day": _DAYS, "time": _TIMES,
            "system": _SYSTEMS, "phase": _PHASES, "role": _ROLES, "it_issue": _IT_ISSUES,
            "software": _SOFTWARE, "product2": _MATERIALS, "city": _CITIES, "ldoc": _LATERAL_DOCS,
            "brand": _GIFT_BRANDS, "bank": _BANKS, "product3": _CALLBACK_PRODUCTS,
            "expo": _EXPOS, "project": self.projects, "product": self.products,
        }
        if key in pools:
            return rng.choice(pools[key])
        t = float(slots["_t"])
        local = _local_dt(t, self.tz)
        if key in ("done1", "done2", "done3", "next1", "next2"):
            return rng.choice(_PROJECT_ITEMS).format_map(slots)
        if key in ("decision1", "decision2"):
            return rng.choice(_DECISIONS).format_map(slots)
        if key in ("action1", "action2"):
            return rng.choice(_ACTIONS).format_map(slots)
        if key == "client":
            return rng.choice(self.customers + self.partners).name
        if key == "vendor":
            return rng.choice(self.vendors).name
        if key == "first2":
            return rng.choice(self.people).first
        if key in ("hire", "sender_name"):
            return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        if key == "date":
            when = local + timedelta(days=rng.randint(1, 20))
            return f"{when.day} {_MONTHS[when.month - 1]}"
        if key == "due":
            when = local + timedelta(days=rng.choice((7, 10, 14, 30)))
            return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"
        if key == "month":
            return _MONTHS[(local.month - 2) % 12] if local.day < 10 else _MONTHS[local.month - 1]
        if key == "quarter":
            return rng.choice(("Q1", "Q1", "Q2", "H1", "FY26"))
        if key == "week":
            return str(local.isocalendar()[1])
        if key == "year":
            return str(local.year)
        if key == "amount":
            return f"{self.currency}{rng.randint(1_200, 98_000):,}.{rng.randint(0, 99):02d}"
        if key == "fee":
            return f"{self.currency}{rng.randint(1, 9)}.{rng.randint(10, 99)}"
        if key == "price":
            return f"${rng.choice(('299.99', '399.99', '499.00', '349.95', '599.99', '289.00'))}"
        if key == "price2":
            return str(rng.choice((79, 99, 129, 149)))
        if key == "big":
            return rng.choice(("250,000", "500,000", "1,000,000", "150,000"))
        if key == "po":
            return f"PO-{rng.randint(40_000, 89_999)}"
        if key == "inv":
            return f"INV-{local.year}-{rng.randint(1000, 9999)}"
        if key == "quote":
            return f"Q-{rng.randint(10_000, 99_999)}"
        if key == "ticket":
            return f"INC{rng.randint(100_000, 999_999):07d}"
        if key == "awb":
            return str(rng.randint(10**9, 10**10 - 1))
        if key == "n":
            return str(rng.randint(2, 9))
        if key == "n4":
            return str(rng.randint(1000, 99_999))
        if key == "count":
            return str(rng.randint(3, 40))
        if key == "percent":
            return str(rng.randint(5, 95))
        if key == "cutoff":
            return rng.choice(("2 pm", "3 pm", "noon", "4 pm", "1 pm"))
        if key == "acct":
            return str(rng.randint(10**8, 10**12 - 1))
        if key == "routing":
            return f"{rng.randint(10**8, 10**9 - 1)}"
        if key == "iban":
            return (f"{rng.choice(('GB', 'DE', 'NL', 'IE', 'LT', 'PL'))}{rng.randint(10, 99)} "
                    + " ".join(f"{rng.randint(0, 9999):04d}" for _ in range(4)))
        if key == "swift":
            return _token(rng, 4, "ABCDEFGHIJKLMNOPRSTUVWXYZ") + rng.choice(("US33", "GB2L",
                                                                            "DEFF", "2X"))
        if key == "benef":
            return (f"{rng.choice(_ORG_PREFIXES)} "
                    f"{rng.choice(('Trading Ltd', 'Holdings LLC', 'Consulting Inc', 'Advisory'))}")
        if key == "ref":
            return f"{rng.choice(('INV', 'ACQ', 'SET', 'PRJ'))}-{rng.randint(1000, 9999)}"
        if key == "email":
            return slots.get("_email", "")
        if key == "country":
            return rng.choice(("Russia", "Nigeria", "Brazil", "China", "Romania", "Vietnam",
                               "Indonesia", "Ukraine"))
        if key == "area":
            return str(rng.randint(201, 989))
        if key == "dur":
            return f"0:{rng.randint(12, 59)}"
        if key == "size":
            return str(rng.randint(2, 480))
        if key == "ldoc2":
            return rng.choice((f"{rng.choice(self.vendors).name} Master Services Agreement",
                               "Remittance Advice", "Revised Payment Schedule",
                               f"NDA - {self.company}", "Employee Agreement 2026",
                               "Invoice Approval Form"))
        if key == "tenant_domain":
            return self.domains[0]
        if key == "industry":
            return self.industry.lower()
        if key == "printer":
            return rng.choice(("RICOH MP C3004", "Canon iR-ADV C5535", "HP LaserJet MFP M528",
                               "Xerox WorkCentre 7855"))
        if key == "phone":
            return (f"+1 ({rng.choice(('844', '855', '866', '877', '888'))}) "
                    f"{rng.randint(200, 999)}-{rng.randint(1000, 9999)}")
        if key == "val":
            return rng.choice(("100", "200", "500", "250"))
        raise KeyError(key)

    def _signature(self, p: _Person, *, external: bool, short: bool) -> str:
        rng = self.rng
        closing = rng.choice(_CLOSINGS)
        if p.org.kind == "freemail":
            return rng.choice((f"{closing}\n{p.first}", f"{closing}\n{p.first}\n\nSent from my "
                               "iPhone", f"{p.first} {p.last}", f"{closing}\n{p.first} {p.last}"))
        if short and p.first:
            return f"{closing}\n{p.first}"
        lines = [closing, p.name, p.title, p.org.name]
        if p.phone:
            lines.append(p.phone)
        sig = "\n".join(lines)
        if external and p.org.disclaimer:
            sig = f"{sig}\n\n{p.org.disclaimer}"
        return sig

    def _quote(self, parent: _Sent, replier: _Person) -> str:
        dt = _local_dt(parent.t, self.tz)
        sender = parent.sender
        if replier.org.platform == "m365" or replier.client[1].startswith("Microsoft"):
            to = "; ".join(p.name for p in parent.to[:4])
            hour12 = dt.hour % 12 or 12
            return (f"From: {sender.name} <{sender.address}>\n"
                    f"Sent: {_WEEKDAY_ABBR[dt.weekday()]}, {_MONTHS[dt.month - 1]} {dt.day}, "
                    f"{dt.year} {hour12}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}\n"
                    f"To: {to}\nSubject: {parent.subject}\n\n{parent.text}")
        quoted = "\n".join(f"> {line}" if line else ">" for line in parent.text.split("\n"))
        return (f"On {_WEEKDAY_ABBR[dt.weekday()]}, {dt.day} {_MONTHS[dt.month - 1][:3]} "
                f"{dt.year} at {dt.hour:02d}:{dt.minute:02d}, {sender.name} <{sender.address}> "
                f"wrote:\n{quoted}")

    def _attachment(self, filename: str, size: int | None = None, sha: str = "") -> Attachment:
        rng = self.rng
        ext = filename.rsplit(".", 1)[-1].lower()
        if size is None:
            lo, hi = _SIZES.get(ext, (5_000, 500_000))
            size = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
        return Attachment(filename, _CONTENT_TYPES.get(ext, "application/octet-stream"), size,
                          sha or _sha256(self.tenant_id, filename, size, next(self.seq)))

    def _doc_link(self, org: _Org, title: str, dept: str) -> _Link:
        rng = self.rng
        name = title.replace(" ", "_")
        head = _slug(org.name.split()[0]) or "team"
        if dept == "eng" and rng.random() < 0.25:
            return _Link(f"https://{_slug(rng.choice(self.projects))}-{_hex(rng, 6)}.pages.dev/",
                         "preview build")
        if org.platform == "m365":
            return _Link(f"https://{head}.sharepoint.com/:{rng.choice('wxbp')}:/s/"
                         f"{rng.choice(('Finance', 'Projects', 'Operations', 'Team', 'Sales'))}/"
                         f"{_token(rng, 22)}?e={_token(rng, 6)}", title)
        if org.platform == "google":
            kind = rng.choice(("document", "spreadsheets", "presentation"))
            return _Link(f"https://docs.google.com/{kind}/d/{_token(rng, 44, _B62 + '_-')}/edit"
                         "?usp=sharing", title)
        return _Link(f"https://www.dropbox.com/scl/fi/{_token(rng, 20).lower()}/{name}.pdf"
                     f"?rlkey={_token(rng, 25).lower()}&dl=0", title)

    def _meeting_link(self, org: _Org) -> _Link:
        rng = self.rng
        if org.platform == "m365":
            return _Link("https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
                         f"{_token(rng, 48)}%40thread.v2/0", "Join the meeting now")
        if org.platform == "google":
            a = _token(rng, 3, "abcdefghijkmnopqrstuvwxyz")
            b = _token(rng, 4, "abcdefghijkmnopqrstuvwxyz")
            c = _token(rng, 3, "abcdefghijkmnopqrstuvwxyz")
            return _Link(f"https://meet.google.com/{a}-{b}-{c}", "Join with Google Meet")
        return _Link(f"https://zoom.us/j/{rng.randint(10**9, 10**11 - 1)}?pwd={_token(rng, 32)}",
                     "Join Zoom Meeting")

    def _conversation(self, topic: str, sender: _Person, to: Sequence[_Person],
                      t: float, external: bool) -> tuple[str, _Body, list[Attachment]]:
        rng = self.rng
        subjects, pools = rng.choice(_TOPIC_VARIANTS[topic])
        slots = self._slots(sender, to, t)
        subject = rng.choice(subjects).format_map(slots)
        if len(to) == 1:
            greet = rng.choice(_GREETINGS)
        else:
            greet = rng.choice(("Hi all,", "Hi team,", "Hello everyone,", "Hi {first},",
                                "All,"))
        parts: list[str | _Link] = [greet.format_map(slots)]
        for pool in pools:
            if rng.random() < 0.9:
                parts.append(rng.choice(pool).format_map(slots))
        attachments: list[Attachment] = []
        doc = slots["doc"] if "doc" in slots else rng.choice(_DOCS)
        fname = doc.replace(" ", "_").title()
        if topic == "document":
            if rng.random() < 0.4:
                parts.insert(2, self._doc_link(sender.org, doc, sender.dept))
            elif rng.random() < 0.06:
                zip_name = f"{_slug(rng.choice(self.projects))}_files.zip"
                attachments.append(self._attachment(zip_name))
                for member in (f"{fname}.docx", f"{fname}_data.xlsx", "readme.txt"):
                    attachments.append(self._attachment(f"{zip_name}/{member}"))
            else:
                ext = rng.choice(("docx", "pdf", "xlsx", "pptx"))
                attachments.append(self._attachment(f"{fname}.{ext}"))
        elif topic == "schedule" and rng.random() < 0.3:
            parts.insert(2, self._meeting_link(sender.org))
        elif topic == "finance" and rng.random() < 0.3:
            attachments.append(self._attachment(f"{fname}.{rng.choice(('xlsx', 'pdf'))}"))
        elif topic == "procurement" and rng.random() < 0.4:
            attachments.append(self._attachment(f"{slots['po']}.pdf"))
        elif topic == "sales" and rng.random() < 0.35:
            attachments.append(self._attachment(rng.choice((
                f"Proposal_{_slug(to[0].org.name.split()[0]).title()}.pdf",
                f"Quote_{rng.randint(10_000, 99_999)}.pdf", "Pricing_2026.xlsx"))))
        elif topic == "freelance" and rng.random() < 0.4:
            attachments.append(self._attachment(rng.choice((
                f"CV_{sender.first}_{sender.last}.pdf", "Timesheet.xlsx", "Notes.docx"))))
        elif topic == "support" and rng.random() < 0.3:
            attachments.append(self._attachment(rng.choice(("screenshot.png", "error_log.txt"))))
        elif topic == "project" and rng.random() < 0.1:
            attachments.append(self._attachment(f"{fname}.pptx"))
        parts.append(self._signature(sender, external=external,
                                     short=not external and rng.random() < 0.6))
        return subject, _Body(parts), attachments

    # ------------------------------------------------------------------ emission
    def _auth_for(self, org: _Org) -> AuthResults:
        spf, dkim, dmarc = org.auth
        r = self.rng.random()
        if r < 0.025 and dkim == "pass":
            spf = "fail"  # forwarded through a relay: SPF breaks, DKIM carries DMARC
        elif r < 0.03:
            spf = "temperror"
        return AuthResults(spf, dkim, dmarc)

    def _emit(self, t: float, sender: _Person, to: Sequence[_Person], cc: Sequence[_Person],
              subject: str, body: _Body, *, scenario: str, attack_type: str = "none",
              attachments: Sequence[Attachment] = (), reply_to: _Person | None = None,
              parent: _Sent | None = None, client_ip: str | None = None,
              auth: AuthResults | None = None, headers: dict[str, str] | None = None,
              direction: str | None = None, return_path: str | None = None,
              topic: str = "", client: tuple[str, str] | None = None
              ) -> tuple[_Emitted, _Sent]:
        rng = self.rng
        org = sender.org
        mid = _message_id(rng, org)
        if parent is not None and not body.quote and rng.random() < 0.85:
            body.quote = self._quote(parent, sender)
            body.quote_urls = parent.urls
        text, html, urls = _render(body, org.html, rng)
        own = org is self.org
        if direction is None:
            if own:
                internal = all(p.org is self.org for p in itertools.chain(to, cc))
                direction = "internal" if internal else "outbound"
            else:
                direction = "inbound"
        if auth is None:
            auth = {"internal": self.internal_auth, "outbound": _NO_AUTH}.get(direction) or (
                self._auth_for(org))
        if client_ip is None:
            use_home = own and sender.home_net and rng.random() < 0.22
            client_ip = _ip(rng, sender.home_net if use_home else rng.choice(org.networks))
        if return_path is None:
            return_path = (f"bounce-{_hex(rng, 10)}@{org.mx_host}" if org.platform == "esp"
                           else sender.address)
        hdrs: dict[str, str] = {}
        mailer = sender.client if client is None else client
        if mailer[0]:
            hdrs[mailer[0]] = mailer[1]
        if headers:
            hdrs.update(headers)
        refs: tuple[str, ...] = ()
        in_reply_to = ""
        if parent is not None:
            in_reply_to = parent.mid
            refs = (*parent.refs, parent.mid)[-10:]
        record = MailRecord(
            message_id=mid, tenant_id=self.tenant_id, direction=direction,  # type: ignore[arg-type]
            received_at=round(t, 3), sender=sender.mailbox(),
            to=tuple(p.mailbox() for p in to), cc=tuple(p.mailbox() for p in cc),
            reply_to=(reply_to.mailbox(),) if reply_to is not None else (),
            return_path=return_path, subject=subject, text=text, html=html, urls=urls,
            attachments=tuple(attachments), auth=auth, client_ip=client_ip,
            in_reply_to=in_reply_to, references=refs, headers=hdrs)
        label = Label(mid, self.tenant_id, "ham" if attack_type == "none" else "attack",
                      attack_type, scenario)
        sent = _Sent(mid, subject, refs, sender, tuple(to), tuple(cc), text[:1200], t,
                     parent.depth + 1 if parent is not None else 0, topic, scenario,
                     tuple(u.url for u in urls), reply_to)
        if own:
            for p in itertools.chain(to, cc):
                self.pairs.add((sender.address, p.address))
        if attack_type == "none":
            for p in itertools.chain((sender,), to):
                if p.org.kind == "vendor":
                    self.vendor_threads[p.org.domain] = sent
                    break
            if direction == "inbound" and org.kind in ("vendor", "customer", "partner"):
                self.recent_external.append(sent)
        return (record, label), sent

    # ------------------------------------------------------------------ ham threads
    def _replyable(self, p: _Person) -> bool:
        if p.org is self.org:
            return p.dept != "system"
        return p.org.kind in ("vendor", "customer", "partner", "freemail", "prospect")

    def _maybe_reply(self, sent: _Sent, base: float) -> None:
        rng = self.rng
        if sent.depth >= 7 or rng.random() >= base * 0.55 ** sent.depth:
            return
        candidates = [p for p in sent.to if p is not sent.sender and self._replyable(p)]
        if not candidates:
            return
        replier = candidates[0] if rng.random() < 0.75 else rng.choice(candidates)
        delay = min(max(rng.lognormvariate(math.log(2400.0), 1.1), 90.0), 3.0 * _DAY)
        t = self._working_time(sent.t + delay, replier)
        if t < self.end:
            self._push(t, self._ev_reply, sent, replier)

    def _ev_reply(self, t: float, parent: _Sent, replier: _Person) -> list[_Emitted]:
        rng = self.rng
        to = [parent.reply_to or parent.sender]
        cc: list[_Person] = []
        if rng.random() < 0.35:
            cc = [p for p in (*parent.to, *parent.cc)
                  if p is not replier and p is not parent.sender][:6]
        slots = self._slots(replier, to, t)
        parts: list[str | _Link] = []
        external = any(p.org is not replier.org for p in (*to, *cc))
        fillers: tuple[str, ...] = ()
        if parent.scenario == "business_local_language" and self.local_lang:
            _, greetings, _, closings, replies = _BUSINESS_LOCAL[self.local_lang]
            parts.append(rng.choice(greetings).format_map(slots))
            parts.append(" ".join(rng.sample(replies, rng.choice((1, 1, 2)))))
            parts.append(f"{rng.choice(closings)}\n{replier.first or replier.name}")
            fillers = _LOCAL_FILLERS[self.local_lang]
        else:
            if rng.random() < 0.55:
                parts.append(rng.choice(_GREETINGS[:3]).format_map(slots))
            picked = rng.sample(_REPLIES, rng.choice((1, 1, 2)))
            parts.append(" ".join(line.format_map(slots) for line in picked))
            parts.append(self._signature(replier, external=external,
                                         short=rng.random() < 0.7))
        body = _Body(parts, self._quote(parent, replier), parent.urls, fillers=fillers)
        attachments = []
        if parent.topic in ("document", "finance") and rng.random() < 0.15:
            attachments.append(self._attachment(f"{rng.choice(_DOCS).replace(' ', '_')}_v"
                                                f"{rng.randint(2, 5)}.docx"))
        out, sent = self._emit(t, replier, to, cc, f"Re: {_strip_re(parent.subject)}", body,
                               scenario=parent.scenario, parent=parent, topic=parent.topic,
                               attachments=attachments)
        base = 0.5 if out[0].direction == "internal" else 0.55
        self._maybe_reply(sent, base)
        return [out]

    def _pick(self, people: list[_Person], cum: list[float], k: int) -> list[_Person]:
        chosen: list[_Person] = []
        for _ in range(k * 2):
            p = self.rng.choices(people, cum_weights=cum)[0]
            if p not in chosen:
                chosen.append(p)
            if len(chosen) == k:
                break
        return chosen

    def _topic_for(self, p: _Person) -> str:
        topics, weights = _TOPIC_BY_DEPT[p.dept]
        return self.rng.choices(topics, weights)[0]

    @staticmethod
    def _external_topic(org: _Org, rng: random.Random) -> str:
        options = {"customer": (("sales", "support", "schedule", "document"), (5, 2, 2, 1)),
                   "vendor": (("procurement", "schedule", "document", "finance"), (6, 2, 1, 1)),
                   "partner": (("partner", "schedule", "document", "project"), (4, 3, 2, 2)),
                   "freemail": (("freelance", "schedule", "document"), (6, 2, 1)),
                   "prospect": (("sales", "schedule"), (3, 1))}
        topics, weights = options.get(org.kind, (("schedule",), (1,)))
        return rng.choices(topics, weights)[0]

    def _ev_internal(self, t: float, sender: _Person) -> list[_Emitted]:
        rng = self.rng
        if rng.random() < 0.04:
            to = [rng.choice([p for p in self.people if p is not sender])]
        else:
            k = rng.choices((1, 2, 3, 4, 6), (60, 20, 10, 6, 4))[0]
            to = self._pick(sender.contacts, sender.contact_cum, k)
        cc: list[_Person] = []
        if rng.random() < 0.18 and sender.manager is not None and sender.manager not in to:
            cc.append(sender.manager)
        topic = self._topic_for(sender)
        if topic == "payroll_q":
            payroll = [p for p in self.payroll if p is not sender]
            if payroll:
                to, cc = [rng.choice(payroll)], []
            else:
                topic = "schedule"
        scenario = "normal"
        if self.local_lang and topic != "payroll_q" and rng.random() < 0.35:
            scenario = "business_local_language"
            subject, body, attachments = self._local_conversation(sender, to, t, external=False)
        else:
            subject, body, attachments = self._conversation(topic, sender, to, t,
                                                            external=False)
        out, sent = self._emit(t, sender, to, cc, subject, body, scenario=scenario, topic=topic,
                               attachments=attachments)
        self._maybe_reply(sent, 0.5)
        return [out]

    def _ev_outbound(self, t: float, sender: _Person) -> list[_Emitted]:
        rng = self.rng
        ext = rng.choices(sender.external, cum_weights=sender.external_cum)[0]
        to = [ext]
        if rng.random() < 0.25 and len(ext.org.people) > 1:
            other = rng.choice(ext.org.people)
            if other is not ext:
                to.append(other)
        cc: list[_Person] = []
        if rng.random() < 0.2 and sender.contacts:
            cc.append(rng.choices(sender.contacts, cum_weights=sender.contact_cum)[0])
        topic = self._external_topic(ext.org, rng)
        scenario = "normal"
        if self.local_lang and ext.org.kind != "freemail" and rng.random() < 0.25:
            scenario = "business_local_language"
            subject, body, attachments = self._local_conversation(sender, to, t, external=True)
        else:
            subject, body, attachments = self._conversation(topic, sender, to, t, external=True)
        out, sent = self._emit(t, sender, to, cc, subject, body, scenario=scenario, topic=topic,
                               attachments=attachments)
        self._maybe_reply(sent, 0.55)
        return [out]

    def _ev_inbound(self, t: float, employee: _Person) -> list[_Emitted]:
        rng = self.rng
        ext = rng.choices(employee.external, cum_weights=employee.external_cum)[0]
        to = [employee]
        cc: list[_Person] = []
        if rng.random() < 0.15 and employee.contacts:
            cc.append(rng.choices(employee.contacts, cum_weights=employee.contact_cum)[0])
        topic = self._external_topic(ext.org, rng)
        scenario = "normal"
        if self.local_lang and ext.org.kind != "freemail" and rng.random() < 0.25:
            scenario = "business_local_language"
            subject, body, attachments = self._local_conversation(ext, to, t, external=True)
        else:
            subject, body, attachments = self._conversation(topic, ext, to, t, external=True)
        out, sent = self._emit(t, ext, to, cc, subject, body, scenario=scenario, topic=topic,
                               attachments=attachments)
        self._maybe_reply(sent, 0.55)
        return [out]

    # ------------------------------------------------------------------ bulk and systems
    def _bulk_issue(self, sub: _Subscription, utc_day: int) -> dict[str, Any]:
        """One issue of a newsletter: identical in every tenant that receives it that day."""
        r = random.Random(f"{self.world.seed}:issue:{sub.sender.address}:{utc_day}")
        heads = _HEADLINES[sub.category]
        items = [h.replace("{city}", r.choice(_CITIES))
                 for h in r.sample(heads, min(len(heads), r.randint(3, 5)))]
        name = sub.sender.name
        if sub.sender.title == "newsletter":
            subject = r.choice((items[0], f"{name}: {items[0]}", f"This week: {items[0]}",
                                f"{items[0]} + {len(items) - 1} more stories"))
        else:
            subject = r.choice((items[0], f"{items[0]} - this week only",
                                f"New for you: {items[0]}", f"{name} | {items[0]}"))
        return {"subject": subject, "items": items, "issue": f"{utc_day:04d}{r.randint(10, 99)}"}

    def _ev_bulk(self, t: float, sub: _Subscription, recipient: _Person,
                 issue: dict[str, Any]) -> list[_Emitted]:
        rng = self.rng
        sender = sub.sender
        dom = sender.org.domain
        user = _token(rng, 22)
        newsletter = sender.title == "newsletter"
        parts: list[str | _Link] = [
            _Link(f"https://view.{dom}/?i={issue['issue']}&u={user}", "View in browser"),
            issue["subject"]]
        if sub.category in ("promo", "travel"):
            blurbs: tuple[str, ...] = (
                "Shop the full range online.", "Limited availability.",
                "Members get free delivery on orders over $50.",
                "Offer valid while supplies last.", "Book by Sunday to lock in the price.")
        elif sub.category in ("saas", "events"):
            blurbs = ("See what's new and how teams are using it.",
                      "Registration takes less than a minute.",
                      "Watch the recording or read the summary.",
                      "Available today on all plans.")
        else:
            blurbs = ("Read the full story to see what it means for your team.",
                      "Our analysis of the numbers behind the headline.",
                      "Three takeaways for busy leaders.", "Plus: what to watch next week.",
                      "Five minutes that will make your Monday meeting easier.")
        for item in issue["items"]:
            parts.append(_Link(f"https://click.{dom}/ls/click?upn={_token(rng, 40, _B62 + '-_')}",
                               item))
            parts.append(rng.choice(blurbs))
        parts.append(f"You are receiving this email because {recipient.address} subscribed to "
                     f"{sender.name}. {sender.name}, {rng.randint(10, 999)} Market Street, "
                     f"Suite {rng.randint(100, 900)}, {rng.choice(_CITIES)}.")
        unsubscribe = f"https://{dom}/unsubscribe?u={user}&l={issue['issue']}"
        parts.append(_Link(unsubscribe, "Unsubscribe"))
        parts.append(_Link(f"https://{dom}/preferences?u={user}", "Manage preferences"))
        headers = {"List-Unsubscribe": f"<{unsubscribe}>, <mailto:unsubscribe@{dom}"
                                       f"?subject=unsubscribe-{user}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                   "List-Id": f"{sender.name} <{'news' if newsletter else 'offers'}.{dom}>"}
        body = _Body(parts, bulk=True, title=issue["subject"],
                     pixel=f"https://click.{dom}/o/{user}")
        reply_rng = random.Random(f"{self.world.seed}:org:{dom}:reply-to")
        reply_to = None
        if reply_rng.random() < 0.35:
            reply_to = _Person("", "", f"{reply_rng.choice(('editors', 'hello', 'reply'))}@{dom}",
                               "", "bulk", sender.org, display=sender.name)
        out, _ = self._emit(t, sender, [recipient], [], issue["subject"], body,
                            scenario="newsletter", headers=headers, reply_to=reply_to)
        return [out]

    def _service_sender(self, key: str) -> _Person:
        if key == "jira":
            head = _slug(self.company.split()[0])
            domain = f"{head}.atlassian.net"
            rng = random.Random(f"{self.world.seed}:org:{domain}")
            org = _Org("Jira", domain, "bulk", "esp",
                       tuple(f"{b}.{rng.randrange(256)}" for b in ("18.234", "13.52")),
                       ("pass", "pass", "pass"), mx_host=f"mail-{rng.randint(1, 9)}.atlassian.net")
            return _Person("", "", f"jira@{domain}", "jira", "bulk", org, display="Jira")
        return self.world.services[key]

    def _ev_notification(self, t: float, emp: _Person) -> list[_Emitted]:
        rng = self.rng
        keys, weights = _SERVICE_BY_DEPT[emp.dept]
        key = rng.choices(keys, weights)[0]
        if key in ("microsoft", "msaccount") and self.org.platform != "m365":
            key = "zoom"
        base = self._service_sender(key)
        sender = base
        slots = self._slots(base, [emp], t)
        head = _slug(self.company.split()[0])
        tok = _token(rng, 24)
        extra: list[str] = []
        if key == "zoom":
            subject = rng.choice(("Meeting reminder: {meeting}", "Cloud Recording - {meeting} is "
                                  "now available", "{sender_name} has invited you to a Zoom "
                                  "meeting")).format_map(slots)
            lines = ["Hi {first},".format_map(slots),
                     "Your cloud recording is now available, or the meeting you were invited to "
                     "starts soon. Details are below."]
            link = _Link(f"https://{head}.zoom.us/rec/share/{tok}", "View recording")
            extra = ["Zoom Video Communications, Inc. 55 Almaden Blvd, San Jose, CA 95113"]
        elif key == "docusign":
            who = rng.choice([p for o in self.customers + self.vendors for p in o.people])
            sender = _Person("", "", base.address, "docusign", "bulk", base.org,
                             display=f"{who.name} via DocuSign")
            slots["sender_name"] = who.name
            subject = rng.choice(("Please DocuSign: {ldoc2}", "Completed: {ldoc2}",
                                  "{sender_name} sent you a document to review and sign"
                                  )).format_map(slots)
            lines = ["{sender_name} sent you a document to review and sign.".format_map(slots),
                     f"{who.name}\n{who.address}\n\nPlease review and sign the attached "
                     "agreement at your earliest convenience. Thank you."]
            uuid = _hex(rng, 32)
            link = _Link(f"https://na3.docusign.net/Signing/EmailStart.aspx?a={uuid}&etti=24"
                         f"&acct={_hex(rng, 32)}&er={_hex(rng, 32)}", "REVIEW DOCUMENT")
            extra = ["Do Not Share This Email: This email contains a secure link to DocuSign. "
                     "Please do not share this email, link, or access code with others.",
                     "About DocuSign: Sign documents electronically in just minutes. It's safe, "
                     "secure, and legally binding."]
        elif key in ("microsoft", "msaccount"):
            if key == "microsoft":
                subject = rng.choice(("Message center major update: service changes this month",
                                      "Weekly digest: Microsoft service updates",
                                      "Your Microsoft 365 subscription renews soon"))
                link = _Link("https://admin.microsoft.com/AdminPortal/home#/MessageCenter?id=MC"
                             f"{rng.randint(100_000, 999_999)}", "View in Message center")
            else:
                subject = rng.choice(("Microsoft account security info was added",
                                      "New sign-in to your Microsoft account",
                                      "Microsoft account security code"))
                link = _Link("https://account.live.com/activity", "Review recent activity")
            lines = ["Hello {first},".format_map(slots),
                     "This notification is about your organisation's Microsoft 365 tenant. "
                     "Review the details and plan any changes with your administrators."]
            extra = ["Microsoft Corporation, One Microsoft Way, Redmond, WA 98052",
                     "This message was sent from an unmonitored email address."]
        elif key == "linkedin":
            subject = rng.choice(("{sender_name} sent you a message",
                                  "You appeared in {count} searches this week",
                                  "{sender_name} wants to connect")).format_map(slots)
            lines = ["Hi {first},".format_map(slots),
                     "You have new activity on LinkedIn: messages, invitations and profile "
                     "views from people in your network."]
            link = _Link(f"https://www.linkedin.com/comm/messaging/thread/{tok}/", "View message")
            extra = ["This email was intended for you. Learn why we included this.",
                     "LinkedIn Corporation, 1000 West Maude Avenue, Sunnyvale, CA 94085"]
        elif key in ("github", "jira"):
            n = rng.randint(12, 4800)
            if key == "github":
                repo = f"{head}/{_slug(rng.choice(self.projects))}"
                subject = f"[{repo}] {rng.choice(_PROJECT_ITEMS).format_map(slots)} (PR #{n})"
                link = _Link(f"https://github.com/{repo}/pull/{n}", f"#{n}")
            else:
                code = _slug(rng.choice(self.projects))[:4].upper()
                subject = (f"[JIRA] ({code}-{n}) "
                           f"{rng.choice(_PROJECT_ITEMS).format_map(slots).capitalize()}")
                link = _Link(f"https://{head}.atlassian.net/browse/{code}-{n}", f"{code}-{n}")
            lines = [f"{slots['sender_name']} commented:",
                     rng.choice(_REPLIES).format_map(slots)]
            extra = ["You are receiving this because you are watching this item.",
                     "Reply to this email directly or view it in the browser."]
        elif key in ("dhl", "fedex"):
            awb = slots["awb"]
            if key == "dhl":
                subject = f"DHL On Demand Delivery: your shipment {awb} is on its way"
                link = _Link("https://www.dhl.com/us-en/home/tracking/tracking-express.html"
                             f"?tracking-id={awb}", "Track your shipment")
            else:
                subject = f"FedEx Shipment {awb}: {rng.choice(('Delivered', 'On the way'))}"
                link = _Link(f"https://www.fedex.com/fedextrack/?trknbr={awb}", "Track package")
            lines = ["Hello,", f"Shipment {awb} from {rng.choice(self.vendors).name} is on its "
                     f"way to your {rng.choice(_CITIES)} site. Estimated delivery: "
                     f"{slots['date']}."]
            extra = ["Please do not reply to this automated message.",
                     "Delivery times are estimates and may change."]
        elif key == "slack":
            channel = rng.choice(("general", "ops", "sales-team", "random", "finance",
                                  _slug(rng.choice(self.projects))))
            subject = f"{rng.randint(2, 30)} new messages in #{channel}"
            lines = ["Hi {first},".format_map(slots),
                     "You have unread messages and mentions in your Slack workspace."]
            link = _Link(f"https://{head}.slack.com/messages/{tok}", "Open Slack")
            extra = ["Slack Technologies, 500 Howard Street, San Francisco, CA 94105"]
        elif key == "dropbox":
            who = rng.choice(self.people)
            subject = f"{who.name} shared \"{slots['doc']}\" with you"
            lines = [f"{who.name} ({who.address}) invited you to view the folder "
                     f"\"{slots['doc']}\" on Dropbox."]
            link = _Link(f"https://www.dropbox.com/scl/fo/{tok.lower()}?rlkey="
                         f"{_token(rng, 25).lower()}&dl=0", "Go to folder")
            extra = ["Enjoy!", "The Dropbox team"]
        else:  # concur
            subject = rng.choice(("Expense report approved: {month} travel",
                                  "Action required: expense report pending approval",
                                  "Your expense report has been sent for payment"
                                  )).format_map(slots)
            lines = ["Dear {first},".format_map(slots),
                     f"The expense report \"{slots['month']} expenses\" for {slots['amount']} "
                     "has changed status."]
            link = _Link(f"https://www.concursolutions.com/nui/expense/report/{tok}",
                         "View report")
            extra = ["This is an automated message from SAP Concur."]
        body = _Body([*lines, link, *extra], bulk=True, title=subject)
        reply_to = None
        if key == "docusign":
            reply_to = who
        elif key == "github":
            reply_to = _Person("", "", f"reply+{_hex(rng, 40)}@reply.github.com", "", "bulk",
                               base.org, display="GitHub")
        out, _ = self._emit(t, sender, [emp], [], subject, body, scenario="notification",
                            headers={"Auto-Submitted": "auto-generated"}, reply_to=reply_to)
        return [out]

    def _ev_password(self, t: float, emp: _Person, days_left: int) -> list[_Emitted]:
        rng = self.rng
        host, path = self.idp
        slots = self._slots(self.it_desk, [emp], t)
        local = _local_dt(t, self.tz) + timedelta(days=days_left)
        when = f"{local.day} {_MONTHS[local.month - 1]} {local.year}"
        subject = rng.choice((f"Your password will expire in {days_left} day"
                              f"{'s' if days_left > 1 else ''}", "Password expiration notice",
                              f"Action required: your password expires on {when}"))
        parts: list[str | _Link] = [
            "Hello {first},".format_map(slots),
            f"The password for your account {emp.address} will expire on {when}. To keep "
            "access to email, VPN and business applications, change it before then.",
            "Change your password in the self-service portal:",
            _Link(f"https://{host}{path}", "Change password"),
            "If you are working remotely, connect to the VPN first. IT will never ask you for "
            "your password by email or phone; if in doubt, call the service desk.",
            f"{self.it_desk.name}\n{self.company}\next. {rng.randint(2000, 2999)}"]
        out, _ = self._emit(t, self.it_desk, [emp], [], subject, _Body(parts),
                            scenario="password_reset_notice",
                            headers={"Auto-Submitted": "auto-generated"})
        return [out]

    def _ev_mfa_notice(self, t: float) -> list[_Emitted]:
        """All-staff MFA notice from IT: a legitimate fan-out with a sign-in link."""
        rng = self.rng
        host = self.idp[0]
        link = ("https://aka.ms/mfasetup" if self.org.platform == "m365"
                else f"https://{host}/mfa/enroll")
        local = _local_dt(t, self.tz) + timedelta(days=rng.choice((7, 10, 14)))
        when = f"{local.day} {_MONTHS[local.month - 1]}"
        subject = rng.choice((f"Action required: set up multi-factor authentication by {when}",
                              "Important: MFA enrollment for all staff",
                              "Security update: enroll in multi-factor authentication"))
        batches = [self.people[i:i + 50] for i in range(0, len(self.people), 50)]
        # Batches leave the mail server seconds apart; each is its own event so the stream
        # stays in time order.
        for n, batch in enumerate(batches[1:], 1):
            self._push(t + n * rng.uniform(1.0, 4.0), self._ev_mfa_batch, batch, subject, when,
                       link)
        return self._ev_mfa_batch(t, batches[0], subject, when, link)

    def _ev_mfa_batch(self, t: float, batch: list[_Person], subject: str, when: str,
                      link: str) -> list[_Emitted]:
        parts: list[str | _Link] = [
            "Hello all,",
            f"To protect {self.company} accounts, multi-factor authentication becomes "
            f"mandatory on {when}. After that date you will not be able to sign in to email "
            "or remote access without it.",
            "Enrollment takes about five minutes. Sign in with your work account and follow "
            "the prompts to register the authenticator app:",
            _Link(link, "Set up MFA"),
            "Questions? Reply to this message or call the service desk. We will never ask "
            "for your password or a code by email.",
            f"{self.it_desk.name}\n{self.company}"]
        out, _ = self._emit(t, self.it_desk, batch, [], subject, _Body(parts),
                            scenario="password_reset_notice")
        return [out]

    def _ev_exec_personal(self, t: float, exec_: _Person) -> list[_Emitted]:
        rng = self.rng
        personal = exec_.personal
        assert personal is not None
        to = [rng.choice(self.assistants)] if self.assistants and rng.random() < 0.7 else [exec_]
        slots = self._slots(personal, to, t)
        subject = rng.choice(("Fwd: flight confirmation", "Board dinner {day}",
                              "Can you print this for tomorrow", "Itinerary for {city}",
                              "Receipts for expenses", "Notes for the {meeting}",
                              "Fwd: hotel booking {city}")).format_map(slots)
        parts: list[str | _Link] = [
            rng.choice(("Hi {first},", "{first},", "")).format_map(slots) or "Hi,",
            rng.choice(("Can you add this to my calendar and print two copies for {day}?",
                        "Forwarding from my personal account, the hotel sent it there. Please "
                        "file it with the {city} trip.",
                        "Please submit these with my {month} expenses.",
                        "Sending from my phone, my laptop is in for repair. Can you bring the "
                        "{doc} to the {meeting}?")).format_map(slots),
            rng.choice(("No rush, tomorrow morning is fine.", "I'll be back in the office on "
                        "{day}.", "Call me if anything is unclear, I'm on my mobile.",
                        "Also please move my 1:1 with {first2} to later in the week.")
                       ).format_map(slots),
            f"Thanks,\n{exec_.first}\n\nSent from my iPhone"]
        attachments = []
        if rng.random() < 0.5:
            attachments.append(self._attachment(rng.choice(("Itinerary.pdf", "Receipt.pdf",
                                                            "Boarding_pass.pdf",
                                                            "Booking_confirmation.pdf"))))
        out, sent = self._emit(t, personal, to, [], subject, _Body(parts),
                               scenario="exec_personal_account", attachments=attachments)
        self._maybe_reply(sent, 0.5)
        return [out]

    def _invoice_number(self, rel: _Relation, year: int) -> str:
        style = rel.vendor.invoice_style
        return (f"INV-{rel.seq:06d}", f"{rel.seq:07d}", f"IN{year}{rel.seq:05d}",
                f"{year}-{rel.seq:05d}")[style]

    def _ev_invoice(self, t: float, rel: _Relation, reminder: bool) -> list[_Emitted]:
        rng = self.rng
        v = rel.vendor
        sender = v.billing or v.people[0]
        local = _local_dt(t, self.tz)
        if reminder:
            inv = rel.last_invoice
            amount = rel.amount
        else:
            rel.seq += 1
            inv = self._invoice_number(rel, local.year)
            rel.last_invoice = inv
            amount = rel.amount * rng.uniform(0.85, 1.2)
        amount_s = f"{self.currency}{amount:,.2f}"
        due = local + timedelta(days=rel.terms)
        due_s = f"{due.day} {_MONTHS[due.month - 1]} {due.year}"
        slots = self._slots(sender, rel.recipients, t)
        bank, last4 = v.bank.split("|")
        pay = _Link(f"https://{v.portal}/invoice/{_token(rng, 16)}", "View and pay online")
        if reminder:
            subject = rng.choice((f"Payment reminder: invoice {inv}", f"Reminder: invoice {inv} "
                                  "is due", f"Overdue notice - {inv}",
                                  f"Statement of account - {self.company}"))
            parts: list[str | _Link] = [
                rng.choice(("Dear {first},", "Hello,", "Dear Customer,")).format_map(slots),
                f"Our records show that invoice {inv} for {amount_s} remains unpaid. If you "
                "have already sent payment, please disregard this message.",
                "You can view the invoice and pay online:", pay,
                "Please contact us if there is an issue with the invoice so we can resolve it "
                "quickly.", self._signature(sender, external=True, short=False)]
            attachments = ([self._attachment(f"Statement_{local.year}{local.month:02d}.pdf")]
                           if rng.random() < 0.5 else [])
        else:
            subject = (f"Invoice {inv} from {v.name}", f"{v.name} - Invoice {inv}",
                       f"Your invoice {inv} is ready", f"Invoice {inv} - {self.company}"
                       )[v.invoice_style]
            parts = [
                rng.choice(("Dear {first},", "Hello,", "Dear Customer,", "Hi {first},"
                            )).format_map(slots),
                f"Please find attached invoice {inv} dated {local.day} {_MONTHS[local.month - 1]}"
                f" for {amount_s}. Payment terms are net {rel.terms} days; the invoice is due on "
                f"{due_s}.",
                f"Payment by bank transfer to our account with {bank} ending {last4}, as shown "
                "on the invoice. Please quote the invoice number as the payment reference.",
                pay,
                "If you have any questions about this invoice, reply to this email.",
                self._signature(sender, external=True, short=False)]
            fname = (f"{inv}.pdf", f"Invoice_{inv}.pdf", f"{_slug(v.name)}_invoice_{inv}.pdf",
                     f"INVOICE-{inv}.pdf")[v.invoice_style]
            attachments = [self._attachment(fname)]
        reply_to = None
        if sender is not v.people[0] and v.invoice_style % 2 == 1:
            reply_to = v.people[0]
        out, sent = self._emit(t, sender, rel.recipients, [], subject, _Body(parts),
                               scenario="vendor_invoice_legit", attachments=attachments,
                               topic="finance", reply_to=reply_to)
        rel.last_t = t
        self._maybe_reply(sent, 0.15)
        return [out]

    def _ev_bank_change_legit(self, t: float, rel: _Relation) -> list[_Emitted]:
        rng = self.rng
        v = rel.vendor
        sender = v.billing or v.people[0]
        slots = self._slots(sender, rel.recipients, t)
        new_bank = rng.choice([b for b in _BANKS if b != v.bank.split("|")[0]])
        parts: list[str | _Link] = [
            rng.choice(("Dear {first},", "Dear valued customer,")).format_map(slots),
            f"As part of our move to {new_bank}, our remittance details will change for "
            f"payments made after {slots['due']}. Invoices issued from that date will show the "
            "new account.",
            "To protect you from payment fraud, please do not update our details based on this "
            "email alone. Our accounts team will call your accounts payable contact on the "
            "number we have on file, and the change is also visible in our supplier portal:",
            _Link(f"https://{v.portal}/account/remittance", "Supplier portal"),
            "A signed letter on company letterhead is attached for your records.",
            self._signature(sender, external=True, short=False)]
        out, sent = self._emit(t, sender, rel.recipients, [],
                               f"Notice: change of bank details for {v.name}", _Body(parts),
                               scenario="vendor_bank_change_legit", topic="finance",
                               attachments=[self._attachment("Bank_Details_Change_Notice.pdf")])
        self._maybe_reply(sent, 0.6)
        return [out]

    def _ev_exec_payment(self, t: float) -> list[_Emitted]:
        rng = self.rng
        exec_ = rng.choices((self.ceo, self.cfo, self.coo), (3, 5, 2))[0]
        finance = [p for p in self.ap if p is not exec_] or self.finance
        to = [rng.choice(finance)]
        cc = [self.cfo] if exec_ is not self.cfo and rng.random() < 0.4 else []
        slots = self._slots(exec_, to, t)
        subject = rng.choice(("Payment to {vendor}", "Wire for {vendor} - approved",
                              "Urgent: {vendor} payment", "Please release the {vendor} invoice",
                              "Payment run this week", "{vendor} invoice")).format_map(slots)
        parts: list[str | _Link] = [
            rng.choice(_GREETINGS[:3]).format_map(slots),
            rng.choice((
                "Can you make sure the {amount} payment to {vendor} goes out in this week's run? "
                "I've approved it in {system}.",
                "Please prioritise the {vendor} invoice, they've chased twice and we need them "
                "for {project}.",
                "I need the wire to {vendor} released today if possible; the PO is {po} and it "
                "has been approved.",
                "Quick one: did the {vendor} payment go out? Their finance director called me "
                "this morning.")).format_map(slots),
            rng.choice(("We agreed the terms in last week's {meeting}.",
                        "The invoice has been in the AP inbox since {day}.",
                        "{vendor} is critical for the {project} timeline.",
                        "It's within the budget we approved for {quarter}.")).format_map(slots),
            rng.choice(("Bank details as on file, nothing has changed.",
                        "Let me know if anything's missing on the approval.",
                        "Thanks for turning this around quickly.")),
            self._signature(exec_, external=False, short=True)]
        out, sent = self._emit(t, exec_, to, cc, subject, _Body(parts),
                               scenario="exec_internal_payment", topic="finance")
        self._maybe_reply(sent, 0.75)
        return [out]

    def _ev_new_customer(self, t: float) -> list[_Emitted]:
        rng = self.rng
        target = rng.choice(self.sales)
        if rng.random() < 0.3:
            person = self._freemail_person(rng.choice(_EXTERNAL_TITLES))
            org_name = rng.choice(("my company", "our family business", "our clinic"))
        else:
            name = f"{rng.choice(_ORG_PREFIXES)} {rng.choice(_CUSTOMER_INDUSTRIES)}"
            domain = _domain_for(rng, name)
            if domain in self.world.domains:
                domain = f"{_slug(name)}{rng.randint(2, 99)}.com"
            person = self.world.external_org(name, domain, "prospect").people[0]
            org_name = name
        slots = self._slots(person, [target], t)
        subject = rng.choice(("Inquiry about {product}", "Request for quote",
                              "Interested in your services", "Question about pricing",
                              "{product} for our {count} sites", "New supplier inquiry"
                              )).format_map(slots)
        source = rng.choice(("a colleague's recommendation", "your website", "LinkedIn",
                             "the trade show last year", "a Google search"))
        parts: list[str | _Link] = [
            rng.choice(("Hello,", "Hi {first},", "Good afternoon,", "Dear Sales Team,"
                        )).format_map(slots),
            f"My name is {person.name} and I work at {org_name}. We found {self.company} through"
            f" {source} and are looking for a supplier of {slots['product']} for our "
            f"{slots['count']} locations.",
            "Could you send pricing, typical lead times and a point of contact for a call next "
            "week?",
            f"We would like to make a decision by the end of {slots['month']}.",
            self._signature(person, external=True, short=False)]
        if person.org.kind != "freemail" and rng.random() < 0.5:
            parts.insert(-1, _Link(f"https://www.{person.org.domain}/", "our website"))
        out, sent = self._emit(t, person, [target], [], subject, _Body(parts),
                               scenario="new_customer_inquiry", topic="sales")
        target.external.append(person)
        target.external_cum = _zipf_cum(len(target.external), 1.0)
        self._maybe_reply(sent, 0.85)
        return [out]

    def _ev_first_contact(self, t: float) -> list[_Emitted]:
        """A legitimate sender the tenant has never heard from: successor, newcomer, applicant."""
        rng = self.rng
        r = rng.random()
        attachments: list[Attachment] = []
        if r < 0.45:
            org = rng.choice(self.vendors + self.customers + self.partners)
            taken = {p.address for p in org.people}
            person = _person(rng, org, rng.choice(_EXTERNAL_TITLES), org.kind, taken)
            person.client = rng.choice(org.people).client
            linked = [p for p in self.people if any(q.org is org for q in p.external)]
            to = rng.sample(linked, min(len(linked), rng.randint(1, 3))) or [rng.choice(
                self.staff)]
            old = rng.choice([p for p in org.people if p is not org.billing] or org.people)
            slots = self._slots(person, to, t)
            subject = rng.choice((f"Introduction - your new contact at {org.name}",
                                  f"{org.name}: account handover", "Introduction",
                                  f"Taking over from {old.first}"))
            body = [rng.choice(_GREETINGS[:5]).format_map(slots),
                    f"I'm {person.first}, the new {person.title} at {org.name}. I've taken over "
                    f"your account from {old.name}, who has moved to another role within the "
                    "company, and I'll be your main contact from now on.",
                    f"{old.first} has briefed me on the open items, including the "
                    f"{slots['project']} work. Could we set up a short call next week to "
                    "introduce ourselves?",
                    self._signature(person, external=True, short=False)]
            for p in to:
                p.external.append(person)
                p.external_cum = _zipf_cum(len(p.external), 1.0)
        elif r < 0.8:
            name = f"{rng.choice(_ORG_PREFIXES)} {rng.choice(_VENDOR_INDUSTRIES)}"
            domain = _domain_for(rng, name)
            if domain in self.world.domains:
                domain = f"{_slug(name)}{rng.randint(2, 99)}.com"
            person = self.world.external_org(name, domain, "prospect").people[0]
            target = rng.choice(self.people)
            to = [target]
            slots = self._slots(person, to, t)
            subject = rng.choice((f"{name} x {self.company}", "Quick introduction",
                                  f"Partnership opportunity with {name}",
                                  "Invitation: {industry} roundtable in {city}",
                                  "Following up on the {city} conference")).format_map(slots)
            body = [rng.choice(_GREETINGS[:5]).format_map(slots),
                    rng.choice((
                        f"I lead partnerships at {name}. We work with several companies in the "
                        f"{self.industry.lower()} sector on {slots['product2']} and I think there"
                        " could be a fit with your team.",
                        f"We met briefly at the conference in {slots['city']} last month and "
                        f"you suggested I get in touch about {slots['project']}.",
                        f"{slots['first2']} from your team suggested I reach out to you "
                        "directly about our services.")),
                    "Would you be open to a 20-minute call next week? Happy to work around your "
                    "schedule.", self._signature(person, external=True, short=False)]
        else:
            person = self._freemail_person("")
            target = rng.choice([p for p in self.people if p.dept == "hr"] or self.people)
            to = [target]
            slots = self._slots(person, to, t)
            subject = rng.choice(("Application for the {role} position", "Job application - "
                                  "{role}", "Open application", "Referral from {first2}"
                                  )).format_map(slots)
            body = [rng.choice(("Dear Hiring Manager,", "Hello {first},", "Dear {first},")
                               ).format_map(slots),
                    f"I'm writing to apply for the {slots['role']} position at {self.company}. "
                    f"I have {rng.randint(2, 15)} years of experience in similar roles and I'm "
                    "excited about the opportunity.",
                    "My CV and a short cover letter are attached. I'm available for a call at "
                    "your convenience.", self._signature(person, external=True, short=False)]
            attachments.append(self._attachment(f"CV_{person.first}_{person.last}.pdf"))
            if rng.random() < 0.5:
                attachments.append(self._attachment("Cover_Letter.docx"))
        out, sent = self._emit(t, person, to, [], subject, _Body(list(body)),
                               scenario="first_contact_legit", attachments=attachments)
        self._maybe_reply(sent, 0.5)
        return [out]

    def _ev_broadcast(self, t: float) -> list[_Emitted]:
        rng = self.rng
        hr = next((p for p in self.people if p.title == "HR Manager"), self.ceo)
        it = next((p for p in self.people if p.title == "IT Manager"), self.ceo)
        sender = rng.choices((self.ceo, hr, it, self.coo), (3, 3, 2, 2))[0]
        everyone = [p for p in self.people if p is not sender]
        if rng.random() < 0.4:
            everyone = [p for p in everyone if p.dept == sender.dept] or everyone
        slots = self._slots(sender, everyone, t)
        if sender is it:
            subject = rng.choice(("Planned maintenance {day} evening",
                                  "Reminder: laptop updates this week",
                                  "New VPN client rollout")).format_map(slots)
            body = ("We will apply updates to the email and file servers on {day} from 19:00. "
                    "Expect short interruptions; save your work and log off before you leave.")
        elif sender is hr:
            subject = rng.choice(("Welcome {hire} to the team!",
                                  "Reminder: benefits enrollment closes {date}",
                                  "Holiday schedule", "Team offsite in {month}")).format_map(slots)
            body = ("Please join me in welcoming {hire}, who joins us as {role}. Details about "
                    "benefits enrollment and the offsite are on the intranet.")
        else:
            subject = rng.choice(("All-hands on {day} at {time}", "Q1 kickoff", "Office update",
                                  "Thank you for a strong start to the year")).format_map(slots)
            body = ("Thank you all for the work on {project} this month. We'll walk through the "
                    "{quarter} priorities at the all-hands on {day} at {time}; bring questions.")
        parts: list[str | _Link] = [rng.choice(("Hi all,", "Hello everyone,", "Team,")),
                                    body.format_map(slots),
                                    self._signature(sender, external=False, short=False)]
        out, _ = self._emit(t, sender, everyone, [], subject, _Body(parts), scenario="normal")
        return [out]

    # ------------------------------------------------------------------ attacks: planning
    def _attack_budget(self) -> float:
        expected = sum(len(self.people) * 4.0 * self.scale * _DAY_FACTOR[d % 7]
                       for d in range(self.warmup_days, self.days))
        return self.attack_rate * expected

    def _post_day(self, business: bool = True) -> int:
        days = list(range(self.warmup_days, self.days))
        if business:
            days = [d for d in days if d % 7 < 5] or days
        return self.rng.choice(days)

    def _clamp(self, t: float) -> float:
        return max(self.warm_end + 60.0, min(t, self.end - 3 * _HOUR))

    def _attacker_net(self) -> str:
        known = set(self.org.networks)
        known.update(p.home_net for p in self.people)
        for _ in range(20):
            # Bulletproof/foreign hosting, ordinary cloud hosting that legitimate senders also
            # use, or residential proxies next to employees' own home networks.
            pool = self.rng.choices((_ATTACKER_BLOCKS, _HOSTING_BLOCKS, _RESIDENTIAL_BLOCKS),
                                    (45, 35, 20))[0]
            net = _net(self.rng, pool)
            if net not in known:
                return net
        return net

    def _attacker_org(self, name: str, domain: str, auth: tuple[str, str, str],
                      platform: str | None = None, networks: int = 1) -> _Org:
        rng = self.rng
        platform = platform or rng.choices(("plain", "m365", "google"), (70, 15, 15))[0]
        if platform == "plain":
            client = rng.choices((_PHPMAILER, _CLIENTS[0], _CLIENTS[2], ("", "")),
                                 (30, 20, 5, 45))[0]
        else:
            client = _client_for(rng, platform)
        return _Org(name, domain, "attacker", platform,
                    tuple(self._attacker_net() for _ in range(networks)), auth,
                    mx_host=_m365_server(rng) if platform == "m365" else f"mail.{domain}",
                    id_style=rng.randrange(2), html=platform != "plain" or rng.random() < 0.8,
                    client=client)

    def _compromised_domain(self) -> str:
        rng = self.rng
        w1 = rng.choice(("hillside", "greenleaf", "mountainview", "baker", "riverside", "sunset",
                         "oakwood", "lakeside", "maple", "bright", "valley", "pine", "golden",
                         "stjohns", "westend", "kingsway"))
        w2 = rng.choice(("dental", "realty", "plumbing", "church", "bakery", "autorepair", "law",
                         "cpa", "roofing", "florist", "vet", "fitness", "academy", "hvac",
                         "photo", "travel"))
        tld = rng.choice(("com", "com", "net", "org", "co", "com.br", "co.za", "in", "com.au",
                          "pl", "it"))
        return f"{w1}{w2}.{tld}"

    def _fresh_domain(self, brandish: str = "") -> str:
        rng = self.rng
        words = rng.sample(_PHISH_WORDS, 2)
        head = brandish or words[0]
        sep = rng.choice(("-", "", "-"))
        num = str(rng.randint(1, 99)) if rng.random() < 0.25 else ""
        return f"{head}{sep}{words[1]}{num}.{rng.choice(_PHISH_TLDS)}"

    def _phish_url(self, strategy: str, brand: str, recipient: str) -> str:
        """A credential-page URL: host by ``strategy``, a login-style path, a session token."""
        rng = self.rng
        path = rng.choice(_PHISH_PATHS)
        if strategy == "ip":
            base = f"http://{_ip(rng, self._attacker_net())}"
        elif strategy == "punycode":
            label = rng.choice(_BRAND_HOMOGLYPHS).encode("idna").decode("ascii")
            base = f"https://{label}{rng.choice(('-login', '-secure', '', ''))}."\
                   f"{rng.choice(('com', 'net', 'online', 'app'))}"
        elif strategy == "abused":
            host = rng.choice(_ABUSED_HOSTS)
            sub = f"{rng.choice(_PHISH_WORDS)}-{_hex(rng, 6)}"
            if host == "r2.dev":
                sub = f"pub-{_hex(rng, 32)}"
            if rng.random() < 0.2:
                base = f"https://storage.googleapis.com/{sub}"
            elif rng.random() < 0.15:
                head = self._compromised_domain().split(".")[0]
                base = (f"https://{head}-my.sharepoint.com/:b:/g/personal/"
                        f"{_slug(rng.choice(_FIRST_NAMES))}_{head}_com")
                path = "/"
            else:
                base = f"https://{sub}.{host}"
        else:
            brandish = {"microsoft": "m365", "docusign": "docusign", "dhl": "dhl-parcel",
                        "sharepoint": "sharepoint", "wetransfer": "wetransfer"}.get(brand, "")
            base = f"https://{self._fresh_domain(brandish if rng.random() < 0.5 else '')}"
        tok = _token(rng, rng.randint(8, 24))
        if path.endswith("/"):
            url = f"{base}{path}{tok}/"
            sep = "?"
        else:
            url = f"{base}{path}?{rng.choice(('id', 'session', 'token', 'sid', 'ref'))}={tok}"
            sep = "&"
        r = rng.random()
        if recipient and r < 0.3:
            url += f"{sep}email={recipient}"
        elif recipient and r < 0.45:
            url += "#" + base64.b64encode(recipient.encode()).decode("ascii")
        return url

    def _plan_spam(self) -> None:
        rng = self.rng
        for wave in self.waves:
            count = wave.counts[self.index]
            times = sorted(wave.start + rng.uniform(0.0, wave.duration) for _ in range(count))
            recipients = rng.sample(self.people, min(count, len(self.people)))
            for i, t in enumerate(times):
                self._push(t, self._atk_spam, wave, recipients[i % len(recipients)])

    def plan_campaign(self, scenario: str, budget_left: float) -> float:
        """Schedule one campaign of ``scenario``; returns about how many messages it sends.

        Spray campaigns are sized to at most half the budget left (never below their
        minimum), so a small budget buys several small campaigns rather than one large one.
        """
        self.size_cap = max(1, int(budget_left / 2))
        planners: dict[str, Callable[[], float]] = {
            "exec_impersonation_freemail": self._plan_bec,
            "gift_card": self._plan_gift_card,
            "payroll_diversion": self._plan_payroll,
            "vendor_lookalike_bank_change": self._plan_lookalike,
            "vendor_compromise_invoice": self._plan_vendor_compromise,
            "lateral_phishing": self._plan_lateral,
            "credential_phish_brand": self._plan_brand_phish,
            "malware_lure": self._plan_malware,
            "callback_scam": self._plan_callback,
        }
        return planners[scenario]()

    # ------------------------------------------------------------------ BEC family
    def _freemail_impostor(self, victim: _Person, display: str) -> _Person:
        rng = self.rng
        org = rng.choices(self.world.freemail, (60, 15, 4, 10, 5, 3, 3, 0))[0]
        f, lst = _slug(victim.first), _slug(victim.last)
        n = rng.randint(1, 99)
        local = rng.choice((f"{f}.{lst}.{rng.choice(('ceo', 'office', 'exec', 'private'))}",
                            f"{f}{lst}{n}", f"{f[0]}{lst}.{_slug(self.company.split()[0])}",
                            f"{f}.{lst}{n}", f"{lst}.{f}{n}", f"{f}{lst}.mobile",
                            f"{f}.{lst}"))
        return _Person(victim.first, victim.last, f"{local}@{org.domain}", victim.title,
                       "attacker", org, display=display,
                       client=rng.choice((("", ""), _CLIENTS[3], ("", ""))))

    def _impostor_display(self, victim: _Person) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.8:
            return victim.name
        if r < 0.9 and victim.dept == "exec":
            return f"{victim.name} ({''.join(w[0] for w in victim.title.split()[:3])})"
        if r < 0.9:
            return victim.name
        return f"{victim.name} - {self.company}"

    def _bec_campaign(self, scenario: str, victim: _Person, targets: list[_Person]) -> float:
        rng = self.rng
        attacker = self._freemail_impostor(victim, self._impostor_display(victim))
        reply_to = None
        if rng.random() < 0.3:
            reply_to = self._freemail_impostor(victim, attacker.display)
        camp = _Campaign(scenario, attacker, reply_to, impersonated=victim)
        day = self._post_day()
        if rng.random() < 0.75:
            t0 = self._day_start(day) + rng.uniform(7.5, 16.5) * _HOUR
        else:
            t0 = self._day_start(day) + rng.choice((rng.uniform(5.5, 7.5),
                                                    rng.uniform(17.5, 22.0))) * _HOUR
        t0 = self._clamp(t0)
        for i, target in enumerate(targets):
            self._push(t0 + i * rng.uniform(30.0, 1200.0), self._atk_bec_open, camp, target)
        return 1.8 * len(targets)

    def _plan_bec(self) -> float:
        rng = self.rng
        victim = rng.choices((self.ceo, self.cfo, self.coo), (5, 3, 1))[0]
        pool = [p for p in self.ap + self.finance + self.assistants if p is not victim]
        targets = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3))))
        return self._bec_campaign("exec_impersonation_freemail", victim, targets)

    def _plan_gift_card(self) -> float:
        rng = self.rng
        victim = rng.choice(self.execs + [p.manager for p in self.staff if p.manager])
        reports = [p for p in self.people if p.manager is victim and p.dept != "finance"]
        pool = reports if len(reports) >= 2 else [p for p in self.staff if p is not victim]
        targets = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
        return self._bec_campaign("gift_card", victim, targets)

    def _plan_payroll(self) -> float:
        rng = self.rng
        victim = rng.choice([p for p in self.people if p.dept not in ("exec", "hr")])
        targets = rng.sample(self.payroll, min(len(self.payroll), rng.choice((1, 1, 2))))
        return self._bec_campaign("payroll_diversion", victim, targets)

    def _bec_parts(self, camp: _Campaign, stage: str, slots: _Slots) -> list[str | _Link]:
        rng = self.rng
        victim = camp.impersonated
        assert victim is not None
        scenario = camp.scenario
        if scenario == "payroll_diversion":
            sign = rng.choice((f"Thanks,\n{victim.first}", victim.name,
                               f"Best,\n{victim.first}\n\nSent from my iPhone",
                               f"Thank you,\n{victim.name}"))
            if stage == "probe":
                return [rng.choice(_GREETINGS[:2]).format_map(slots),
                        rng.choice(_PAYROLL_ASKS).format_map(slots), sign]
            if stage == "full":
                return [rng.choice(_GREETINGS[:2]).format_map(slots),
                        rng.choice(_PAYROLL_ASKS).format_map(slots),
                        rng.choice(_PAYROLL_DETAILS).format_map(slots), sign]
            if stage == "details":
                return [rng.choice(_PAYROLL_DETAILS).format_map(slots), sign]
            return [rng.choice(("Just checking whether you received my email about my direct "
                                "deposit?", "Any update on changing my bank account before "
                                "payroll?")), sign]
        sign = rng.choice(_EXEC_SIGNOFFS).format_map(slots)
        if stage == "probe":
            return [rng.choice(("Hi {first},", "{first},", "Hello {first},")).format_map(slots),
                    rng.choice(_BEC_PROBES), sign]
        if stage == "nudge":
            return [rng.choice(("Did you get my last email? I need this handled today.",
                                "Following up - are you able to take care of this now?",
                                "Please confirm you've seen my message, it's time-sensitive.")),
                    sign]
        if scenario == "gift_card":
            parts: list[str | _Link] = [rng.choice(_GIFT_REQUESTS).format_map(slots),
                                        rng.choice(_GIFT_INSTRUCTIONS)]
            if rng.random() < 0.5:
                parts.append(rng.choice(_BEC_UNAVAILABLE))
        else:
            parts = [rng.choice(_BEC_REQUESTS).format_map(slots)]
            if stage == "details" or rng.random() < 0.5:
                parts.append("Beneficiary: {benef}\nBank: {bank}\nAccount number: {acct}\n"
                             "SWIFT: {swift}\nReference: {ref}".format_map(slots))
            if rng.random() < 0.6:
                parts.append(rng.choice(_BEC_SECRECY).format_map(slots))
            if rng.random() < 0.6:
                parts.append(rng.choice(_BEC_UNAVAILABLE))
            parts.append(rng.choice(_BEC_ACTIONS))
        if stage == "full":
            parts.insert(0, rng.choice(("Hi {first},", "{first},", "Hello {first}, hope your day "
                                        "is going well.", "Good morning {first},")
                                       ).format_map(slots))
        parts.append(sign)
        return parts

    def _bec_slots(self, camp: _Campaign, target: _Person, t: float) -> _Slots:
        victim = camp.impersonated
        assert victim is not None
        fixed = camp.data.setdefault("slots", {})
        slots = self._slots(camp.attacker, [target], t, exec_first=victim.first,
                            exec_name=victim.name, emp_first=victim.first, **fixed)
        for key in ("amount", "bank", "acct", "routing", "swift", "benef", "brand", "val"):
            if key not in fixed:
                fixed[key] = slots[key]
        return slots

    def _atk_bec_open(self, t: float, camp: _Campaign, target: _Person) -> list[_Emitted]:
        rng = self.rng
        two_step = rng.random() < 0.55
        slots = self._bec_slots(camp, target, t)
        if camp.scenario == "payroll_diversion":
            subject = rng.choice(_PAYROLL_SUBJECTS)
        elif camp.scenario == "gift_card":
            subject = rng.choice(("Quick task", "Are you available?", "Favor", "Request",
                                  "Need a favor", "Quick request"))
        else:
            subject = rng.choice(_BEC_SUBJECTS)
        parts = self._bec_parts(camp, "probe" if two_step else "full", slots)
        out, sent = self._emit(t, camp.attacker, [target], [], subject, _Body(parts),
                               scenario=camp.scenario, attack_type=camp.attack_type,
                               reply_to=camp.reply_to)
        if rng.random() < (0.6 if two_step else 0.25):
            delay = min(rng.lognormvariate(math.log(900.0), 0.9), 6 * _HOUR)
            self._push(self._working_time(t + delay, target), self._atk_victim_reply, camp, sent,
                       target)
        elif rng.random() < 0.4:
            self._push(t + rng.uniform(1.5, 5.0) * _HOUR, self._atk_followup, camp, sent, target,
                       "nudge")
        return [out]

    def _atk_victim_reply(self, t: float, camp: _Campaign, parent: _Sent,
                          victim: _Person) -> list[_Emitted]:
        """The targeted employee answers the attacker: ham, but part of the attack thread."""
        rng = self.rng
        attacker = parent.reply_to or parent.sender
        slots = self._bec_slots(camp, victim, t) if camp.impersonated else self._slots(
            victim, [attacker], t)
        slots["first"] = attacker.first or "there"
        if camp.scenario == "payroll_diversion":
            text = rng.choice(_HR_VICTIM_REPLIES).format_map(slots)
        elif camp.scenario == "vendor_lookalike_bank_change":
            text = rng.choice((
                "Thanks {first}. Could you send the new details on your letterhead? We need it "
                "for our vendor file.",
                "Received, thank you. I've passed this to our controller for approval.",
                "Thanks for letting us know. Which invoices does this apply to?")
            ).format_map(slots)
        else:
            text = rng.choice(_VICTIM_REPLIES).format_map(slots)
        parts: list[str | _Link] = [text, self._signature(victim, external=True, short=True)]
        out, sent = self._emit(t, victim, [attacker], [], f"Re: {_strip_re(parent.subject)}",
                               _Body(parts), scenario="victim_reply", parent=parent)
        if rng.random() < 0.9:
            self._push(t + rng.uniform(8.0, 60.0) * 60.0, self._atk_followup, camp, sent, victim,
                       "details")
        return [out]

    def _atk_followup(self, t: float, camp: _Campaign, parent: _Sent, victim: _Person,
                      stage: str) -> list[_Emitted]:
        if t >= self.end:
            return []
        if camp.scenario == "vendor_lookalike_bank_change":
            return self._atk_lookalike(t, camp, [victim], "letter" if stage == "details"
                                       else "chaser", parent)
        slots = self._bec_slots(camp, victim, t)
        parts = self._bec_parts(camp, stage, slots)
        out, _ = self._emit(t, camp.attacker, [victim], [], f"Re: {_strip_re(parent.subject)}",
                            _Body(parts), scenario=camp.scenario, attack_type=camp.attack_type,
                            reply_to=camp.reply_to, parent=parent)
        return [out]

    # ------------------------------------------------------------------ vendor fraud
    def _lookalike(self, domain: str) -> str:
        rng = self.rng
        label, _, tld = domain.partition(".")
        glyphs = (("m", "rn"), ("w", "vv"), ("l", "1"), ("o", "0"), ("i", "l"), ("d", "cl"),
                  ("g", "q"), ("e", "c"), ("n", "m"))
        for _ in range(40):
            how = rng.choice(("swap", "glyph", "drop", "double", "hyphen", "tld", "word"))
            lab, new_tld = label, tld
            if how == "swap" and len(lab) > 4:
                i = rng.randrange(1, len(lab) - 2)
                lab = lab[:i] + lab[i + 1] + lab[i] + lab[i + 2:]
            elif how == "glyph":
                options = [(a, b) for a, b in glyphs if a in lab]
                if options:
                    a, b = rng.choice(options)
                    at = [i for i, c in enumerate(lab) if c == a]
                    i = rng.choice(at)
                    lab = lab[:i] + b + lab[i + 1:]
            elif how == "drop" and len(lab) > 5:
                i = rng.randrange(1, len(lab) - 1)
                lab = lab[:i] + lab[i + 1:]
            elif how == "double":
                i = rng.randrange(1, len(lab) - 1)
                lab = lab[:i] + lab[i] + lab[i:]
            elif how == "hyphen":
                if "-" in lab:
                    lab = lab.replace("-", "", 1)
                elif len(lab) > 6:
                    i = rng.randrange(3, len(lab) - 3)
                    lab = f"{lab[:i]}-{lab[i:]}"
            elif how == "tld":
                new_tld = rng.choice(("co", "net", "org", "us", "cm", "com.co", "biz", "email",
                                      "com"))
            elif how == "word":
                lab = f"{lab}-{rng.choice(('billing', 'invoices', 'accounts', 'payments', 'ap'))}"
            candidate = f"{lab}.{new_tld}"
            if (candidate != domain and candidate not in self.world.domains
                    and not lab.startswith("-") and "--" not in lab):
                return candidate
        return f"{label}-billing.{tld}"

    def _known_vendor_contact(self) -> tuple[_Org, _Person, list[_Person]]:
        """A vendor contact that has corresponded with this tenant, and the employees involved.

        Fraudsters impersonate (or take over) people their victims already deal with, so the
        identity is picked from real vendor threads at attack time; before any thread exists
        it falls back to an invoicing vendor's billing contact and the AP team.
        """
        rng = self.rng
        threads = list(self.vendor_threads.values())
        if threads:
            thread = rng.choice(threads)
            people = (thread.sender, *thread.to, *thread.cc)
            contact = next(p for p in people if p.org.kind == "vendor")
            staff = [p for p in people if p.org is self.org]
            return contact.org, contact, staff or list(self.ap)
        rel = rng.choice(self.relations)
        v = rel.vendor
        return v, v.billing or v.people[0], list(rel.recipients) or list(self.ap)

    def _plan_lookalike(self) -> float:
        rng = self.rng
        camp = _Campaign("vendor_lookalike_bank_change", _Person("", "", "", "", "attacker",
                                                                 self.org))
        t0 = self._clamp(self._day_start(self._post_day()) + rng.uniform(7.0, 18.0) * _HOUR)
        self._push(t0, self._atk_lookalike_start, camp)
        return 2.5

    def _atk_lookalike_start(self, t: float, camp: _Campaign) -> list[_Emitted]:
        rng = self.rng
        v, real, targets = self._known_vendor_contact()
        domain = self._lookalike(v.domain)
        auth = rng.choices((("pass", "pass", "none"), ("pass", "pass", "pass"),
                            ("pass", "none", "none"), ("none", "none", "none")),
                           (45, 25, 15, 15))[0]
        org = self._attacker_org(v.name, domain, auth,
                                 rng.choices(("m365", "google", "plain"), (35, 25, 40))[0])
        org.disclaimer = v.disclaimer
        org.phone = v.phone
        local = real.address.split("@", 1)[0]
        camp.attacker = _Person(real.first, real.last, f"{local}@{domain}", real.title,
                                "attacker", org, display=real.display, phone=real.phone,
                                client=_client_for(rng, org.platform))
        camp.vendor = v
        rel = next((r for r in self.relations if r.vendor is v), None)
        camp.data["inv"] = (rel.last_invoice if rel is not None and rel.last_invoice
                            else f"INV-{rng.randint(10_000, 99_999)}")
        return self._atk_lookalike(t, camp, targets[:3], "open", None)

    def _atk_lookalike(self, t: float, camp: _Campaign, targets: list[_Person], stage: str,
                       parent: _Sent | None) -> list[_Emitted]:
        rng = self.rng
        v = camp.vendor
        assert v is not None
        attacker = camp.attacker
        fixed = camp.data.setdefault("slots", {})
        slots = self._slots(attacker, targets, t, vendor=v.name, inv=camp.data["inv"], **fixed)
        for key in ("bank", "acct", "iban", "swift", "routing", "due"):
            fixed.setdefault(key, slots[key])
        attachments: list[Attachment] = []
        sig = self._signature(attacker, external=True, short=False)
        if stage == "open":
            thread = self.vendor_threads.get(v.domain)
            if thread is not None and rng.random() < 0.35:
                parent = thread
                subject = f"Re: {_strip_re(thread.subject)}"
            else:
                subject = rng.choice(_BANK_CHANGE_SUBJECTS).format_map(slots)
            parts: list[str | _Link] = [
                rng.choice(("Dear {first},", "Hello {first},", "Hi {first}, I hope you're well.",
                            "Good morning,")).format_map(slots),
                rng.choice(_BANK_CHANGE_OPENINGS).format_map(slots)]
            if rng.random() < 0.7:
                parts.append("Bank name: {bank}\nAccount name: {vendor}\nAccount number: {acct}"
                             "\nRouting/Sort code: {routing}\nIBAN: {iban}\nSWIFT/BIC: {swift}"
                             .format_map(slots))
            else:
                parts.append("The new account details are in the attached confirmation letter.")
                attachments.append(self._attachment(rng.choice((
                    "Bank_Change_Letter.pdf", "Updated_Remittance_Details.pdf",
                    f"{_slug(v.name)}_bank_details.pdf"))))
            parts += [rng.choice(_BANK_CHANGE_CLOSINGS), sig]
        elif stage == "chaser":
            subject = f"Re: {_strip_re(parent.subject)}" if parent else "Following up"
            parts = [rng.choice(("Hi {first},", "Hello,", "Dear {first},")).format_map(slots),
                     rng.choice(_BANK_CHASERS).format_map(slots), sig]
        else:  # letter
            subject = f"Re: {_strip_re(parent.subject)}" if parent else "Bank confirmation"
            parts = [rng.choice(("Hi {first},", "Dear {first},")).format_map(slots),
                     "Please find the signed confirmation letter attached. The account details "
                     "are as follows:",
                     "Bank name: {bank}\nAccount number: {acct}\nIBAN: {iban}\nSWIFT/BIC: {swift}"
                     .format_map(slots),
                     "Kindly confirm once updated so the pending invoices can be settled.", sig]
            attachments.append(self._attachment("Bank_Confirmation_Letter.pdf"))
        out, sent = self._emit(t, attacker, targets, [], subject, _Body(parts),
                               scenario=camp.scenario, attack_type=camp.attack_type,
                               attachments=attachments, parent=parent)
        if stage == "open":
            if rng.random() < 0.3:
                delay = rng.uniform(0.5, 6.0) * _HOUR
                self._push(self._working_time(t + delay, targets[0]), self._atk_victim_reply,
                           camp, sent, targets[0])
            elif rng.random() < 0.6:
                delay = rng.uniform(1.0, 3.0) * _DAY
                self._push(self._working_time(t + delay, targets[0]), self._atk_followup, camp,
                           sent, targets[0], "chaser")
        return [out]

    def _plan_vendor_compromise(self) -> float:
        rng = self.rng
        if rng.random() < 0.6:
            host = (f"{rng.choice(('docs', 'share', 'files', 'view', 'secure', 'cloud', 'drive'))}"
                    f"{rng.choice(('-', ''))}"
                    f"{rng.choice(('portal', 'vault', 'hub', 'box', 'access', 'doc', 'point'))}"
                    f"{rng.randint(1, 99) if rng.random() < 0.3 else ''}."
                    f"{rng.choice(_PHISH_TLDS)}")
            link_base = f"https://{host}{rng.choice(('/s/', '/file/', '/d/', '/view/'))}"
        else:
            link_base = self._phish_url("abused", "sharepoint", "").split("?")[0]
            link_base = link_base.rstrip("/").rsplit("/", 1)[0] + "/"
        camp = _Campaign("vendor_compromise_invoice", _Person("", "", "", "", "attacker",
                                                              self.org))
        camp.data.update(net=self._attacker_net(), link=link_base, htm=rng.random() < 0.25)
        day = self._post_day(business=False)
        if rng.random() < 0.55:
            t0 = self._unusual_time(day)
        else:
            t0 = self._day_start(day) + rng.uniform(8.0, 17.0) * _HOUR
        n_messages = rng.randint(2, max(2, min(8, self.size_cap)))
        self._push(self._clamp(t0), self._atk_compromise_start, camp, n_messages)
        return float(n_messages)

    def _atk_compromise_start(self, t: float, camp: _Campaign, n_messages: int
                              ) -> list[_Emitted]:
        """Take over a vendor contact the tenant knows and mail its contacts there."""
        rng = self.rng
        v, sender, involved = self._known_vendor_contact()
        camp.attacker = sender
        camp.vendor = v
        camp.data["client"] = rng.choice((("", ""), sender.client))
        vendor_addrs = {p.address for p in v.people}
        if v.billing is not None:
            vendor_addrs.add(v.billing.address)
        known = [p for p in self.people if any(q.address in vendor_addrs for q in p.external)]
        targets = list(dict.fromkeys(involved + known + self.ap))
        others = [p for p in rng.sample(self.people, rng.randint(0, 4)) if p not in targets]
        targets = targets[:rng.randint(3, 10)] + others
        chunks: list[list[_Person]] = []
        i = 0
        while i < len(targets) and len(chunks) < n_messages:
            k = rng.choice((1, 1, 2, 3))
            chunks.append(targets[i:i + k])
            i += k
        out = self._atk_compromise(t, camp, chunks[0])
        for n, chunk in enumerate(chunks[1:], 1):
            self._push(t + n * rng.uniform(60.0, 600.0), self._atk_compromise, camp, chunk)
        return out

    def _atk_compromise(self, t: float, camp: _Campaign, targets: list[_Person]
                        ) -> list[_Emitted]:
        rng = self.rng
        v = camp.vendor
        assert v is not None
        sender = camp.attacker
        slots = self._slots(sender, targets, t, vendor=v.name)
        parent = None
        thread = self.vendor_threads.get(v.domain)
        if thread is not None and rng.random() < 0.3:
            parent = thread
            subject = f"Re: {_strip_re(thread.subject)}"
        else:
            subject = rng.choice(_COMPROMISE_SUBJECTS).format_map(slots)
        parts: list[str | _Link] = [
            rng.choice(("Hello {first},", "Hi {first},", "Dear {first},", "Good day,",
                        "Hello,")).format_map(slots),
            rng.choice(_COMPROMISE_BODIES).format_map(slots)]
        attachments: list[Attachment] = []
        url = f"{camp.data['link']}{_token(rng, 12)}"
        if camp.data["htm"]:
            attachments.append(self._attachment(f"INV_{slots['inv']}_{_slug(v.name)}.htm"))
            parts.append("Open the attached secure document to view the invoice.")
        else:
            parts.append(_Link(url, rng.choice(_COMPROMISE_ANCHORS)))
        if rng.random() < 0.6:
            parts.append(rng.choice(_COMPROMISE_BANK_LINES))
        parts.append(self._signature(sender, external=True, short=False))
        spf, dkim, dmarc = v.auth
        if rng.random() < 0.3:
            spf = "softfail"
        out, _ = self._emit(t, sender, targets, [], subject, _Body(parts),
                            scenario=camp.scenario, attack_type=camp.attack_type,
                            attachments=attachments, parent=parent,
                            client_ip=_ip(rng, camp.data["net"]),
                            auth=AuthResults(spf, dkim, dmarc), client=camp.data["client"])
        return [out]

    # ------------------------------------------------------------------ account takeover
    def _plan_lateral(self) -> float:
        rng = self.rng
        victim = rng.choice([p for p in self.people if p.dept != "exec"])
        n_rcpt = rng.randint(12, max(12, min(60, len(self.people) - 1)))
        n_msgs = rng.choice((1, 1, 2, 3))
        strategy = rng.choices(("new", "abused", "punycode"), (55, 35, 10))[0]
        camp = _Campaign("lateral_phishing", victim)
        camp.data.update(net=self._attacker_net(), strategy=strategy, used=set(),
                         ldoc=rng.choice(_LATERAL_DOCS),
                         url=self._phish_url(strategy, "sharepoint", ""))
        day = self._post_day(business=False)
        t0 = self._unusual_time(day) if rng.random() < 0.65 else (
            self._day_start(day) + rng.uniform(8.0, 18.0) * _HOUR)
        t0 = self._clamp(t0)
        per = max(1, n_rcpt // n_msgs)
        for i in range(n_msgs):
            self._push(t0 + i * rng.uniform(30.0, 400.0), self._atk_lateral, camp, per)
        extra = 0.0
        if victim.external and rng.random() < 0.4:
            self._push(t0 + rng.uniform(300.0, 1800.0), self._atk_lateral_out, camp)
            extra = 1.0
        return n_msgs + extra

    def _lateral_parts(self, camp: _Campaign, t: float, to: Sequence[_Person]
                       ) -> tuple[str, list[str | _Link]]:
        rng = self.rng
        victim = camp.attacker
        slots = self._slots(victim, to, t, ldoc=camp.data["ldoc"])
        subject = rng.choice(_LATERAL_SUBJECTS).format_map(slots)
        parts: list[str | _Link] = [
            rng.choice(("Hi all,", "Hello team,", "Good evening,", "Hi,", "Hello,")),
            rng.choice(_LATERAL_BODIES).format_map(slots),
            _Link(camp.data["url"], rng.choice(("Open document", "View file", "Review document",
                                                camp.data["ldoc"]))),
            rng.choice(_LATERAL_AFTER),
            rng.choice(("Please complete this before the end of the week.",
                        "Thanks for your cooperation.",
                        "Let me know once you've reviewed it.",
                        "Reach out to me directly if you have questions.")),
            self._signature(victim, external=False, short=rng.random() < 0.3)]
        return subject, parts

    def _atk_lateral(self, t: float, camp: _Campaign, k: int) -> list[_Emitted]:
        rng = self.rng
        victim = camp.attacker
        used: set[str] = camp.data["used"]
        fresh = [p for p in self.people if p is not victim and p.address not in used
                 and (victim.address, p.address) not in self.pairs]
        known = [p for p in self.people if p is not victim and p.address not in used
                 and (victim.address, p.address) in self.pairs]
        chosen = rng.sample(fresh, min(k, len(fresh)))
        if len(chosen) < k:
            chosen += rng.sample(known, min(k - len(chosen), len(known)))
        used.update(p.address for p in chosen)
        if not chosen:
            return []
        subject, parts = self._lateral_parts(camp, t, chosen)
        if rng.random() < 0.3:
            to, cc = [victim], chosen
        else:
            to, cc = chosen, []
        out, _ = self._emit(t, victim, to, cc, subject, _Body(parts), scenario=camp.scenario,
                            attack_type=camp.attack_type, client_ip=_ip(rng, camp.data["net"]),
                            client=("", ""))
        return [out]

    def _atk_lateral_out(self, t: float, camp: _Campaign) -> list[_Emitted]:
        rng = self.rng
        victim = camp.attacker
        to = rng.sample(victim.external, min(len(victim.external), rng.randint(3, 15)))
        subject, parts = self._lateral_parts(camp, t, to)
        out, _ = self._emit(t, victim, to, [], subject, _Body(parts), scenario=camp.scenario,
                            attack_type=camp.attack_type, client_ip=_ip(rng, camp.data["net"]),
                            client=("", ""))
        return [out]

    # ------------------------------------------------------------------ phishing and malware
    def _plan_brand_phish(self) -> float:
        rng = self.rng
        brand = rng.choices(list(_PHISH_BRANDS), (30, 20, 12, 14, 8, 6, 10))[0]
        spoof = brand in ("microsoft", "helpdesk", "voicemail", "sharepoint") and (
            rng.random() < 0.15)
        if spoof:
            domain = self.domains[0]
            auth = rng.choice((("fail", "none", "fail"), ("softfail", "none", "fail")))
            locals_: tuple[str, ...] = ("it-support", "helpdesk", "no-reply", "postmaster",
                                        "admin")
        else:
            domain = self._compromised_domain() if rng.random() < 0.53 else self._fresh_domain()
            auth = rng.choices((("fail", "none", "fail"), ("softfail", "none", "none"),
                                ("none", "none", "none"), ("pass", "none", "none"),
                                ("pass", "pass", "none"), ("neutral", "none", "none")),
                               (20, 20, 20, 20, 12, 8))[0]
            locals_ = ("no-reply", "noreply", "notification", "info", "admin", "support",
                       "mailer", "account-security", "service", "alerts", "docs", "secure")
        org = self._attacker_org(domain, domain, auth,
                                 rng.choices(("plain", "m365", "google"), (80, 10, 10))[0],
                                 networks=rng.randint(1, 3))
        sender_name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        display = rng.choice(_PHISH_BRANDS[brand]["names"]).format(company=self.company,
                                                                    sender_name=sender_name)
        attacker = _Person("", "", f"{rng.choice(locals_)}@{domain}", "", "attacker", org,
                           display=display, client=org.client)
        camp = _Campaign("credential_phish_brand", attacker)
        camp.data.update(brand=brand, strategy=rng.choices(("new", "punycode", "ip", "abused"),
                                                           (35, 15, 15, 35))[0],
                         sender_name=sender_name, htm=rng.random() < 0.1)
        n = rng.randint(5, max(5, min(30, self.size_cap)))
        targets = rng.sample(self.people, min(len(self.people), n))
        day = self._post_day(business=False)
        t = self._clamp(self._day_start(day) + rng.uniform(0.0, 23.0) * _HOUR)
        for target in targets:
            t += rng.uniform(5.0, 240.0)
            self._push(t, self._atk_brand, camp, target)
        return float(len(targets))

    def _atk_brand(self, t: float, camp: _Campaign, target: _Person) -> list[_Emitted]:
        rng = self.rng
        spec = _PHISH_BRANDS[camp.data["brand"]]
        slots = self._slots(camp.attacker, [target], t, _email=target.address,
                            sender_name=camp.data["sender_name"])
        subject = rng.choice(spec["subjects"]).format_map(slots)
        slots["email_user"] = target.address.split("@")[0]
        parts: list[str | _Link] = [
            rng.choice(("Dear {email_user},", "Hello,", "Dear user,", "Hi {first},",
                        "Dear {email},")).format_map(slots),
            rng.choice(spec["bodies"]).format_map(slots)]
        attachments: list[Attachment] = []
        if camp.data["htm"]:
            parts.append("Open the attached secure message to continue.")
            stem = rng.choice(("Message", "Document", "VM", "Scan"))
            attachments.append(self._attachment(f"{stem}_{rng.randint(1000, 9999)}.htm"))
        else:
            url = self._phish_url(camp.data["strategy"], camp.data["brand"], target.address)
            parts.append(_Link(url, rng.choice(spec["anchors"])))
        if rng.random() < 0.7:
            parts.append(rng.choice((
                "This request will expire in 24 hours.",
                "If you do not complete this step, access to your account will be limited.",
                "For your security, this link can only be used once.",
                "Please complete this action today to avoid interruption of service.",
                "If you did not request this change, review your account immediately.")))
        parts += [f.format_map(slots) for f in spec["footer"]]
        out, _ = self._emit(t, camp.attacker, [target], [], subject, _Body(parts),
                            scenario=camp.scenario, attack_type=camp.attack_type,
                            attachments=attachments, direction="inbound")
        return [out]

    def _plan_malware(self) -> float:
        rng = self.rng
        kind = rng.choice(("iso", "img", "lnk_zip", "html", "zip_exe", "docm", "xlsm", "one",
                           "zip_js"))
        r = rng.random()
        if r < 0.2:
            sender_org = self.world.freemail_org(rng)
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            attacker = _Person(first, last, f"{_freemail_local(rng, first, last)}@"
                               f"{sender_org.domain}", "", "attacker", sender_org)
        else:
            domain = self._compromised_domain() if r < 0.7 else self._fresh_domain()
            auth = rng.choices((("fail", "none", "fail"), ("softfail", "none", "none"),
                                ("none", "none", "none"), ("pass", "none", "none"),
                                ("pass", "pass", "none")), (20, 20, 20, 25, 15))[0]
            org = self._attacker_org(domain.split(".")[0].title(), domain, auth,
                                     networks=rng.randint(1, 3))
            name = rng.choice(_MALWARE_SENDER_NAMES) if rng.random() < 0.5 else (
                f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}")
            local = rng.choice(("accounts", "info", "billing", "sales", "office", "admin",
                                "scanner", "finance"))
            attacker = _Person("", "", f"{local}@{domain}", "", "attacker", org, display=name,
                               client=org.client)
        pool = self.finance * 3 + [p for p in self.people if p.dept == "ops"] * 2 + self.people
        n = rng.randint(3, max(3, min(20, self.size_cap)))
        targets = list(dict.fromkeys(rng.sample(pool, min(len(pool), n))))
        camp = _Campaign("malware_lure", attacker)
        camp.data.update(kind=kind, hijack=rng.random() < 0.2,
                         lure=rng.choice(list(_MALWARE_LURES)),
                         password=rng.choice(("1234", "2026", "inv2026", "ABC123", "doc"))
                         if "zip" in kind and rng.random() < 0.4 else "",
                         sha=_hex(rng, 64) if rng.random() < 0.5 else "",
                         company=f"{rng.choice(_ORG_PREFIXES)} {rng.choice(_VENDOR_INDUSTRIES)}")
        day = self._post_day(business=False)
        t = self._clamp(self._day_start(day) + rng.uniform(0.0, 23.0) * _HOUR)
        for target in targets:
            t += rng.uniform(5.0, 180.0)
            self._push(t, self._atk_malware, camp, target)
        return float(len(targets))

    def _atk_malware(self, t: float, camp: _Campaign, target: _Person) -> list[_Emitted]:
        rng = self.rng
        sender = camp.attacker
        parent = None
        if camp.data["hijack"] and self.recent_external:
            recent = list(self.recent_external)[-60:]
            parent = rng.choice(recent)
            target = parent.to[0] if parent.to and parent.to[0].org is self.org else target
            sender = _Person(parent.sender.first, parent.sender.last, sender.address, "",
                             "attacker", sender.org, display=parent.sender.name,
                             client=sender.client)
        slots = self._slots(sender, [target], t)
        subjects, bodies, bases = _MALWARE_LURES[camp.data["lure"]]
        if parent is not None:
            subject = f"Re: {_strip_re(parent.subject)}"
        else:
            subject = rng.choice(subjects).format_map(slots)
        slots["ymd"] = f"{_local_dt(t, self.tz):%Y%m%d}"
        base = rng.choice(bases).format_map(slots)
        sha = camp.data["sha"]
        kind = camp.data["kind"]
        # One payload for the whole campaign (same hash, same size) or one per message.
        size = camp.data.setdefault("size", self._attachment(f"x.{kind[:3]}").size) if sha else None
        attachments: list[Attachment] = []
        if kind.startswith("zip") or kind == "lnk_zip":
            member = {"zip_exe": rng.choice((f"{base}.pdf.exe", f"{base}.scr")),
                      "zip_js": rng.choice((f"{base}.js", f"{base}.vbs")),
                      "lnk_zip": f"{base}.pdf.lnk"}[kind]
            attachments.append(self._attachment(f"{base}.zip", size, sha))
            attachments.append(self._attachment(f"{base}.zip/{member}"))
        elif kind == "iso":
            attachments.append(self._attachment(f"{base}.iso", size, sha))
            if rng.random() < 0.5:
                attachments.append(self._attachment(f"{base}.iso/{base}.pdf.lnk"))
        else:
            attachments.append(self._attachment(f"{base}.{kind}", size, sha))
        parts: list[str | _Link] = [
            rng.choice(("Hello,", "Hi {first},", "Dear Sir/Madam,", "Good day,", "Dear {first},"
                        )).format_map(slots),
            rng.choice(bodies).format_map(slots),
            rng.choice(_MALWARE_DETAILS[camp.data["lure"]]).format_map(slots),
            rng.choice(("Please confirm receipt at your earliest convenience.",
                        "Let us know if you have any trouble opening the attachment.",
                        "Kindly treat this as urgent as our accounts close this week.",
                        "We look forward to your prompt response.",
                        "Contact me if any details need to be corrected.",
                        "The original documents will follow by courier."))]
        if camp.data["password"]:
            parts.append(f"The file is protected, use password: {camp.data['password']}")
        sig = (f"{rng.choice(_CLOSINGS)}\n{sender.name}\n"
               f"{rng.choice(('Accounts Department', 'Finance', 'Logistics', 'Sales'))}\n"
               f"{camp.data['company']}")
        if rng.random() < 0.8:
            sig += (f"\nTel: +{rng.choice((1, 44, 49, 90, 91, 86, 971))} "
                    f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
                    f"\n{rng.randint(1, 400)} {rng.choice(_LAST_NAMES)} Road, "
                    f"{rng.choice(_CITIES)}")
        parts.append(sig)
        out, _ = self._emit(t, sender, [target], [], subject, _Body(parts),
                            scenario=camp.scenario, attack_type=camp.attack_type,
                            attachments=attachments, parent=parent)
        return [out]

    def _plan_callback(self) -> float:
        rng = self.rng
        org = self.world.freemail_org(rng)
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        display = rng.choice(("Norton Billing Team", "Geek Squad Support", "PayPal Service",
                              "Billing Department", "Customer Care", f"{first} {last}"))
        attacker = _Person(first, last, f"{_freemail_local(rng, first, last)}@{org.domain}", "",
                           "attacker", org, display=display)
        camp = _Campaign("callback_scam", attacker)
        slots = self._slots(attacker, [], self.warm_end)
        camp.data.update(product3=slots["product3"], phone=slots["phone"], price=slots["price"])
        n = rng.randint(2, max(2, min(10, self.size_cap)))
        targets = rng.sample(self.people, min(len(self.people), n))
        day = self._post_day(business=False)
        t = self._clamp(self._day_start(day) + rng.uniform(0.0, 23.0) * _HOUR)
        for target in targets:
            t += rng.uniform(20.0, 900.0)
            self._push(t, self._atk_callback, camp, target)
        return float(len(targets))

    def _atk_callback(self, t: float, camp: _Campaign, target: _Person) -> list[_Emitted]:
        rng = self.rng
        slots = self._slots(camp.attacker, [target], t, product3=camp.data["product3"],
                            phone=camp.data["phone"], price=camp.data["price"])
        subject = rng.choice(("Your {product3} subscription has been renewed",
                              "Order confirmation #{n4}", "Invoice #{n4} - payment processed",
                              "Thank you for your purchase", "Auto-renewal successful"
                              )).format_map(slots)
        parts: list[str | _Link] = [
            rng.choice(("Dear Customer,", "Hello {first},", "Dear {first},", "Hi,")
                       ).format_map(slots),
            rng.choice(_CALLBACK_BODIES).format_map(slots),
            ("Invoice number: {n4}\nProduct: {product3}\nAmount: {price}\n"
             "Payment method: Auto-debit").format_map(slots),
            "Customer support: {phone}".format_map(slots),
            f"{rng.choice(_CLOSINGS)}\nBilling Department"]
        out, _ = self._emit(t, camp.attacker, [target], [], subject, _Body(parts),
                            scenario=camp.scenario, attack_type=camp.attack_type,
                            attachments=[self._attachment(f"Invoice_{slots['n4']}.pdf")])
        return [out]

    def _atk_spam(self, t: float, wave: _Wave, recipient: _Person) -> list[_Emitted]:
        rng = self.rng
        sender = rng.choice(wave.senders)
        subjects, sentences, anchors = _SPAM_THEMES[wave.theme]
        slots = self._slots(sender, [recipient], t)
        subject = subjects[wave.subject % len(subjects)].format_map(slots)
        dom = sender.org.domain
        parts: list[str | _Link] = [
            rng.choice(("Hi {first},", "Hello,", "Dear {first},", "Hi there,")).format_map(slots)]
        for sentence in sentences:
            parts.append(sentence.format_map(slots))
            if rng.random() < 0.5:
                parts.append(_Link(f"https://{rng.choice(('www.', 'go.', 'track.', ''))}{dom}/"
                                   f"{rng.choice(('c', 'r', 'l', 'go'))}/{_token(rng, 16)}",
                                   rng.choice(anchors)))
        if not any(isinstance(p, _Link) for p in parts):
            parts.append(_Link(f"https://{dom}/?ref={_token(rng, 10)}", rng.choice(anchors)))
        headers: dict[str, str] = {}
        unsubscribe = f"https://{dom}/unsub?e={_token(rng, 20)}"
        if wave.list_unsubscribe:
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        parts.append(f"{sender.name}, {rng.randint(10, 9999)} {rng.choice(_LAST_NAMES)} Ave, "
                     f"{rng.choice(_CITIES)}. To stop receiving these emails:")
        parts.append(_Link(unsubscribe, "unsubscribe"))
        body = _Body(parts, bulk=sender.org.platform == "esp", title=subject)
        out, _ = self._emit(t, sender, [recipient], [], subject, body, scenario="spam_wave",
                            attack_type="spam", headers=headers)
        return [out]

    # ------------------------------------------------------------------ consumer-facing mail
    def _build_consumer(self) -> None:
        """Languages, local-language business mail and consumer-brand subscriptions.

        Drawn from a stream of their own, so the company, its people and its business graph
        are the same as without them.
        """
        crng = random.Random(f"{self.world.seed}:tenant:{self.index}:consumer")
        # One tenant in three works partly in a local language (and its people read brand
        # mail in it); European time zones tilt the others towards European languages.
        self.local_lang = crng.choice(_LOCAL_LANGS) if self.index % 3 == 1 else ""
        weights = list(_LANG_WEIGHTS)
        if self.local_lang:
            weights[_LANGS.index(self.local_lang)] += 70
        elif self.tz in (0.0, 1.0, 2.0):
            for lang in ("de", "fr", "nl", "it", "es"):
                weights[_LANGS.index(lang)] += 8
        self.lang_weights = weights
        self.person_lang = {p.address: crng.choices(_LANGS, weights)[0] for p in self.people}
        keys = list(_CONSUMER_BRANDS)
        self.consumer_subs: list[_ConsumerSub] = []
        n = len(self.people)
        for key in crng.sample(keys, crng.randint(6, 10)):
            _, category, _, _, langs, _ = _CONSUMER_BRANDS[key]
            lang = crng.choices(langs, [weights[_LANGS.index(x)] for x in langs])[0]
            match = [6.0 if self.person_lang[p.address] == lang else 1.0 for p in self.people]
            subs = _weighted_sample(crng, self.people, match,
                                    max(1, round(n * crng.uniform(0.05, 0.16))))
            kinds, kind_weights = _HAM_KINDS[category]
            promo = "promo" in kinds
            weekdays = tuple(sorted(crng.sample(range(7), crng.choice((1, 2, 2))))) if promo \
                else ()
            self.consumer_subs.append(_ConsumerSub(
                key, lang, self.world.consumer_sender(key, lang), subs, weekdays,
                crng.randint(7 * _HOUR, 19 * _HOUR),
                tuple(k for k in kinds if k != "promo") or ("shipping",),
                tuple(w for k, w in zip(kinds, kind_weights, strict=True) if k != "promo")
                or (1.0,),
                crng.uniform(0.05, 0.12)))

    def _schedule_consumer(self, d: int, wd: int) -> None:
        rng = self.rng
        local0 = self._day_start(d)
        for sub in self.consumer_subs:
            if wd in sub.weekdays:
                t = local0 + sub.send_second + rng.uniform(0.0, 600.0)
                issue = self._consumer_issue(sub, int((t - EPOCH) // _DAY))
                for r in sub.subscribers:
                    t += rng.uniform(0.05, 2.5)
                    self._push(t, self._ev_consumer, sub, r, "promo", issue)
            for _ in range(_poisson(rng, sub.rate * len(sub.subscribers))):
                kind = rng.choices(sub.kinds, sub.kind_weights)[0]
                self._push(self._time_in_day(d), self._ev_consumer, sub,
                           rng.choice(sub.subscribers), kind, None)

    def _consumer_issue(self, sub: _ConsumerSub, utc_day: int) -> dict[str, Any]:
        """One promotional issue of a brand: the same for every recipient that day."""
        r = random.Random(f"{self.world.seed}:consumer-issue:{sub.key}:{sub.lang}:{utc_day}")
        subjects, paras, _ = _CONSUMER_HAM["promo"][sub.lang]
        return {"subject": r.choice(subjects),
                "paras": sorted(r.sample(paras, r.randint(2, 4)), key=paras.index),
                "percent": str(r.choice((10, 15, 20, 25, 30, 40, 50, 60, 70))),
                "emoji": r.choice(("", "", "", "🛒 ", "⏰ ", "💥 ", "🌸 ")),
                "issue": f"{utc_day:04d}{r.randint(10, 99)}"}

    def _lure_slots(self, sender: _Person, target: _Person, t: float, lang: str,
                    **fixed: str) -> _Slots:
        values = {"first": target.first or "", "email": target.address, "me": sender.name,
                  "company": self.company, "_t": repr(t), "_lang": lang,
                  "year": str(_local_dt(t, self.tz).year)}
        values.update(fixed)
        return _Slots(self._lure_fill, values)

    def _lure_fill(self, slots: _Slots, key: str) -> str:
        rng = self.rng
        lang = slots["_lang"]
        if key == "_cur":
            return {"en": rng.choice(("$", "£", "$")), "pt-br": "R$"}.get(lang, "€")
        if key in ("fee_c", "price_c", "bill_c", "refund_c", "prize_value", "big_c",
                   "ransom_c"):
            value, decimals = {
                "fee_c": (rng.randint(1, 4) + rng.choice((0.49, 0.99, 0.79, 0.25)), True),
                "price_c": (rng.choice((39.99, 49.99, 59.95, 79.99, 99.99, 2.99, 9.99)), True),
                "bill_c": (rng.randint(28, 480) + rng.randint(0, 99) / 100, True),
                "refund_c": (rng.randint(120, 980) + rng.randint(0, 99) / 100, True),
                "prize_value": (float(rng.choice((50, 100, 250, 500, 1000))), False),
                "big_c": (float(rng.randint(25, 185) * 100_000), False),
                "ransom_c": (float(rng.choice((1200, 1450, 1850, 2000, 2500, 2900))), False),
            }[key]
            if slots["_cur"] == "R$":  # the same amounts in reais, Brazilian price points
                value = rng.choice((19.9, 29.9, 39.9, 44.9, 55.9, 99.9)) if key == "price_c" \
                    else value * 5
            return _money(lang, value, slots["_cur"], decimals)
        local = _local_dt(float(slots["_t"]), self.tz)
        if key == "date_l":
            return _date_l(lang, local + timedelta(days=rng.randint(1, 6)))
        if key == "month_l":
            return _MONTHS_L[lang][local.month - 1]
        if key == "hours":
            return rng.choice(("24", "48", "24", "72", "12"))
        if key == "hh":
            return f"{rng.choice((9, 10, 11, 14, 15, 16))}:{rng.choice(('00', '30'))}"
        if key == "points":
            return f"{rng.randint(3, 98) * 100:,}".replace(",", "." if lang != "en" else ",")
        if key == "kg":
            return f"{rng.randint(1, 9)}{',' if lang != 'en' else '.'}{rng.randint(0, 9)}"
        if key == "gb":
            return rng.choice(("5", "15", "50", "100", "200"))
        if key == "code":
            return f"{_token(rng, 2, 'ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(10**6, 10**8)}"
        if key == "device":
            return rng.choice(_DEVICES)
        if key == "place":
            return rng.choice(_BRAND_PLACES)
        if key == "home":
            return rng.choice(_CITIES)
        if key == "prize":
            if lang == "pt-br" and rng.random() < 0.5:
                return rng.choice(_PRIZES_BR)
            return rng.choice(_PRIZES)
        if key == "awb" and lang == "pt-br":  # Correios style: two letters, 9 digits, BR
            return f"{rng.choice(('NL', 'LB', 'QB', 'OV', 'NB', 'AA', 'LX'))}" \
                   f"{rng.randint(10**8, 10**9 - 1)}BR"
        if key == "cpf":  # masked, the way Brazilian mail shows it
            return f"***.{rng.randint(0, 999):03d}.{rng.randint(0, 999):03d}-**"
        if key == "last4":
            return f"{rng.randint(0, 9999):04d}"
        if key == "plate":  # Mercosur plate: ABC1D23
            letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            return f"{_token(rng, 3, letters)}{rng.randint(0, 9)}{_token(rng, 1, letters)}" \
                   f"{rng.randint(0, 99):02d}"
        if key == "boleto":  # linha digitável: bank, currency, three fields, check, due+value
            digits = "0123456789"
            bank = rng.choice(("001", "237", "341", "104", "033", "260", "077"))
            return (f"{bank}9{_token(rng, 1, digits)}.{_token(rng, 5, digits)} "
                    f"{_token(rng, 5, digits)}.{_token(rng, 6, digits)} "
                    f"{_token(rng, 5, digits)}.{_token(rng, 6, digits)} "
                    f"{_token(rng, 1, '123456789')} {_token(rng, 14, digits)}")
        if key == "pix_id":  # end-to-end id: E + ISPB + yyyymmddhhmm + 11 characters
            return (f"E{rng.choice(('18236120', '60701190', '00000000', '60746948', '00416968'))}"
                    f"{local:%Y%m%d%H%M}{_token(rng, 11, _B62)}")
        if key == "nfe":
            number = f"{rng.randint(1, 999_999):09d}"
            return f"{number[:3]}.{number[3:6]}.{number[6:]}"
        if key == "nfe_key":  # 44 digits: state, yymm, CNPJ, model 55 ...
            key44 = (f"{rng.choice(('35', '33', '31', '41', '43', '29'))}{local:%y%m}"
                     f"{_token(rng, 14, '0123456789')}55{_token(rng, 22, '0123456789')}")
            return " ".join(key44[i:i + 4] for i in range(0, 44, 4))
        if key == "agent":
            return rng.choice(_AGENTS)
        if key == "age":
            return str(rng.randint(34, 67))
        if key == "wallet":
            if rng.random() < 0.7:
                return "bc1q" + _token(rng, 38, _WALLET_CHARS)
            return "1" + _token(rng, 33, _B58)
        if key == "offer":
            return rng.choice(_SPAM_OFFERS[lang])
        return self._fill(slots, key)

    def _brand_sender_name(self, family: str, brand: str, lang: str) -> str:
        rng = self.rng
        service = {"en": "Customer Service", "de": "Kundenservice", "fr": "Service client",
                   "es": "Atención al cliente", "nl": "Klantenservice", "pt": "Apoio ao cliente",
                   "pt-br": "Central de Atendimento", "it": "Servizio clienti"}[lang]
        if family == "prize_lure" and rng.random() < 0.35:
            return {"en": "Congratulations!", "de": "Herzlichen Glückwunsch",
                    "fr": "Félicitations", "es": "¡Enhorabuena!", "nl": "Gefeliciteerd",
                    "pt": "Parabéns", "pt-br": "Parabéns!", "it": "Congratulazioni"
                    }[lang] + rng.choice(("", " 🎁", " 🎉"))
        return rng.choice((brand, brand, f"{brand} {service}", f"{brand} Support",
                           f"{brand} {rng.choice(_MIXED_EN[:2])}",
                           rng.choice(("📦 ", "🔔 ", "✅ ", "")) + brand))

    def _lure_sender(self, family: str, name: str, brand: str) -> _Person:
        """A sender never seen before: fresh, compromised, abused-ESP or freemail."""
        rng = self.rng
        weights = {"advance_fee": (0, 20, 0, 80), "extortion": (10, 40, 0, 50),
                   "product_spam": (45, 5, 50, 0), "prize_lure": (30, 25, 35, 10),
                   "subscription_lure": (30, 30, 10, 30)}.get(family, (40, 30, 20, 10))
        kind = rng.choices(("fresh", "compromised", "esp", "freemail"), weights)[0]
        if kind == "freemail":
            org = self.world.freemail_org(rng)
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            local = _freemail_local(rng, first, last)
            if family not in ("advance_fee", "extortion") and rng.random() < 0.6:
                local = f"{_slug(brand)[:10] or 'service'}{rng.choice(('', '.', '-'))}" \
                        f"{rng.choice(('support', 'info', 'service', 'team'))}{rng.randint(1, 999)}"
            return _Person(first, last, f"{local}@{org.domain}", "", "attacker", org,
                           display=name or f"{first} {last}",
                           client=rng.choice((("", ""), _CLIENTS[3])))
        if family == "product_spam" or (kind == "fresh" and rng.random() < 0.5):
            domain = (f"{rng.choice(_SPAM_WORDS)}{rng.choice(_SPAM_WORDS)}"
                      f"{rng.randint(1, 99) if rng.random() < 0.3 else ''}."
                      f"{rng.choice(_SPAM_TLDS)}")
        elif kind == "fresh":
            head = _slug(brand)[:12] if brand and rng.random() < 0.6 else ""
            domain = self._fresh_domain(head)
        else:
            domain = self._compromised_domain()
        if kind == "esp":
            auth = rng.choices((("pass", "pass", "none"), ("pass", "pass", "pass"),
                                ("pass", "none", "none")), (50, 30, 20))[0]
            org = _Org(domain.split(".")[0].title(), domain, "attacker", "esp",
                       tuple(_net(rng, _ESP_BLOCKS) for _ in range(2)), auth,
                       mx_host=f"{rng.choice(('em', 'mta', 'bounce', 'mail'))}"
                               f"{rng.randint(1, 99)}.{domain}", html=True)
        else:
            auth = rng.choices((("fail", "none", "fail"), ("softfail", "none", "none"),
                                ("none", "none", "none"), ("pass", "none", "none"),
                                ("pass", "pass", "none")), (15, 20, 20, 30, 15))[0]
            org = self._attacker_org(domain.split(".")[0].title(), domain, auth,
                                     rng.choices(("plain", "m365", "google"), (80, 10, 10))[0],
                                     networks=rng.randint(1, 2))
        if family in ("advance_fee", "extortion"):
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            return _Person(first, last, f"{_slug(first)}.{_slug(last)}@{domain}", "",
                           "attacker", org, display=name, client=org.client)
        local = rng.choice(("no-reply", "noreply", "info", "service", "support", "notification",
                            "news", "hello", "clientes", "kundenservice", "contact", "alert"))
        return _Person("", "", f"{local}@{domain}", "", "attacker", org, display=name,
                       client=org.client)

    def _lure_brand(self, family: str, lang: str) -> tuple[str, str]:
        """(brand display name, brand key or category) that ``family`` impersonates in ``lang``."""
        rng = self.rng
        categories = _LURE_CATEGORIES[family]
        category = rng.choice(categories)
        if category == "webmail":
            return rng.choice(("Webmail", "Mail Administrator", f"{self.domains[0]} Mail",
                               "Postmaster", "E-mail Support", "Outlook Web")), category
        if category == "authority":
            return rng.choice(_AUTHORITIES[lang]), category
        keys = [k for k, spec in _CONSUMER_BRANDS.items()
                if spec[1] == category and lang in spec[4]]
        if lang == "pt-br":
            extra = _LURE_EXTRA_BR.get(category, ())
        else:
            extra = {"post": ("FedEx", "DHL Express", "Hermes", "Chronopost", "SEUR", "Correios",
                              "USPS", "Evri", "bpost"),
                     "retail": ("Costco", "Aldi", "Mercadona", "Kaufland", "Heineken",
                                "Nespresso"),
                     "software": ("Avast", "Kaspersky", "Dropbox", "OneDrive", "Microsoft 365")
                     }.get(category, ())
        names = [_CONSUMER_BRANDS[k][0] for k in keys] + list(extra)
        return rng.choice(names), category

    def plan_lure(self, family: str, budget_left: float) -> float:
        """Schedule one consumer-facing campaign of ``family``; returns its message count."""
        rng = self.rng
        self.size_cap = max(1, int(budget_left / 2))
        lang = rng.choices(_LANGS, self.lang_weights)[0]
        brand, category = ("", "")
        if family in _LURE_CATEGORIES:
            brand, category = self._lure_brand(family, lang)
        theme = -1
        if lang == "pt-br":
            # Brazilian kits keep one theme per campaign, with the brands that theme abuses.
            theme = rng.randrange(len(_LURE_THEMES_BR[family]))
            if _LURE_THEMES_BR[family][theme][0]:
                brand, category = rng.choice(_LURE_THEMES_BR[family][theme][0]), "theme"
        product = offer = ""
        if family == "product_spam":
            theme_i = rng.randrange(len(_SPAM_OFFER_THEMES))
            product = rng.choice(_SPAM_PRODUCTS[_SPAM_OFFER_THEMES[theme_i]])
            offer = _SPAM_OFFERS[lang][theme_i]
            name = rng.choice((product, f"{product} ✨", f"🔥 {product}", product,
                               rng.choice(("Health News", "VIP Club", "Daily Deals",
                                           "Exclusive Offer"))))
        elif family == "advance_fee":
            name = rng.choice((f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}",
                               rng.choice(_AGENTS), "Lottery Claims Department",
                               "Foreign Remittance Office"))
        elif family == "extortion":
            name = rng.choice(("", "", "Security", f"{rng.choice(_FIRST_NAMES)}"))
        else:
            name = self._brand_sender_name(family, brand, lang)
        senders = [self._lure_sender(family, name, brand)
                   for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        camp = _Campaign(family, senders[0])
        if family == "advance_fee" and rng.random() < 0.7:
            fm = self.world.freemail_org(rng)
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            camp.reply_to = _Person(first, last, f"{_freemail_local(rng, first, last)}@"
                                    f"{fm.domain}", "", "attacker", fm, display=name)
        link_head = _slug(brand)[:12] if brand and rng.random() < 0.5 else ""
        camp.data.update(
            lang=lang, brand=brand, category=category, product=product, offer=offer,
            senders=senders, theme=theme,
            strategy=rng.choices(("fresh", "shortener", "abused", "redirect", "compromised"),
                                 (35, 20, 20, 15, 10))[0],
            link_domain=self._fresh_domain(link_head), self_spoof=family == "extortion"
            and rng.random() < 0.3, unsubscribe=rng.random() < 0.5,
            personal=rng.choice((0.1, 0.3, 0.6)), mixed=rng.random() < 0.25,
            htm=family == "payment_lure" and rng.random() < 0.12)
        small = family in ("advance_fee", "extortion")
        hi = 8 if small else 25
        n = rng.randint(2 if small else 3, max(3, min(hi, self.size_cap)))
        match = [4.0 if self.person_lang[p.address] == lang else 1.0 for p in self.people]
        if family == "advance_fee":
            match = [w * (2.0 if p.dept == "exec" else 1.0) for w, p in
                     zip(match, self.people, strict=True)]
        targets = _weighted_sample(rng, self.people, match, min(len(self.people), n))
        day = self._post_day(business=False)
        t = self._clamp(self._day_start(day) + rng.uniform(0.0, 23.0) * _HOUR)
        for target in targets:
            t += rng.uniform(5.0, 900.0)
            self._push(t, self._atk_lure, camp, target)
        return float(len(targets))

    def _lure_url(self, camp: _Campaign, target: _Person, sender: _Person) -> str:
        rng = self.rng
        family = camp.scenario
        path = rng.choice(_LURE_PATHS.get(family, ("/",)))
        tok = _token(rng, rng.randint(6, 18))
        strategy = camp.data["strategy"]
        if family == "product_spam" and strategy in ("fresh", "compromised"):
            dom = sender.org.domain
            return f"https://{rng.choice(('www.', 'go.', 'track.', ''))}{dom}{path}{tok}"
        if strategy == "shortener":
            return f"https://{rng.choice(_SHORTENERS)}/{_token(rng, rng.randint(5, 8))}"
        if strategy == "abused":
            host = rng.choice((*_ABUSED_HOSTS, "sites.google.com", "forms.gle"))
            if host == "sites.google.com":
                return f"https://sites.google.com/view/{_slug(camp.data['brand'])}{_hex(rng, 4)}"
            if host == "forms.gle":
                return f"https://forms.gle/{_token(rng, 17)}"
            return f"https://{rng.choice(_PHISH_WORDS)}-{_hex(rng, 6)}.{host}{path}{tok}"
        if strategy == "redirect":
            inner = f"https://{camp.data['link_domain']}{path}{tok}"
            if sender.org.platform == "esp":
                return (f"https://{sender.org.mx_host}/ls/click?upn="
                        f"{_token(rng, 40, _B62 + '-_')}")
            return rng.choice((f"https://www.google.com/url?q={inner}&sa=D",
                               f"https://t.co/{_token(rng, 10)}"))
        if strategy == "compromised":
            base = f"https://{self._compromised_domain()}/wp-content/{rng.choice(_PHISH_WORDS)}"
        else:
            base = f"https://{camp.data['link_domain']}"
        url = f"{base}{path}{tok}"
        if family in ("consumer_account_alert", "payment_lure") and rng.random() < 0.3:
            url += f"?email={target.address}"
        return url

    def _atk_lure(self, t: float, camp: _Campaign, target: _Person) -> list[_Emitted]:
        rng = self.rng
        family = camp.scenario
        data = camp.data
        lang = data["lang"]
        sender = rng.choice(data["senders"])
        auth = None
        if data["self_spoof"]:
            # "From" is the victim's own address: the mailbox looks hacked; DMARC fails.
            org = _Org(self.domains[0], target.address.split("@")[1], "attacker", "plain",
                       sender.org.networks, ("fail", "none", "fail"), mx_host=sender.org.mx_host,
                       id_style=1, html=False)
            sender = _Person(target.first, target.last, target.address, "", "attacker", org,
                             display=target.name)
            auth = AuthResults("fail", "none", "fail")
        if data["theme"] >= 0:
            _, subjects, paras, anchors = _LURE_THEMES_BR[family][data["theme"]]
        else:
            subjects, paras, anchors = _LURES[family][lang]
        common = _LURE_COMMON[lang]
        reply_email = camp.reply_to.address if camp.reply_to is not None else sender.address
        slots = self._lure_slots(sender, target, t, lang, brand=data["brand"] or "",
                                 product=data["product"], reply_email=reply_email)
        if data["offer"]:
            slots["offer"] = data["offer"]
        subject = rng.choice(subjects).format_map(slots)
        if data["mixed"] and lang != "en":
            subject = f"{rng.choice(_MIXED_EN[:5])}: {subject}"
        elif rng.random() < 0.12:
            subject = f"{rng.choice(('🔔', '❗', '✅', '📢', '💳', '⏰'))} {subject}"
        personal = rng.random() < data["personal"]
        greeting = rng.choice(common[1] if personal else common[0]).format_map(slots)
        if family == "extortion":
            chosen = [paras[0], *rng.sample(paras[1:5], rng.randint(2, 4)), paras[2]]
            body_paras = list(dict.fromkeys(chosen))
        else:
            # Kits reorder and drop paragraphs, but most keep the story's order.
            body_paras = rng.sample(paras, rng.randint(3, min(5, len(paras))))
            if rng.random() < 0.6:
                body_paras.sort(key=paras.index)
        parts: list[str | _Link] = [greeting] if family != "extortion" or personal else []
        parts += [p.format_map(slots) for p in body_paras]
        attachments: list[Attachment] = []
        headers: dict[str, str] = {}
        if anchors:
            anchor = rng.choice(anchors).format_map(slots)
            if data["mixed"] and lang != "en" and rng.random() < 0.5:
                anchor = rng.choice(_MIXED_EN[6:])
            if data["htm"]:
                stem = {"en": "Invoice", "de": "Rechnung", "fr": "Facture", "es": "Factura",
                        "nl": "Factuur", "pt": "Fatura", "it": "Fattura",
                        "pt-br": rng.choice(("Boleto", "NFe", "Fatura"))}[lang]
                attachments.append(self._attachment(f"{stem}_{rng.randint(1000, 99999)}.html"))
            else:
                parts.insert(rng.randint(2, len(parts)), _Link(self._lure_url(camp, target,
                                                                              sender), anchor))
                if rng.random() < 0.3:
                    parts.append(_Link(self._lure_url(camp, target, sender),
                                       rng.choice(anchors).format_map(slots)))
            if family != "product_spam" and rng.random() < 0.6:
                parts.append(rng.choice(common[2]).format_map(slots))
            footers = _LURE_COMMON["en"][3] if data["mixed"] else common[3]
            for line in rng.sample(footers, rng.randint(0, 2)):
                parts.append(line.format_map(slots))
            if family == "product_spam" or (sender.org.platform == "esp"
                                            and data["unsubscribe"]):
                unsub = f"https://{sender.org.domain}/unsub?e={_token(rng, 20)}"
                parts.append(_Link(unsub, _UNSUB[lang]))
                if data["unsubscribe"]:
                    headers["List-Unsubscribe"] = f"<{unsub}>"
            pixel = (f"https://{sender.org.mx_host}/o/{_token(rng, 22)}"
                     if sender.org.platform == "esp" else "")
            body = _Body(parts, bulk=True, title=subject, pixel=pixel)
        else:
            if family == "advance_fee":
                parts.append(f"{rng.choice(_CLOSINGS)}\n{sender.name}\n"
                             f"+{rng.choice((44, 229, 234, 27, 971, 34))} "
                             f"{rng.randint(100, 999)} {rng.randint(100, 999)} "
                             f"{rng.randint(1000, 9999)}")
            body = _Body(parts)
        out, _ = self._emit(t, sender, [target], [], subject, body, scenario=family,
                            attack_type=camp.attack_type, attachments=attachments,
                            reply_to=camp.reply_to, direction="inbound", auth=auth,
                            headers=headers)
        return [out]

    def _ev_consumer(self, t: float, sub: _ConsumerSub, recipient: _Person, kind: str,
                     issue: dict[str, Any] | None) -> list[_Emitted]:
        """Legitimate consumer-brand mail from the brand's real domain and ESP network."""
        rng = self.rng
        sender = sub.sender
        lang = sub.lang
        dom = sender.org.domain
        site = dom.split(".", 1)[1] if dom.split(".")[0] in (
            "mailer", "mail", "email", "post", "news", "accounts") else dom
        tracker = sender.org.portal
        subjects, paras, anchors = _CONSUMER_HAM[kind][lang]
        brand = _CONSUMER_BRANDS[sub.key][0]
        slots = self._lure_slots(sender, recipient, t, lang, brand=brand)
        user = _token(rng, 22)
        parts: list[str | _Link] = []
        if issue is not None:
            slots["percent"] = issue["percent"]
            subject = issue["emoji"] + issue["subject"].format_map(slots)
            chosen = issue["paras"]
            parts.append(_Link(f"https://view.{site}/?i={issue['issue']}&u={user}",
                               {"en": "View in browser", "de": "Im Browser ansehen",
                                "fr": "Voir en ligne", "es": "Ver en el navegador",
                                "nl": "Bekijk online", "pt": "Ver no navegador",
                                "pt-br": "Visualizar no navegador",
                                "it": "Visualizza nel browser"}[lang]))
        else:
            subject = rng.choice(subjects).format_map(slots)
            if rng.random() < 0.06 and lang != "en":
                subject = f"{rng.choice(_MIXED_EN[:5])}: {subject}"
            chosen = sorted(rng.sample(paras, rng.randint(2, len(paras))), key=paras.index)
        common = _LURE_COMMON[lang]
        parts.append(rng.choice(common[1] if rng.random() < 0.6 else common[0]
                                ).format_map(slots))
        parts += [p.format_map(slots) for p in chosen]
        for _ in range(1 if issue is None else rng.randint(2, 3)):
            parts.insert(rng.randint(2, len(parts)),
                         _Link(f"https://{tracker}/ls/click?upn={_token(rng, 40, _B62 + '-_')}"
                               if tracker else f"https://www.{site}/{kind}/{_token(rng, 12)}",
                               rng.choice(anchors)))
        if kind == "security":
            parts.append(_Link(f"https://www.{site}/account/security", rng.choice(anchors)))
        if rng.random() < 0.1:
            parts.append(_Link(f"https://{rng.choice(('bit.ly', 'spoti.fi', 'amzn.to'))}/"
                               f"{_token(rng, 7)}", "App"))
        parts.append(_HAM_FOOTERS[lang].format_map(slots))
        parts.append(rng.choice(_LURE_COMMON["en" if rng.random() < 0.25 else lang][3]
                                ).format_map(slots))
        headers: dict[str, str] = {}
        if kind in ("promo", "loyalty", "survey") or rng.random() < 0.5:
            unsubscribe = f"https://{site}/unsubscribe?u={user}"
            parts.append(_Link(unsubscribe, _UNSUB[lang]))
            headers = {"List-Unsubscribe": f"<{unsubscribe}>, <mailto:unsubscribe@{dom}"
                                           f"?subject={user}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        pixel = f"https://{tracker or site}/o/{user}" if rng.random() < 0.8 else ""
        body = _Body(parts, bulk=True, title=subject, pixel=pixel)
        out, _ = self._emit(t, sender, [recipient], [], subject, body,
                            scenario=_HAM_SCENARIO_BY_KIND[kind], headers=headers)
        return [out]

    def _local_conversation(self, sender: _Person, to: Sequence[_Person], t: float,
                            external: bool) -> tuple[str, _Body, list[Attachment]]:
        rng = self.rng
        subjects, greetings, paras, closings, _ = _BUSINESS_LOCAL[self.local_lang]
        slots = self._lure_slots(sender, to[0], t, self.local_lang)
        slots["amount"] = _money(self.local_lang, rng.randint(1_200, 98_000) + rng.random(),
                                 "€")
        subject = rng.choice(subjects).format_map(slots)
        parts: list[str | _Link] = [rng.choice(greetings).format_map(slots)]
        parts += [p.format_map(slots) for p in rng.sample(paras, rng.choice((1, 2, 2, 3)))]
        fillers = list(_LOCAL_FILLERS[self.local_lang])
        rng.shuffle(fillers)
        while fillers and sum(len(x) for x in parts if isinstance(x, str)) < 260:
            parts.append(fillers.pop())
        closing = rng.choice(closings)
        if external or rng.random() < 0.4:
            parts.append(f"{closing}\n{sender.name}\n{sender.title}\n{sender.org.name}")
        else:
            parts.append(f"{closing}\n{sender.first}")
        attachments: list[Attachment] = []
        if rng.random() < 0.3:
            attachments.append(self._attachment(
                f"{_slug(rng.choice(self.projects)).title()}_{rng.randint(1, 12):02d}."
                f"{rng.choice(('pdf', 'docx', 'xlsx'))}"))
        return subject, _Body(parts, fillers=_LOCAL_FILLERS[self.local_lang]), attachments


# ------------------------------------------------------------------------- spam waves

_SPAM_WORDS: Final = ("bright", "rank", "lead", "growth", "prime", "smart", "trend", "deal",
                      "best", "pro", "mega", "top", "daily", "fast", "easy", "global", "digital",
                      "media", "shop", "offer", "biz", "funnel", "reach", "boost", "peak",
                      "nova", "zen", "hub")
_SPAM_TLDS: Final = ("shop", "top", "xyz", "click", "info", "biz", "online", "site", "store",
                     "co", "live", "space")


def _plan_spam_waves(seed: int, sims: list[_TenantSim], days: int, warmup_days: int) -> None:
    """Spam campaigns shared by several tenants, about a fifth of the attack budget."""
    if not sims or warmup_days >= days or all(s.attack_rate <= 0.0 for s in sims):
        return
    rng = random.Random(f"{seed}:spam")
    total = 0.22 * sum(s.attack_target for s in sims)
    lo = EPOCH + warmup_days * _DAY + 600.0
    hi = max(lo, EPOCH + days * _DAY - 6 * _HOUR)
    planned = 0
    waves = 0
    while (planned < total or waves == 0) and waves < 500:
        k = 1 if len(sims) == 1 else rng.randint(2, len(sims))
        chosen = sorted(rng.sample(range(len(sims)), k))
        theme = rng.choice(list(_SPAM_THEMES))
        auth = rng.choices((("pass", "pass", "none"), ("pass", "none", "none"),
                            ("none", "none", "none"), ("softfail", "none", "none")),
                           (40, 30, 20, 10))[0]
        networks = tuple(_net(rng, _SPAM_BLOCKS) for _ in range(rng.randint(2, 6)))
        platform = rng.choice(("plain", "esp"))
        senders = []
        for _ in range(rng.randint(2, 8)):
            domain = (f"{rng.choice(_SPAM_WORDS)}{rng.choice(_SPAM_WORDS)}"
                      f"{rng.randint(1, 99) if rng.random() < 0.3 else ''}."
                      f"{rng.choice(_SPAM_TLDS)}")
            org = _Org(domain.split(".")[0].title(), domain, "attacker", platform,
                       tuple(rng.sample(networks, min(2, len(networks)))), auth,
                       mx_host=f"{rng.choice(('mail', 'mta', 'em'))}{rng.randint(1, 9)}.{domain}",
                       id_style=rng.randrange(2), html=True)
            if theme in ("seo", "leads", "loans", "webinar") and rng.random() < 0.7:
                first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
                person = _Person(first, last, f"{_slug(first)}.{_slug(last)}@{domain}",
                                 "", "attacker", org)
            else:
                person = _Person("", "", f"{rng.choice(('deals', 'offers', 'info', 'news'))}@"
                                 f"{domain}", "", "attacker", org,
                                 display=domain.split(".")[0].title())
            senders.append(person)
        duration = rng.uniform(0.5, 5.0) * _HOUR
        counts = {i: rng.randint(6, 30) for i in chosen}
        wave = _Wave(min(rng.uniform(lo, hi), max(lo, EPOCH + days * _DAY - duration - 60)),
                     duration, theme, tuple(senders), rng.randrange(8), rng.random() < 0.6,
                     counts)
        for i in chosen:
            sims[i].waves.append(wave)
        planned += sum(counts.values())
        waves += 1


_TENANT_SCENARIOS: Final = ("exec_impersonation_freemail", "payroll_diversion",
                             "vendor_lookalike_bank_change", "vendor_compromise_invoice",
                             "lateral_phishing", "credential_phish_brand", "malware_lure",
                             "gift_card", "callback_scam")


def _plan_campaigns(seed: int, sims: list[_TenantSim]) -> None:
    """Deal tenant-specific campaigns out until every tenant's attack budget is spent.

    Scenarios come round-robin from one shuffled order and each goes to the tenant with the
    most budget left, so even a small run covers the whole mix instead of a few repeats.
    """
    active = [s for s in sims if s.attack_rate > 0.0 and s.warmup_days < s.days]
    if not active:
        return
    order = list(_TENANT_SCENARIOS)
    random.Random(f"{seed}:campaigns").shuffle(order)
    left = {s.index: s.attack_target - sum(w.counts[s.index] for w in s.waves) for s in active}
    planned = 0
    while planned < 1000 and (planned == 0 or max(left.values()) > 0.0):
        sim = max(active, key=lambda s: (left[s.index], -s.index))
        left[sim.index] -= sim.plan_campaign(order[planned % len(order)], left[sim.index])
        planned += 1


def _plan_consumer_campaigns(seed: int, sims: list[_TenantSim]) -> None:
    """Consumer-facing lures on top of the targeted attacks, ``_CONSUMER_SHARE`` of the total.

    Every family is dealt once per tenant first (in a shuffled order), then by weight, so
    each tenant sees the whole range rather than a few repeats.
    """
    for sim in sims:
        if sim.attack_rate <= 0.0 or sim.warmup_days >= sim.days:
            continue
        rng = random.Random(f"{seed}:consumer-campaigns:{sim.index}")
        left = sim.attack_target * _CONSUMER_SHARE / (1.0 - _CONSUMER_SHARE)
        order = list(_CONSUMER_FAMILIES)
        rng.shuffle(order)
        planned = 0
        while planned < 1000 and (planned < len(order) or left > 0.0):
            family = order[planned] if planned < len(order) else rng.choices(
                _CONSUMER_FAMILIES, _CONSUMER_FAMILY_WEIGHTS)[0]
            left -= sim.plan_lure(family, left)
            planned += 1


# ------------------------------------------------------------------------- public API


def _build(tenants: int, days: int, seed: int, *, messages_per_employee_per_day: float,
           employees: tuple[int, int], warmup_days: int | None,
           attack_rate: float) -> tuple[list[_TenantSim], int]:
    if tenants < 1 or days < 1:
        raise ValueError("tenants and days must be at least 1")
    if not 1 <= employees[0] <= employees[1]:
        raise ValueError(f"employees must be (min, max) with 1 <= min <= max, got {employees}")
    if messages_per_employee_per_day <= 0.0:
        raise ValueError("messages_per_employee_per_day must be positive")
    if not 0.0 <= attack_rate < 1.0:
        raise ValueError("attack_rate must be in [0, 1)")
    warm = days * 2 // 5 if warmup_days is None else warmup_days
    if not 0 <= warm <= days:
        raise ValueError(f"warmup_days must be in [0, {days}], got {warm}")
    world = _World(seed)
    sims = [_TenantSim(world, i, days=days, warmup_days=warm,
                       rate=messages_per_employee_per_day, employees=employees,
                       attack_rate=attack_rate) for i in range(tenants)]
    _plan_spam_waves(seed, sims, days, warm)
    _plan_campaigns(seed, sims)
    _plan_consumer_campaigns(seed, sims)
    return sims, warm


def _received_at(pair: _Emitted) -> float:
    return pair[0].received_at


def generate(tenants: int, days: int, seed: int, *, messages_per_employee_per_day: float = 4.0,
             employees: tuple[int, int] = (40, 120), warmup_days: int | None = None,
             attack_rate: float = 0.01) -> Iterator[tuple[MailRecord, Label]]:
    """Yield ``(record, label)`` for every message of ``tenants`` companies over ``days`` days.

    The stream starts at :data:`EPOCH` and is ordered by ``received_at`` across tenants (ties
    keep tenant order). Memory stays flat: each tenant holds about one day of pending events.

    Args:
        tenants: Number of companies.
        days: Simulated days from :data:`EPOCH`.
        seed: Every random draw derives from it; equal arguments give equal output.
        messages_per_employee_per_day: Mean records per employee on a working day.
        employees: Inclusive range of the head count of each tenant.
        warmup_days: Days of clean traffic before the first attack (default 40 % of days).
        attack_rate: Target share of the targeted attack scenarios after the warm-up; the
            consumer-facing families add about 0.8 times as many again (45 % of attacks).

    Yields:
        The record as the gateway saw it and, separately, the truth about it.

    Raises:
        ValueError: When an argument is out of range.
    """
    sims, _ = _build(tenants, days, seed,
                     messages_per_employee_per_day=messages_per_employee_per_day,
                     employees=employees, warmup_days=warmup_days, attack_rate=attack_rate)
    yield from heapq.merge(*(sim.run() for sim in sims), key=_received_at)


class _BuildOptions(TypedDict):
    """The keyword arguments of :func:`generate` that :func:`write_stream` passes on."""

    messages_per_employee_per_day: float
    employees: tuple[int, int]
    warmup_days: int | None
    attack_rate: float


def write_stream(out_dir: Path, tenants: int, days: int, seed: int, progress: bool = True,
                 **kw: Any) -> dict[str, Any]:
    """Write ``stream.jsonl``, ``labels.jsonl`` and ``manifest.json`` into ``out_dir``.

    The stream holds MailRecords only (time-ordered across tenants); the labels live in their
    own file keyed by ``message_id``, so nothing that scores the stream can see them.

    Args:
        out_dir: Directory to write into (created when missing).
        tenants: Number of companies.
        days: Simulated days.
        seed: Seed of every random draw.
        progress: Show a tqdm progress bar on stderr.
        **kw: Keyword arguments of :func:`generate`.

    Returns:
        The manifest that was written to ``manifest.json``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    args: _BuildOptions = {"messages_per_employee_per_day": 4.0, "employees": (40, 120),
                           "warmup_days": None, "attack_rate": 0.01}
    unknown = set(kw) - set(args)
    if unknown:
        raise TypeError(f"unknown arguments: {sorted(unknown)}")
    args.update(cast(_BuildOptions, kw))  # some of its keys only (checked above)
    sims, warm = _build(tenants, days, seed, **args)
    by_scenario: Counter[str] = Counter()
    by_attack_type: Counter[str] = Counter()
    by_label: Counter[str] = Counter()
    by_direction: Counter[str] = Counter()
    by_tenant: Counter[str] = Counter()
    merged = heapq.merge(*(sim.run() for sim in sims), key=_received_at)
    first = last = None
    with (open(out_dir / "stream.jsonl", "wb") as stream_fh,
          open(out_dir / "labels.jsonl", "wb") as labels_fh,
          tqdm(unit="msg", desc="generate", disable=not progress, mininterval=0.5) as bar):
        for record, label in merged:
            stream_fh.write(orjson.dumps(record.to_dict()))
            stream_fh.write(b"\n")
            labels_fh.write(orjson.dumps(label.to_dict()))
            labels_fh.write(b"\n")
            by_scenario[label.scenario] += 1
            by_attack_type[label.attack_type] += 1
            by_label[label.label] += 1
            by_direction[record.direction] += 1
            by_tenant[record.tenant_id] += 1
            if first is None:
                first = record.received_at
            last = record.received_at
            bar.update(1)
    manifest: dict[str, Any] = {
        "generator": "bench.generate",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "days": days,
        "warmup_days": warm,
        "epoch": EPOCH,
        "attacks_from": EPOCH + warm * _DAY,
        "parameters": {k: list(v) if isinstance(v, tuple) else v for k, v in args.items()},
        "messages": sum(by_label.values()),
        "first_received_at": first,
        "last_received_at": last,
        "by_label": dict(sorted(by_label.items())),
        "by_attack_type": dict(sorted(by_attack_type.items())),
        "by_scenario": dict(sorted(by_scenario.items())),
        "by_direction": dict(sorted(by_direction.items())),
        "tenants": [{"tenant_id": s.tenant_id, "company": s.company, "domains": list(s.domains),
                     "employees": len(s.people), "utc_offset_hours": s.tz,
                     "vendors": len(s.vendors), "customers": len(s.customers),
                     "partners": len(s.partners), "messages": by_tenant[s.tenant_id]}
                    for s in sims],
        "files": {"stream": "stream.jsonl", "labels": "labels.jsonl"},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m bench.generate OUT_DIR --tenants 3 --days 30 --seed 1``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=4.0,
                        help="messages per employee per working day")
    parser.add_argument("--employees", type=int, nargs=2, default=(40, 120),
                        metavar=("MIN", "MAX"))
    parser.add_argument("--warmup-days", type=int, default=None)
    parser.add_argument("--attack-rate", type=float, default=0.01)
    parser.add_argument("--no-progress", action="store_true")
    ns = parser.parse_args(argv)
    manifest = write_stream(ns.out_dir, ns.tenants, ns.days, ns.seed,
                            progress=not ns.no_progress,
                            messages_per_employee_per_day=ns.rate,
                            employees=tuple(ns.employees), warmup_days=ns.warmup_days,
                            attack_rate=ns.attack_rate)
    summary = {k: manifest[k] for k in ("messages", "by_label", "by_attack_type")}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
