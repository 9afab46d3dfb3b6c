"""Leads for a dealer group: channel, store, model of interest; one duplicate check for the whole
group; assignment to a salesperson of the store.

- **Channel** is ERPNext's own Lead Source (``Lead.source``); the channels a dealer group uses are
  created on install. A lead always has one: the desk defaults to *Walk In*, the portal enquiry page
  says *Portal*, feeds say *Website* or *Manufacturer*.
- **Duplicate check across the group**: phone, email and tax id are normalised into keys stored on
  Lead and Customer (indexed columns ``dms_phone_key``, ``dms_email_key``, ``dms_tax_key``). A new
  lead whose key matches any existing lead or customer of the group, whatever its region, is a
  duplicate: the desk refuses it and names the record; the portal and feed intake
  (:func:`intake_lead`) record the enquiry on the existing record and return it, so a retried feed
  never creates a second lead. One query of six index lookups (:func:`find_duplicate`).
- Phones are normalised with the ``phonenumbers`` library (a Frappe dependency) to E.164, in the
  country of the lead (else of its company): ``138-1234 5678``, ``+86 138 1234 5678`` and
  ``0086 13812345678`` are one number.
- **Assignment**: a new lead without an owner goes to a salesperson (role *DMS Sales*) assigned to
  its store, by the store's inherited policy ``lead_assignment_rule``: round robin (the next after
  the one who got the store's last lead) or least open leads.
"""

import re

import phonenumbers

import frappe
from frappe import _
from frappe.utils import cstr, validate_email_address

from dms_suite.dms_org.document_unit import get_unit_maps
from dms_suite.dms_org.policy import get_effective_policy

LEAD_SOURCES = ("Walk In", "Phone", "Website", "Portal", "Manufacturer", "Event", "Referral")
DESK_CHANNEL = "Walk In"
FEED_CHANNELS = ("Website", "Manufacturer", "Phone", "Event", "Referral")
SALES_ROLE = "DMS Sales"
CLOSED_LEAD_STATUSES = ("Converted", "Do Not Contact", "Quotation", "Opportunity", "Lost Quotation")

KEY_FIELDS = [  # normalised keys of the duplicate check, indexed
	{
		"fieldname": f"dms_{key}_key",
		"fieldtype": "Data",
		"label": f"{label} (normalised)",
		"read_only": 1,
		"hidden": 1,
		"no_copy": 1,
		"search_index": 1,
		"print_hide": 1,
		"report_hide": 1,
	}
	for key, label in (("phone", "Phone"), ("email", "Email"), ("tax", "Tax ID"))
]

CUSTOM_FIELDS = {
	"Lead": [
		{
			"fieldname": "dms_interest_item",
			"fieldtype": "Link",
			"options": "Item",
			"label": "Vehicle / Equipment of Interest",
			"insert_after": "source",
			"in_standard_filter": 1,
		},
		{
			"fieldname": "dms_tax_id",
			"fieldtype": "Data",
			"label": "Tax ID / ID Number",
			"insert_after": "dms_interest_item",
			"description": "Checked against every lead and customer of the group for duplicates.",
		},
		*[dict(field, insert_after="dms_tax_id") for field in KEY_FIELDS],
	],
	"Customer": [dict(field, insert_after="tax_id") for field in KEY_FIELDS],
}


class LeadContactMissingError(frappe.ValidationError):
	pass


class InvalidPhoneError(frappe.InvalidPhoneNumberError):
	pass


class InvalidEmailError(frappe.InvalidEmailAddressError):
	pass


class DuplicateLeadError(frappe.DuplicateEntryError):
	pass


class InvalidChannelError(frappe.ValidationError):
	pass


def configure() -> None:
	"""The channels (Lead Sources) a dealer group takes leads from."""
	existing = set(frappe.get_all("Lead Source", pluck="name"))
	for source in LEAD_SOURCES:
		if source not in existing:
			frappe.get_doc({"doctype": "Lead Source", "source_name": source}).insert(ignore_permissions=True)


# ---------------------------------------------------------------------------------------------------
# Normalised keys


def normalise_phone(raw: str | None, country: str | None = None) -> str | None:
	"""E.164 form of a phone number (``+8613812345678``), None when empty; throws when malformed."""
	text = cstr(raw).strip()
	if not text:
		return None
	text = re.sub(r"^00", "+", re.sub(r"[\s\-().]", "", text))
	try:  # letters are refused, not read as a vanity number
		number = None if re.search(r"[^\d+]", text) else phonenumbers.parse(text, country_code(country))
	except phonenumbers.NumberParseException:
		number = None
	if number is None or not phonenumbers.is_possible_number(number):
		frappe.throw(
			_("{0} is not a valid phone number").format(frappe.bold(raw)),
			InvalidPhoneError,
			title=_("Invalid Phone"),
		)
	return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str | None) -> str | None:
	text = cstr(raw).strip().lower()
	if not text:
		return None
	if not validate_email_address(text):
		frappe.throw(
			_("{0} is not a valid email address").format(frappe.bold(raw)),
			InvalidEmailError,
			title=_("Invalid Email"),
		)
	return text


