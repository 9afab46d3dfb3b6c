"""The group customer pool: one Customer for the whole dealer group.

A Customer belongs to an owning org unit (``dms_org_unit``, set on insert from the creator's
assignment) and remembers every unit that has served it (the ``dms_served_units`` table, one row per
unit, kept when a Quotation, Sales Order, Delivery Note or Sales Invoice is submitted). A DMS user sees
a customer their units own or have served (dms_suite/permissions.py, section "Customer").

Contact details and identity numbers are sensitive. They sit at permission level 2 (ERPNext already
gives every Sales User permission level 1 on Customer, so level 1 would hide nothing from store
staff): Frappe removes them from form loads, REST, frappe.client and report views for roles without a
level-2 rule. Store users recognise a customer by a masked phone (``dms_masked_mobile``). Every
unmasked single-document view (desk form, REST GET, frappe.client.get) is written to Frappe's Access
Log.

The profile (lifetime value, last purchase, open opportunities, preferred store, vehicles, orders)
is computed by ``get_customer_profile``; amounts of documents outside the user's units are withheld.
"""

import frappe
from frappe import _
from frappe.contacts.doctype.address.address import get_address_display
from frappe.core.doctype.access_log.access_log import make_access_log
from frappe.custom.doctype.property_setter.property_setter import make_property_setter
from frappe.utils import getdate, today

from erpnext.selling.doctype.customer.customer import Customer

from dms_suite.permissions import get_user_units

# ---------------------------------------------------------------------------------------------
# fields

SENSITIVE_PERMLEVEL = 2
# Fields made sensitive by Property Setters: ERPNext's own, and the normalised phone / email / tax-id
# keys of the leads part (dms_suite/dms_sales/leads.py), which are copies of them. dms_id_number is ours:
# its custom field carries the level itself. Bank details are not on Customer in v15 (a Bank Account
# names the party; its own permissions guard it).
SENSITIVE_ERPNEXT_FIELDS = ("mobile_no", "email_id", "tax_id")
SENSITIVE_KEY_FIELDS = ("dms_phone_key", "dms_email_key", "dms_tax_key")
PROPERTY_SETTER_FIELDS = (*SENSITIVE_ERPNEXT_FIELDS, *SENSITIVE_KEY_FIELDS)
SENSITIVE_FIELDS = (*PROPERTY_SETTER_FIELDS, "dms_id_number")

SERVED_TABLE = "DMS Customer Unit"
SERVED_FIELD = "dms_served_units"
BACKFILL_JOB_ID = "dms_suite_backfill_served_units"
# the documents whose submission means "this unit served this customer": (doctype, customer column, date
# column, extra condition)
SERVING_DOCUMENTS = (
	("Quotation", "party_name", "transaction_date", "and quotation_to = 'Customer'"),
	("Sales Order", "customer", "transaction_date", ""),
	("Delivery Note", "customer", "posting_date", ""),
	("Sales Invoice", "customer", "posting_date", ""),
)

