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
(an executive's own known freemail address writing to their assistant), newsletters with many
links and brand notifications from the brands' real domains.

Volume: ``messages_per_employee_per_day`` is the mean number of records per employee on a
working day, every direction included; weekends carry about a tenth of that.
"""

from __future__ import annotations

import argparse
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
    "gift_card": "scam",
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
    "Architects", "Pharma", "Software", "Realty", "Aerospace", "Textiles", "Marine",
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
    "finance": (
        ("Expense report - {month}", "Month-end close: open items", "PO approval needed: {po}",
         "Budget vs actuals {quarter}", "Accrual for {vendor}", "Reconciliation question - {vendor}"),
        (
            ("I've submitted my {month} expense report in {system}; total is {amount}, mostly "
             "travel to {city}.",
             "We still have {count} open items for the month-end close; the {vendor} accrual "
             "and the intercompany entries are the biggest.",
             "Can you approve {po} for {vendor}? It's for {amount} and within the {project} "
             "budget.",
             "Actuals are {percent}% under budget for {quarter}, mostly because of delayed "
             "hiring.",
             "The {vendor} statement doesn't match our ledger; there is a difference of "
             "{amount} on two invoices."),
            ("Receipts are attached in the system.", "I've put the details in the shared "
             "workbook.", "I'd like to close this before the {month} reporting deadline.",
             "The GL codes follow last quarter's mapping."),
            ("Thanks for checking.", "Let me know if you need anything else from me.",
             "Happy to go through it on a call."),
        ),
    ),
    "hr": (
        ("PTO request {date}", "Onboarding plan for {hire}", "Benefits enrollment reminder",
         "Interview feedback - {role}", "Team offsite planning", "Performance review schedule"),
        (
            ("I'd like to take {n} days off starting {day}; {first2} has agreed to cover.",
             "{hire} starts on {day} as our new {role}. I've drafted the onboarding plan for the "
             "first two weeks.",
             "A reminder that benefits enrollment closes on {date}; a few people on your team "
             "haven't completed it yet.",
             "Here's my feedback from the {role} interview this morning.",
             "We're planning the team offsite for {month}; I've shortlisted two venues near "
             "{city}."),
            ("Equipment and accounts are requested through IT.",
             "Overall a strong candidate: good structured thinking, less experience with "
             "{system}.",
             "The review calendar is in the HR portal; managers submit by {date}.",
             "Budget per person is roughly {amount} for the two days."),
            ("Let me know if that works.", "Thanks!", "Happy to discuss."),
        ),
    ),
    "it": (
        ("Laptop replacement", "VPN access for {hire}", "Ticket {ticket}: {it_issue}",
         "Software license request - {software}", "Re-imaging scheduled for {day}"),
        (
            ("Your replacement laptop is ready; you can pick it up from IT on {day} after "
             "{time}.",
             "I've raised {ticket} for the {it_issue}. We're waiting on a part from the vendor.",
             "Could you approve a {software} license for {hire}? It's needed for the {project} "
             "work.",
             "{hire} needs VPN and shared drive access before {day}."),
            ("Please back up anything stored locally; OneDrive files sync automatically.",
             "The license is {amount} per year on the current agreement.",
             "We'll update the ticket once the change is done.",
             "Access follows the standard profile for the team."),
            ("Thanks.", "Let me know if you have questions.", "Cheers."),
        ),
    ),
    "social": (
        ("Team lunch {day}", "Thursday drinks", "Congrats on the {project} launch!",
         "Office closure {day}", "Card for {first2}", "Coffee?"),
        (
            ("We're doing a team lunch on {day} at 12:30, the Thai place around the corner. "
             "Let me know if you can make it.",
             "Huge congratulations on getting {project} live, that was a lot of late nights.",
             "The office will be closed on {day} for building maintenance; please work from "
             "home.",
             "We're collecting for a card for {first2}'s last day; drop by my desk.",
             "Fancy a coffee {day} afternoon? Would be good to catch up."),
            ("Please reply by {day} so I can book a table for {count}.",
             "The client feedback has been great.", "Badges won't work that day.",
             "No pressure, any amount is fine."),
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
    "support": (
        ("Issue with {product}", "Ticket {ticket} follow-up", "Service interruption on {day}"),
        (
            ("We're seeing an issue with {product} since {day}: the export fails for about "
             "{percent}% of records.",
             "Following up on {ticket}; is there an update on the fix?",
             "We had a service interruption on {day} between {time} and noon. Can you share the "
             "root cause?"),
            ("Screenshots and the log excerpt are attached.",
             "This is blocking the {month} reporting for {count} users.",
             "Our contract includes a four-hour response time for priority issues."),
            ("Thanks for looking into it.", "Please keep me posted.", "Appreciate the help."),
        ),
    ),
    "freelance": (
        ("Following up", "Quick question", "Timesheet {month}", "Interview availability",
         "Application for the {role} position", "Notes from {day}"),
        (
            ("Thanks again for the conversation on {day}. I've attached my notes as promised.",
             "Please find my timesheet for {month} attached; {count} hours in total.",
             "I'm available for an interview {day} or any time after {time}.",
             "I'm writing to apply for the {role} position I saw on your careers page.",
             "Quick question about the {project} deliverable: do you want the draft in Word or "
             "as slides?"),
            ("I've worked in a similar role for the last {n} years.",
             "The hours are split between the {project} work and the reporting.",
             "My CV is attached for reference.",
             "I can turn it around by {day}."),
            ("Thanks for your time.", "Best wishes.", "Looking forward to hearing from you."),
        ),
    ),
}

_TOPIC_BY_DEPT: Final[dict[str, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    "exec": (("project", "schedule", "notes", "document", "finance", "hr"), (3, 3, 2, 2, 2, 1)),
    "assistant": (("schedule", "notes", "document", "social"), (5, 2, 2, 1)),
    "finance": (("finance", "schedule", "document", "project"), (5, 2, 2, 1)),
    "hr": (("hr", "schedule", "document", "social"), (5, 2, 1, 1)),
    "it": (("it", "project", "schedule"), (5, 2, 2)),
    "sales": (("project", "schedule", "document", "notes", "social"), (2, 3, 2, 2, 1)),
    "ops": (("project", "schedule", "notes", "document", "finance"), (3, 2, 2, 2, 1)),
    "marketing": (("document", "project", "schedule", "social"), (3, 2, 2, 1)),
    "eng": (("project", "schedule", "notes", "document", "it", "social"), (4, 3, 2, 2, 1, 1)),
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