def normalise_tax_id(raw: str | None) -> str | None:
	text = re.sub(r"[\s\-./]", "", cstr(raw)).upper()
	return text or None


def country_code(country: str | None) -> str | None:
	"""ISO code (``CN``) of a Country record, or of the system's country when none is given."""
	country = country or frappe.db.get_single_value("System Settings", "country")
	code = country and frappe.get_cached_value("Country", country, "code")
	return code.upper() if code else None


def lead_country(doc) -> str | None:
	return doc.get("country") or (
		doc.get("company") and frappe.get_cached_value("Company", doc.company, "country")
	)


def set_lead_keys(doc) -> None:
	if not (doc.get("mobile_no") or doc.get("phone") or doc.get("whatsapp_no") or doc.get("email_id")):
		frappe.throw(
			_("A lead needs a phone number or an email address to be followed up."),
			LeadContactMissingError,
			title=_("No Contact"),
		)
	country = lead_country(doc)
	phones = [normalise_phone(doc.get(f), country) for f in ("mobile_no", "phone", "whatsapp_no")]
	doc.dms_phone_key = next((phone for phone in phones if phone), None)
	doc.dms_email_key = normalise_email(doc.get("email_id"))
	doc.dms_tax_key = normalise_tax_id(doc.get("dms_tax_id"))


def set_customer_keys(doc, method=None) -> None:
	"""doc_events ``validate`` of Customer. A customer's contact details are not checked here (ERPNext
	fills them from the primary contact); a malformed one is simply not a key."""
	country = doc.get("country") or None
	try:
		doc.dms_phone_key = normalise_phone(doc.get("mobile_no"), country)
	except InvalidPhoneError:
		frappe.clear_last_message()
		doc.dms_phone_key = None
	try:
		doc.dms_email_key = normalise_email(doc.get("email_id"))
	except InvalidEmailError:
		frappe.clear_last_message()
		doc.dms_email_key = None
	doc.dms_tax_key = normalise_tax_id(doc.get("tax_id"))


# ---------------------------------------------------------------------------------------------------
# The duplicate check


def find_duplicate(
	phone: str | None, email: str | None, tax_id: str | None, exclude_lead: str | None = None
) -> tuple[str, str] | None:
	"""(doctype, name) of an existing customer (preferred) or lead with any of the keys, group-wide.

	Deliberately not permission-filtered: a duplicate in another region is still a duplicate. One
	statement; each branch is a lookup on an indexed key column.
	"""
	keys = {"dms_phone_key": phone, "dms_email_key": email, "dms_tax_key": tax_id}
	branches, values = [], {"exclude": exclude_lead or ""}
	for rank, (doctype, extra) in enumerate((("Customer", ""), ("Lead", " and name != %(exclude)s"))):
		for field, key in keys.items():
			if key:
				values[field] = key
				branches.append(
					f"(select {rank} as rank_, %(dt{rank})s as doctype, name from `tab{doctype}` "
					f"where {field} = %({field})s{extra} limit 1)"
				)
				values[f"dt{rank}"] = doctype
	if not branches:
		return None
	rows = frappe.db.sql(" union all ".join(branches) + " order by rank_ limit 1", values)
	return (rows[0][1], rows[0][2]) if rows else None


def check_duplicate(doc, method=None) -> None:
	"""doc_events ``before_insert`` of Lead (desk and REST): refuse a duplicate, naming the record."""
	if doc.flags.dms_duplicate_checked:  # intake_lead has checked it and recorded the enquiry
		return
	set_lead_keys(doc)
	duplicate = find_duplicate(doc.dms_phone_key, doc.dms_email_key, doc.dms_tax_key)
	if duplicate:
		doctype, name = duplicate
		if frappe.has_permission(doctype, "read", name):
			unit = frappe.db.get_value(doctype, name, "dms_org_unit") if doctype == "Lead" else None
			message = _(
				"{0} {1} already has this phone, email or tax id{2}: follow it up instead of a new lead."
			).format(_(doctype), frappe.bold(name), _(" (store {0})").format(unit) if unit else "")
		else:
			# a record of another unit: refused all the same, but neither named nor placed
			message = _(
				"The group already knows this phone, email or tax id at another store: ask your manager "
				"to have it handed over instead of making a new lead."
			)
		frappe.throw(message, DuplicateLeadError, title=_("Duplicate Lead"))


# ---------------------------------------------------------------------------------------------------
# Validation and assignment (doc_events of Lead)