CUSTOM_FIELDS: dict[str, list[dict]] = {
	"Customer": [
		{
			"fieldname": "dms_org_unit",
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"label": "Owning Org Unit",
			"insert_after": "customer_group",
			"search_index": 1,
			"in_standard_filter": 1,
			"ignore_user_permissions": 1,
			"no_copy": 1,
			"print_hide": 1,
			"description": "Store, region or group that owns this customer; the creator's unit when left empty.",
		},
		{
			"fieldname": "dms_masked_mobile",
			"fieldtype": "Data",
			"label": "Mobile No (masked)",
			"insert_after": "dms_org_unit",
			"read_only": 1,
			"no_copy": 1,
			"print_hide": 1,
			"description": "Lets staff without access to contact details recognise the customer.",
		},
		{
			"fieldname": "dms_id_number",
			"fieldtype": "Data",
			"label": "ID / Passport Number",
			"insert_after": "tax_id",
			"permlevel": SENSITIVE_PERMLEVEL,
			"no_copy": 1,
			"print_hide": 1,
		},
		{
			"fieldname": "dms_consent_section",
			"fieldtype": "Section Break",
			"label": "Consent",
			"insert_after": "dms_id_number",
			"collapsible": 1,
		},
		{
			"fieldname": "dms_marketing_consent",
			"fieldtype": "Check",
			"label": "Marketing Consent",
			"insert_after": "dms_consent_section",
		},
		{
			"fieldname": "dms_marketing_consent_date",
			"fieldtype": "Date",
			"label": "Marketing Consent Given On",
			"insert_after": "dms_marketing_consent",
			"depends_on": "dms_marketing_consent",
			"no_copy": 1,
		},
		{
			"fieldname": "dms_consent_column",
			"fieldtype": "Column Break",
			"insert_after": "dms_marketing_consent_date",
		},
		{
			"fieldname": "dms_data_sharing_consent",
			"fieldtype": "Check",
			"label": "Data Sharing Consent",
			"insert_after": "dms_consent_column",
			"description": "The customer agreed that group companies share their data.",
		},
		{
			"fieldname": "dms_data_sharing_consent_date",
			"fieldtype": "Date",
			"label": "Data Sharing Consent Given On",
			"insert_after": "dms_data_sharing_consent",
			"depends_on": "dms_data_sharing_consent",
			"no_copy": 1,
		},
		{
			"fieldname": "dms_served_section",
			"fieldtype": "Section Break",
			"label": "Served By",
			"insert_after": "dms_data_sharing_consent_date",
			"collapsible": 1,
		},
		{
			"fieldname": SERVED_FIELD,
			"fieldtype": "Table",
			"options": SERVED_TABLE,
			"label": "Served By Units",
			"insert_after": "dms_served_section",
			"read_only": 1,
			"no_copy": 1,
			"print_hide": 1,
		},
	]
}

CONSENTS = (
	("dms_marketing_consent", "dms_marketing_consent_date"),
	("dms_data_sharing_consent", "dms_data_sharing_consent_date"),
)

# ---------------------------------------------------------------------------------------------
# who reads the sensitive fields
#
# Level 2 read: the roles that talk to customers about money or contracts. Not DMS Store User, DMS
# Service Advisor, DMS Stock Controller (their Role Profiles hold only Sales User / Stock roles).
# ERPNext roles keep it too, so plain ERPNext customer managers and accountants see what they saw.
SENSITIVE_READERS = (
	"DMS Sales",
	"DMS Store Manager",
	"DMS Region Manager",
	"DMS Group Executive",
	"DMS Accountant",
	"Sales Manager",
	"Sales Master Manager",
	"Accounts User",
	"Accounts Manager",
)
# Level 2 write: those who register or correct customers.
SENSITIVE_WRITERS = (
	"DMS Sales",
	"DMS Store Manager",
	"DMS Region Manager",
	"DMS Group Executive",
	"Sales Master Manager",
)


def configure() -> None:
	"""Sensitive fields to level 2 and who may read them; idempotent (install and every migrate)."""
	set_sensitive_level("Customer", PROPERTY_SETTER_FIELDS)
	_install_docperms()
	frappe.db.add_index(SERVED_TABLE, ["org_unit", "parent"])
	frappe.clear_cache(doctype="Customer")


def set_sensitive_level(doctype: str, fieldnames) -> None:
	"""Property Setters putting ``fieldnames`` of ``doctype`` (those that exist) at the sensitive level."""
	meta = frappe.get_meta(doctype)
	present = dict(
		frappe.get_all(
			"Property Setter",
			filters={"doc_type": doctype, "field_name": ("in", list(fieldnames)), "property": "permlevel"},
			fields=["field_name", "value"],
			as_list=True,
		)
	)
	for fieldname in fieldnames:
		if meta.has_field(fieldname) and present.get(fieldname) != str(SENSITIVE_PERMLEVEL):
			make_property_setter(
				doctype, fieldname, "permlevel", SENSITIVE_PERMLEVEL, "Int", validate_fields_for_doctype=False
			)


