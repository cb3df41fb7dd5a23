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

Hard ham (legitimate mail that looks like attacks) is labelled ham: ``vendor_invoice_legit``
(genuine invoices and payment reminders from known vendor addresses and networks),
``vendor_bank_change_legit`` (rare, from the known address and network, asks for a call-back
verification), ``password_reset_notice`` (the tenant's IT system, including an all-staff MFA
notice with a login link), ``exec_internal_payment`` (executives asking finance to pay,
internally), ``new_customer_inquiry`` (first-contact external senders), ``exec_personal_account``
(an executive's own known freemail address writing to their assistant),
``first_contact_legit`` (a new person at a known organisation taking over an account, cold
introductions from companies never seen, job applicants on freemail with a CV attached),
newsletters with many links and brand notifications from the brands' real domains.

Volume: ``messages_per_employee_per_day`` is the mean number of records per employee on a
working day, every direction included; a weekend day carries about 5 % of a working day.
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
from typing import Any, Final

import orjson
from tqdm import tqdm

from schemas.records import Address, Attachment, AuthResults, MailRecord, Url

__all__ = ["ATTACK_SCENARIOS", "EPOCH", "HAM_SCENARIOS", "Label", "generate", "write_stream"]

EPOCH: Final = 1_767_571_200
"""Monday 2026-01-05 00:00:00 UTC: day 0 of every generated stream."""

GENERATOR_VERSION: Final = 1
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
        pool = list(_BULK_FILLERS if body.bulk else _FILLERS)
        rng.shuffle(pool)
        for line in pool:
            if length >= 310:
                break
            parts.insert(len(parts) if body.bulk else max(1, len(parts) - 1), line)
            length += len(line) + 2
    elif not body.bulk and len(parts) > 2 and rng.random() < 0.25:
        # The same closing lines appear in long mail too, so they say nothing about brevity.
        parts.insert(len(parts) - 1, rng.choice(_FILLERS))
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
        if rng.random() < 0.55:
            parts.append(rng.choice(_GREETINGS[:3]).format_map(slots))
        picked = rng.sample(_REPLIES, rng.choice((1, 1, 2)))
        parts.append(" ".join(line.format_map(slots) for line in picked))
        external = any(p.org is not replier.org for p in (*to, *cc))
        parts.append(self._signature(replier, external=external, short=rng.random() < 0.7))
        body = _Body(parts, self._quote(parent, replier), parent.urls)
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
        subject, body, attachments = self._conversation(topic, sender, to, t, external=False)
        out, sent = self._emit(t, sender, to, cc, subject, body, scenario="normal", topic=topic,
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
        subject, body, attachments = self._conversation(topic, sender, to, t, external=True)
        out, sent = self._emit(t, sender, to, cc, subject, body, scenario="normal", topic=topic,
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
        subject, body, attachments = self._conversation(topic, ext, to, t, external=True)
        out, sent = self._emit(t, ext, to, cc, subject, body, scenario="normal", topic=topic,
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
            locals_ = ("it-support", "helpdesk", "no-reply", "postmaster", "admin")
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


_TENANT_SCENARIOS: Final = tuple(s for s in ATTACK_SCENARIOS if s != "spam_wave")


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
        attack_rate: Target share of attack messages after the warm-up.

    Yields:
        The record as the gateway saw it and, separately, the truth about it.

    Raises:
        ValueError: When an argument is out of range.
    """
    sims, _ = _build(tenants, days, seed,
                     messages_per_employee_per_day=messages_per_employee_per_day,
                     employees=employees, warmup_days=warmup_days, attack_rate=attack_rate)
    yield from heapq.merge(*(sim.run() for sim in sims), key=_received_at)


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
    args = {"messages_per_employee_per_day": 4.0, "employees": (40, 120), "warmup_days": None,
            "attack_rate": 0.01}
    unknown = set(kw) - set(args)
    if unknown:
        raise TypeError(f"unknown arguments: {sorted(unknown)}")
    args.update(kw)
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