def validate_lead(doc, method=None) -> None:
	"""doc_events ``validate`` of Lead, after the org unit is set: channel, keys, owner."""
	if not doc.source:
		doc.source = DESK_CHANNEL
	set_lead_keys(doc)
	if doc.is_new() and doc.dms_org_unit:
		doc.lead_owner = pick_salesperson(doc.dms_org_unit, doc.lead_owner)


def pick_salesperson(store: str, chosen: str | None = None) -> str | None:
	"""The salesperson of ``store`` who gets its next lead, by the store's ``lead_assignment_rule``.

	A salesperson of the store chosen by hand keeps the lead. Anyone else (ERPNext makes the creator
	the owner: a receptionist, a feed's integration user) hands it on, unless the store has no
	salesperson.
	"""
	people = store_salespeople(store)
	if not people or chosen in people:
		return chosen
	if get_effective_policy(store)["lead_assignment_rule"] == "Least Open Leads":
		open_leads = dict(
			frappe.db.sql(
				"""
				select lead_owner, count(*) from `tabLead`
				where dms_org_unit = %s and lead_owner in %s and status not in %s
				group by lead_owner
				""",
				(store, tuple(people), CLOSED_LEAD_STATUSES),
			)
		)
		return min(people, key=lambda user: (open_leads.get(user, 0), user))
	last = frappe.db.sql(
		"""
		select lead_owner from `tabLead`
		where dms_org_unit = %s and lead_owner in %s
		order by creation desc, name desc limit 1
		""",
		(store, tuple(people)),
	)
	if not last:
		return people[0]
	return people[(people.index(last[0][0]) + 1) % len(people)]


def store_salespeople(store: str) -> list[str]:
	"""Enabled users with the DMS Sales role assigned to the store itself, by name (one query)."""
	return frappe.db.sql_list(
		"""
		select distinct user.name
		from `tabDMS Org Assignment` assignment
		join `tabUser` user on user.name = assignment.user and user.enabled = 1
		join `tabHas Role` role on role.parent = user.name and role.parenttype = 'User' and role.role = %s
		where assignment.org_unit = %s
		order by user.name
		""",
		(SALES_ROLE, store),
	)


# ---------------------------------------------------------------------------------------------------
# Intake from the portal and from feeds


def intake_lead(values: dict, channel: str, store: str) -> dict:
	"""Create a lead from an enquiry, or record the enquiry on the lead or customer it duplicates.

	Returns ``{"name", "doctype", "created"}``. Permission is the caller's business (the portal
	page takes guests; the feed API checks the user's right on the store).
	"""
	if channel not in LEAD_SOURCES:
		frappe.throw(
			_("Unknown channel {0}; use one of {1}").format(frappe.bold(channel), ", ".join(LEAD_SOURCES)),
			InvalidChannelError,
		)
	company = get_unit_maps().company_of.get(store)
	if not company or frappe.db.get_value("DMS Org Unit", store, "unit_type") != "Store":
		frappe.throw(_("{0} is not a store of the group").format(frappe.bold(store)), frappe.ValidationError)

	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			**{field: cstr(values.get(field)).strip() or None for field in INTAKE_FIELDS},
			"source": channel,
			"company": company,
			"dms_org_unit": store,
		}
	)
	lead.lead_name = " ".join(filter(None, (lead.first_name, lead.last_name))) or lead.email_id
	set_lead_keys(lead)
	# the enquiry is checked the same way whether or not the person is known: an answer that differs
	# (a bad model refused only for new people) would tell a guest who is a customer
	validate_enquiry(lead)
	duplicate = find_duplicate(lead.dms_phone_key, lead.dms_email_key, lead.dms_tax_key)
	if duplicate:
		doctype, name = duplicate
		frappe.get_doc(doctype, name).add_comment(
			"Info",
			_("New enquiry via {0} at {1}: {2} {3}")
			.format(_(channel), store, cstr(lead.dms_interest_item), cstr(values.get("notes")))
			.strip(),
		)
		return {"doctype": doctype, "name": name, "created": False}
	lead.flags.ignore_permissions = True
	lead.flags.dms_duplicate_checked = True
	lead.insert()
	if values.get("notes"):
		lead.add_comment("Comment", cstr(values["notes"]))
	return {"doctype": "Lead", "name": lead.name, "created": True}


def validate_enquiry(lead) -> None:
	"""What the insert of a new lead would refuse in what an enquiry brings: its links and email."""
	if lead.email_id:
		frappe.utils.validate_email_address(lead.email_id, throw=True)
	lead._action = "insert"  # what Frappe sets before the same checks on insert
	lead._validate_links()


INTAKE_FIELDS = (
	"first_name",
	"last_name",
	"company_name",
	"mobile_no",
	"phone",
	"email_id",
	"dms_tax_id",
	"dms_interest_item",
	"city",
	"country",
	"campaign_name",
)