def add_sensitive_rules(doctype: str, rules: dict[str, bool]) -> None:
	"""Level-0 and sensitive-level read rules (write at the sensitive level where ``rules[role]``) for
	each role, those missing only. Custom DocPerms replace a doctype's standard ones, so those are
	copied first (what the Role Permission Manager does); Frappe wants a level-0 rule beside every
	higher one."""
	from frappe.permissions import setup_custom_perms

	setup_custom_perms(doctype)
	present = {
		(row.role, row.permlevel)
		for row in frappe.get_all("Custom DocPerm", {"parent": doctype}, ["role", "permlevel"])
	}
	for role, writes in rules.items():
		for level in (0, SENSITIVE_PERMLEVEL):
			if (role, level) in present:
				continue
			frappe.get_doc(
				{
					"doctype": "Custom DocPerm",
					"parent": doctype,
					"parenttype": "DocType",
					"parentfield": "permissions",
					"role": role,
					"permlevel": level,
					"read": 1,
					"write": int(writes and level == SENSITIVE_PERMLEVEL),
				}
			).insert(ignore_permissions=True)


def after_install() -> None:
	# customers served before dms_suite (or before their documents had a unit) get their serving units
	frappe.enqueue(
		"dms_suite.dms_sales.customers.backfill_served_units",
		queue="long",
		job_id=BACKFILL_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def _install_docperms() -> None:
	"""Every reader role reads Customer and its sensitive level; the writers write it."""
	add_sensitive_rules("Customer", {role: role in SENSITIVE_WRITERS for role in SENSITIVE_READERS})


def before_uninstall() -> None:
	frappe.db.delete(
		"Property Setter",
		{"doc_type": "Customer", "field_name": ("in", PROPERTY_SETTER_FIELDS), "property": "permlevel"},
	)
	remove_sensitive_rules("Customer")
	frappe.clear_cache(doctype="Customer")


def remove_sensitive_rules(doctype: str) -> None:
	"""Take out what ``add_sensitive_rules`` added: the sensitive level, the DMS roles' rules and the
	level-0 rules of reader roles the doctype's standard rules do not have. The copies of the standard
	rules are left to dms_suite.setup.drop_copied_docperms."""
	standard = frappe.get_all("DocPerm", filters={"parent": doctype, "permlevel": 0}, pluck="role")
	frappe.db.delete("Custom DocPerm", {"parent": doctype, "permlevel": SENSITIVE_PERMLEVEL})
	frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": ("like", "DMS %")})
	added = [role for role in SENSITIVE_READERS if role not in standard]
	if added:
		frappe.db.delete("Custom DocPerm", {"parent": doctype, "permlevel": 0, "role": ("in", added)})


# ---------------------------------------------------------------------------------------------
# Customer doc_events


def set_owning_unit(doc, method=None) -> None:
	"""doc_events ``before_insert``: a customer without an owner belongs to its creator's unit."""
	if not doc.get("dms_org_unit"):
		doc.dms_org_unit = default_owning_unit(frappe.session.user)


def default_owning_unit(user: str) -> str | None:
	"""The deepest unit ``user`` is assigned to (the first by name among equals)."""
	units = frappe.db.sql(
		"""
		select unit.name
		from `tabDMS Org Assignment` assignment
		join `tabDMS Org Unit` unit on unit.name = assignment.org_unit
		where assignment.user = %s
		order by unit.lft desc, unit.name
		limit 1
		""",
		user,
	)
	return units[0][0] if units else None


def validate_customer(doc, method=None) -> None:
	"""doc_events ``validate``: consent dates follow the flags; the masked phone follows the phone."""
	for flag, date_field in CONSENTS:
		if not doc.get(flag):
			doc.set(date_field, None)
		elif not doc.get(date_field):
			doc.set(date_field, today())
		elif getdate(doc.get(date_field)) > getdate(today()):
			frappe.throw(_("Consent cannot be given on a future date"), frappe.ValidationError)
	doc.dms_masked_mobile = mask_phone(doc.get("mobile_no"))


def mask_phone(phone: str | None) -> str | None:
	"""``13812345678`` → ``138****5678``; short numbers keep only their last two digits."""
	if not phone:
		return None
	digits = "".join(ch for ch in phone if ch.isdigit())
	if len(digits) >= 8:
		return f"{digits[:3]}****{digits[-4:]}"
	return "*" * max(len(digits) - 2, 1) + digits[-2:]


# ---------------------------------------------------------------------------------------------
# served units


def record_served_unit(doc, method=None) -> None:
	"""doc_events ``on_submit`` of Quotation, Sales Order, Delivery Note, Sales Invoice (and
	``after_insert`` of a Service Order: a booking): the document's unit has served its customer. One upsert per document, written straight to the table so serving a
	customer needs no write permission on it (and does not touch the customer's ``modified``)."""
	customer = _customer_of(doc)
	unit = doc.get("dms_org_unit")
	if not customer or not unit:
		return
	add_served_unit(customer, unit, doc.get("posting_date") or doc.get("transaction_date") or today())


def add_served_unit(customer: str, unit: str, served_on) -> None:
	"""``unit`` has served ``customer`` on ``served_on``: one row per unit, first and last dates kept."""
	served_on = getdate(served_on)
	row = frappe.db.get_value(
		SERVED_TABLE,
		{"parenttype": "Customer", "parentfield": SERVED_FIELD, "parent": customer, "org_unit": unit},
		["name", "first_served", "last_served"],
		as_dict=True,
	)
	if row:
		first = min(getdate(row.first_served or served_on), served_on)
		last = max(getdate(row.last_served or served_on), served_on)
		if (first, last) != (row.first_served, row.last_served):
			frappe.db.set_value(
				SERVED_TABLE, row.name, {"first_served": first, "last_served": last}, update_modified=False
			)
		return
	idx = frappe.db.count(SERVED_TABLE, {"parenttype": "Customer", "parent": customer}) + 1
	frappe.get_doc(
		{
			"doctype": SERVED_TABLE,
			"parenttype": "Customer",
			"parentfield": SERVED_FIELD,
			"parent": customer,
			"idx": idx,
			"org_unit": unit,
			"first_served": served_on,
			"last_served": served_on,
		}
	).db_insert()


class CustomerOutOfReachError(frappe.PermissionError):
	pass


def check_customer_in_reach(doc, method=None) -> None:
	"""doc_events ``validate`` of the documents that make their store a serving unit of the customer
	(quotation, order, delivery, invoice, service order): a narrowed user names only a customer they
	can already see. Otherwise a store could claim any customer of the group, and see their record
	and vehicles, by booking a service order or submitting a quotation for them."""
	customer = _customer_of(doc)
	if not customer or get_user_units() is None:
		return
	if not (
		doc.is_new() or doc.has_value_changed("party_name" if doc.doctype == "Quotation" else "customer")
	):
		return
	if not frappe.has_permission("Customer", "read", customer):
		frappe.throw(
			_(
				"Customer {0} is served by another unit of the group. Ask its store or your manager to hand "
				"the customer over before you make a {1} for them."
			).format(frappe.bold(customer), _(doc.doctype)),
			CustomerOutOfReachError,
			title=_("Customer of Another Unit"),
		)


def backfill_served_units() -> int:
	"""Add the served-unit rows missing for submitted documents: one INSERT … SELECT for all four
	doctypes. Idempotent (a customer/unit pair that has a row is left alone); runs after install and
	every migrate, so documents placed in a unit later (dms_suite.dms_org.document_unit backfill) follow."""
	documents = " union all ".join(
		f"""select `{customer}` as customer, dms_org_unit as unit, `{date}` as served_on
		from `tab{doctype}` where docstatus = 1 and ifnull(dms_org_unit, '') != '' {condition}"""
		for doctype, customer, date, condition in SERVING_DOCUMENTS
	)
	before = frappe.db.count(SERVED_TABLE)
	frappe.db.sql(
		f"""
		insert into `tab{SERVED_TABLE}` (name, creation, modified, owner, modified_by, docstatus, idx,
			parent, parenttype, parentfield, org_unit, first_served, last_served)
		select substr(md5(concat(src.customer, '/', src.unit, '/', rand())), 1, 10), now(), now(),
			'Administrator', 'Administrator', 0, 0, src.customer, 'Customer', %(field)s, src.unit,
			src.first_served, src.last_served
		from (
			select customer, unit, min(served_on) as first_served, max(served_on) as last_served
			from ({documents}) docs
			group by customer, unit
		) src
		join `tabCustomer` customer on customer.name = src.customer
		where not exists (
			select 1 from `tab{SERVED_TABLE}` served
			where served.parenttype = 'Customer' and served.parent = src.customer and served.org_unit = src.unit
		)
		""",
		{"field": SERVED_FIELD},
	)
	return frappe.db.count(SERVED_TABLE) - before


def _customer_of(doc) -> str | None:
	if doc.doctype == "Quotation":
		return doc.party_name if doc.quotation_to == "Customer" else None
	return doc.get("customer")


# ---------------------------------------------------------------------------------------------
# masking and the access log on single-document reads


class DMSCustomer(Customer):
	"""ERPNext's Customer; single-document reads hide what ERPNext's form would show beside the fields.

	Frappe calls ``apply_fieldlevel_read_permissions`` on exactly the paths that hand a whole document
	to a user (desk form load, REST GET v1/v2, frappe.client.get), after ``onload``.
	"""

	def apply_fieldlevel_read_permissions(self):
		if can_read_sensitive(self):
			log_unmasked_view(self.name)
		else:
			self._mask_onload()
		if get_user_units() is not None:
			# ERPNext's billing and unpaid totals sum every company's invoices
			(self.get("__onload") or {}).pop("dashboard_info", None)
		super().apply_fieldlevel_read_permissions()

	def _mask_onload(self) -> None:
		"""ERPNext's form shows the linked contacts' and addresses' phones and emails (``__onload``)."""
		onload = self.get("__onload") or {}
		for contact in onload.get("contact_list") or []:
			# the keys stay, in the shapes ERPNext's contact template reads (it takes their length):
			# a masked phone to recognise the person by, and no numbers or addresses
			contact["phone"] = mask_phone(contact.get("phone"))
			contact["mobile_no"] = mask_phone(contact.get("mobile_no"))
			contact["email_id"] = None
			contact["phone_nos"] = []
			contact["email_ids"] = []
		for address in onload.get("addr_list") or []:
			for key in ("phone", "fax", "email_id"):
				address[key] = None
			address["display"] = get_address_display(address)


def can_read_sensitive(doc) -> bool:
	return frappe.session.user == "Administrator" or SENSITIVE_PERMLEVEL in doc.get_permlevel_access("read")


def log_unmasked_view(customer: str) -> None:
	"""Frappe's Access Log: who (the session user), when, which customer, by which path."""
	path = frappe.request.path if getattr(frappe.local, "request", None) else frappe.form_dict.get("cmd")
	make_access_log(doctype="Customer", document=customer, method=path or "server")


# ---------------------------------------------------------------------------------------------
# the profile


@frappe.whitelist(methods=["GET"])
def get_customer_profile(customer: str) -> dict:
	"""Group-wide history of a customer the user may read, without amounts of other units.

	- ``lifetime_value``: {currency: sum of base grand totals} of submitted Sales Invoices (credit
	  notes net off) of the units in the user's scope; the whole group for unrestricted users.
	- ``last_purchase``: the latest submitted Sales Invoice group-wide (date, store; amount only in scope).
	- ``open_opportunities``: group-wide Opportunities of the customer not Converted, Lost or Closed.
	- ``preferred_store``: the unit with most submitted Sales Orders and Sales Invoices, group-wide.
	- ``vehicles``: Serial Nos ERPNext marked Delivered to this customer.
	- ``orders``: submitted Sales Orders group-wide; ``grand_total`` is None outside the user's scope.
	- ``service_orders``: from the ``dms_customer_service_orders`` hooks (none until service exists).
	"""
	frappe.has_permission("Customer", "read", customer, throw=True)
	units = get_user_units()

	def in_scope(unit: str | None) -> bool:
		return units is None or unit in units

	invoices = frappe.db.sql(
		"""
		select inv.dms_org_unit as unit, company.default_currency as currency,
			sum(inv.base_grand_total) as total, sum(inv.is_return = 0) as count
		from `tabSales Invoice` inv
		join `tabCompany` company on company.name = inv.company
		where inv.customer = %s and inv.docstatus = 1
		group by inv.dms_org_unit, company.default_currency
		""",
		customer,
		as_dict=True,
	)
	lifetime_value: dict[str, float] = {}
	for row in invoices:
		if in_scope(row.unit):
			lifetime_value[row.currency] = lifetime_value.get(row.currency, 0) + (row.total or 0)

	last = frappe.db.sql(
		"""
		select name, posting_date, dms_org_unit as unit, grand_total, currency
		from `tabSales Invoice`
		where customer = %s and docstatus = 1 and is_return = 0
		order by posting_date desc, creation desc
		limit 1
		""",
		customer,
		as_dict=True,
	)
	last_purchase = None
	if last:
		last_purchase = {
			"invoice": last[0].name if in_scope(last[0].unit) else None,
			"date": last[0].posting_date,
			"store": last[0].unit,
			"grand_total": last[0].grand_total if in_scope(last[0].unit) else None,
			"currency": last[0].currency if in_scope(last[0].unit) else None,
		}

	orders = frappe.db.sql(
		"""
		select name, transaction_date, dms_org_unit as store, status, grand_total, currency
		from `tabSales Order`
		where customer = %s and docstatus = 1
		order by transaction_date desc, creation desc
		""",
		customer,
		as_dict=True,
	)
	counts: dict[str, int] = {}
	for row in invoices:
		if row.unit:
			counts[row.unit] = counts.get(row.unit, 0) + int(row.count or 0)
	for order in orders:
		if order.store:
			counts[order.store] = counts.get(order.store, 0) + 1
		if not in_scope(order.store):
			order.grand_total = order.currency = None

	open_opportunities = frappe.db.count(
		"Opportunity",
		{
			"opportunity_from": "Customer",
			"party_name": customer,
			"status": ("not in", ("Converted", "Lost", "Closed")),
			"docstatus": ("<", 2),
		},
	)
	vehicles = frappe.get_all(
		"Serial No",
		filters={"customer": customer, "status": "Delivered"},
		fields=["name as serial_no", "item_code", "item_name", "warranty_expiry_date"],
		order_by="name",
	)
	service_orders = []
	for method in frappe.get_hooks("dms_customer_service_orders"):
		service_orders += frappe.get_attr(method)(customer, units)

	preferred = max(counts, key=lambda unit: (counts[unit], unit)) if counts else None
	return {
		"customer": customer,
		"lifetime_value": lifetime_value,
		"last_purchase": last_purchase,
		"open_opportunities": open_opportunities,
		"preferred_store": preferred,
		"preferred_store_name": frappe.db.get_value("DMS Org Unit", preferred, "unit_name")
		if preferred
		else None,
		"vehicles": vehicles,
		"orders": orders,
		"service_orders": service_orders,
	}
