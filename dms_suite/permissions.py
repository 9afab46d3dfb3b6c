"""Data isolation by org subtree: the one permission module for DMS and ERPNext doctypes.

A user assigned to org units (DMS Org Assignment) sees the records of those units and of all
their descendants. The set of units a user may see is computed once (one query), cached per user,
and is the single expression behind both hooks:

- ``get_permission_query_conditions``: ``<unit column> in (<the set>)`` appended by Frappe to every
  list query (desk list, report view, /api/resource, frappe.client.get_list/get_count/get_value,
  link search, reports built on get_list);
- ``has_permission``: the record's unit is in the same set (single documents: form, REST get,
  frappe.client.get, save, submit, delete).

It serves the DMS doctypes and the ERPNext transactions DMS staff work in, which carry the unit
in a ``dms_org_unit`` field that ``dms_suite.org.document_unit`` fills on save. ERPNext masters and
ledgers (Company, Warehouse, Cost Center, Bin, Stock Ledger Entry, GL Entry) are narrowed by native
User Permissions kept in step with the same assignments (``dms_suite.org.user_permissions``).

What a user may *do* (read, write, create…) stays with Frappe role permissions; this module only
narrows *which records*. It applies to users holding a DMS role; DMS Group Executives and System
Managers see everything, and users without any DMS role keep plain ERPNext behaviour.
"""

import frappe

UNRESTRICTED_ROLES = frozenset({"System Manager", "DMS Group Executive"})

# ERPNext transactions DMS staff work in: each gets a dms_org_unit field (dms_suite/setup.py) and is
# isolated here exactly like a DMS doctype.
ERPNEXT_TRANSACTION_DOCTYPES = (
	"Lead",
	"Opportunity",
	"Stock Entry",
	"Material Request",
	"Quotation",
	"Sales Order",
	"Sales Invoice",
	"Delivery Note",
	"Purchase Order",
	"Purchase Receipt",
	"Purchase Invoice",
	"Payment Entry",
	"Journal Entry",
	# dealer projects (dms_suite/projects): a task and a timesheet belong to their project's store
	"Project",
	"Task",
	"Timesheet",
)

# ERPNext masters and ledgers: narrowed by managed User Permissions.
ERPNEXT_MASTER_DOCTYPES = ("Company", "Warehouse", "Cost Center")
ERPNEXT_LEDGER_DOCTYPES = ("Bin", "Stock Ledger Entry", "GL Entry")
ERPNEXT_DOCTYPES = ERPNEXT_MASTER_DOCTYPES + ERPNEXT_LEDGER_DOCTYPES + ERPNEXT_TRANSACTION_DOCTYPES

# Every doctype isolated by org unit, with the field naming its unit. A doctype added here is isolated
# on every path (hooks.py registers both hooks for each key). With several fields (a transfer has a
# source and a target), a user who has any one of the units in scope sees the record.
ORG_SCOPED_DOCTYPES: dict[str, str | tuple[str, ...]] = {
	"DMS Org Unit": "name",
	"DMS Org Assignment": "org_unit",
	"DMS Safety Level": "org_unit",
	"DMS Freight Route": ("source_unit", "target_unit"),
	"Cross Region Transfer": ("source_unit", "target_unit"),
	"DMS Campaign Variant": "org_unit",
	"DMS Campaign Tally": "org_unit",
	"DMS Follow-up Plan": "org_unit",
	# the asking store and the store that owns the customer (dms_suite/sales/handover.py)
	"DMS Customer Access Request": ("requesting_unit", "owning_unit"),
	**{doctype: "dms_org_unit" for doctype in ERPNEXT_TRANSACTION_DOCTYPES},
	"Contract": "dms_org_unit",  # the unit of the quotation or order it is for (dms_suite/sales/contracts.py)
	"Service Order": "dms_org_unit",  # the store (dms_suite/service/orders.py)
}


def scope_fields(doctype: str) -> tuple[str, ...]:
	fields = ORG_SCOPED_DOCTYPES[doctype]
	return (fields,) if isinstance(fields, str) else fields


SCOPE_CACHE_KEY = "dms_suite:user_scope"
WRITE_PTYPES = frozenset({"write", "create", "submit", "cancel", "amend", "delete"})


def is_unrestricted(user: str | None = None) -> bool:
	"""Administrator, an unrestricted role, or no DMS role at all (plain ERPNext users)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	roles = frappe.get_roles(user)
	return bool(UNRESTRICTED_ROLES.intersection(roles)) or not any(role.startswith("DMS ") for role in roles)


def get_user_units(user: str | None = None) -> frozenset[str] | None:
	"""Org units whose data ``user`` may see, or None when the user is unrestricted.

	A DMS user assigned to nothing gets the empty set: they see no org data at all.
	"""
	user = user or frappe.session.user
	if is_unrestricted(user):
		return None

	units = frappe.cache.hget(SCOPE_CACHE_KEY, user)
	if units is None:
		units = _load_user_units(user)
		frappe.cache.hset(SCOPE_CACHE_KEY, user, units)
	return frozenset(units)


def _load_user_units(user: str) -> list[str]:
	"""The assigned units of ``user`` and all their descendants, in one query."""
	return frappe.db.sql_list(
		"""
		select distinct unit.name
		from `tabDMS Org Assignment` assignment
		join `tabDMS Org Unit` assigned on assigned.name = assignment.org_unit
		join `tabDMS Org Unit` unit on unit.lft >= assigned.lft and unit.rgt <= assigned.rgt
		where assignment.user = %s
		order by unit.name
		""",
		user,
	)


def clear_scope_cache(users: list[str] | None = None) -> None:
	"""Forget cached scopes: of ``users``, or of everyone (after the tree itself changed)."""
	if users is None:
		frappe.cache.delete_value(SCOPE_CACHE_KEY)
		frappe.cache.delete_value(COMPANY_CACHE_KEY)
		return
	for user in users:
		frappe.cache.hdel(SCOPE_CACHE_KEY, user)
		frappe.cache.hdel(COMPANY_CACHE_KEY, user)


def scope_condition(column_sql: str, units: frozenset[str]) -> str:
	"""SQL condition ``column in (units)``; a user with no units matches nothing."""
	if not units:
		return "1=0"
	values = ", ".join(frappe.db.escape(unit) for unit in sorted(units))
	return f"{column_sql} in ({values})"


def doctype_scope_condition(doctype: str, units: frozenset[str]) -> str:
	"""The record's unit (any of its unit fields) is in ``units``."""
	conditions = [scope_condition(f"`tab{doctype}`.`{field}`", units) for field in scope_fields(doctype)]
	return conditions[0] if len(conditions) == 1 else "(" + " or ".join(conditions) + ")"


def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	units = get_user_units(user)
	if units is None or doctype not in ORG_SCOPED_DOCTYPES:
		return ""
	return doctype_scope_condition(doctype, units)


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""Deny a document outside the user's subtree; say nothing otherwise (roles decide)."""
	units = get_user_units(user)
	if units is None:
		return None
	return all(any(unit in units for unit in group) for group in _unit_groups(doc, ptype))


def _unit_groups(doc, ptype: str | None) -> list[list[str]]:
	"""Groups of org units a permission check on ``doc`` must pass: in each group, one unit in scope.

	Writes check the stored record too: otherwise a user could take a record of another subtree
	by name and save it into their own.
	"""
	if doc.doctype == "DMS Org Unit":
		stored = not doc.is_new() and frappe.db.exists("DMS Org Unit", doc.name)
		# a new unit is placed by its parent; an existing one is itself, and a move needs the new parent too
		groups = [[doc.name] if stored else [doc.get("parent_dms_org_unit") or ""]]
		if stored and ptype in WRITE_PTYPES:
			stored_parent = frappe.db.get_value("DMS Org Unit", doc.name, "parent_dms_org_unit")
			if (doc.get("parent_dms_org_unit") or "") != (stored_parent or ""):
				groups.append([doc.get("parent_dms_org_unit") or ""])
		return groups

	fields = scope_fields(doc.doctype)
	current = [doc.get(field) or "" for field in fields]
	if fields == ("dms_org_unit",) and not current[0] and doc.is_new():
		# creating an ERPNext document: the permission check runs before validate fills the unit
		from dms_suite.org.document_unit import derive_org_unit

		if not doc.get("company"):
			return []  # a blank document (ERPNext's mappers check "create" before filling it): nothing to place yet
		current = [derive_org_unit(doc) or ""]
	groups = [current]
	if ptype in WRITE_PTYPES and not doc.is_new():
		# a stored record without a unit is nobody's: it cannot be claimed by saving a unit into it
		stored = frappe.db.get_value(doc.doctype, doc.name, list(fields), as_dict=True) or {}
		stored_units = [stored.get(field) or "" for field in fields]
		if stored_units != current:
			groups.append(stored_units)
	return groups


def get_erpnext_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Masters and ledgers: User Permissions narrow them, but a DMS user with no assignment has none,
	and Frappe reads "no User Permission" as "everything": close the door instead."""
	return "1=0" if get_user_units(user) == frozenset() else ""


def has_erpnext_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	return False if get_user_units(user) == frozenset() else None


def get_child_table_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Child rows are only as visible as their parent.

	Frappe lets a list query on a child table (``frappe.client.get_list("Stock Entry Detail",
	parent="Stock Entry")``, ``/api/resource`` with ``parent``) check the parent *doctype* but not
	the parent *record*, so a store user could read every store's rows. Registered for all doctypes
	("*"); for a child table of an org-scoped doctype it keeps the rows whose parent is in scope.
	"""
	meta = frappe.get_meta(doctype)
	if not meta.istable:
		return ""
	parents = [
		parent
		for parent in (*ORG_SCOPED_DOCTYPES, *SCOPED_BY_CONDITION, "Customer", *CUSTOMER_PARTY_DOCTYPES)
		if any(table.options == doctype for table in frappe.get_meta(parent).get_table_fields())
	]
	if not parents:
		return ""
	units = get_user_units(user)
	if units is None:
		return ""
	child = f"`tab{doctype}`"
	clauses = [f"{child}.parenttype not in ({', '.join(frappe.db.escape(p) for p in parents)})"]
	for parent in parents:
		in_scope = record_condition(parent, user, units)
		clauses.append(
			f"({child}.parenttype = {frappe.db.escape(parent)}"
			f" and {child}.parent in (select `tab{parent}`.name from `tab{parent}` where {in_scope}))"
		)
	return "(" + " or ".join(clauses) + ")"


# ---------------------------------------------------------------------------------------------
# Customer: the group customer pool (dms_suite/sales/customers.py)
#
# One Customer serves the whole group. A DMS user sees a customer that one of their units owns
# (``dms_org_unit``) or has served (a row in its ``DMS Customer Unit`` table, kept on submit of
# quotations, orders, deliveries and invoices), and every internal customer (a group company).


def customer_scope_condition(units: frozenset[str], table: str = "`tabCustomer`") -> str:
	if not units:
		return "1=0"
	values = ", ".join(frappe.db.escape(unit) for unit in sorted(units))
	return (
		f"({table}.`dms_org_unit` in ({values}) or {table}.`is_internal_customer` = 1"
		" or exists (select 1 from `tabDMS Customer Unit` served"
		f" where served.`org_unit` in ({values}) and served.`parent` = {table}.`name`"
		" and served.`parenttype` = 'Customer'))"
	)


def get_customer_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	units = get_user_units(user)
	return "" if units is None else customer_scope_condition(units)


def has_customer_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""Deny a customer outside the user's units; say nothing otherwise (roles decide).

	A new customer is checked against the unit it will be given (its creator's). A write is judged
	on the stored record (setting ``is_internal_customer`` does not open a customer), and moving the
	owning unit needs both the stored and the new unit in scope.
	"""
	units = get_user_units(user)
	if units is None:
		return None
	if doc.is_new():
		if doc.get("is_internal_customer"):
			return True
		from dms_suite.sales.customers import default_owning_unit

		return (doc.get("dms_org_unit") or default_owning_unit(user or frappe.session.user)) in units
	unit, internal = doc.get("dms_org_unit"), doc.get("is_internal_customer")
	if ptype in WRITE_PTYPES:
		stored = (
			frappe.db.get_value("Customer", doc.name, ["dms_org_unit", "is_internal_customer"], as_dict=True)
			or frappe._dict()
		)
		if (unit or None) != (stored.dms_org_unit or None):
			return bool(stored.dms_org_unit in units and unit in units)
		internal = stored.is_internal_customer
	if internal or unit in units:
		return True
	return bool(
		frappe.db.exists(
			"DMS Customer Unit",
			{"parenttype": "Customer", "parent": doc.name, "org_unit": ("in", list(units))},
		)
	)


def get_customer_unit_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Served-unit rows (a list query on the child table) are only as visible as their customer."""
	units = get_user_units(user)
	if units is None:
		return ""
	in_scope = customer_scope_condition(units)
	return f"`tabDMS Customer Unit`.parent in (select `tabCustomer`.name from `tabCustomer` where {in_scope})"


# Contacts and addresses of customers and leads (Frappe lets every desk user read all of them: role
# "All") are only as visible as a customer or lead they are linked to; those linked to neither (a
# supplier's, a company's) are left to Frappe.
CUSTOMER_PARTY_DOCTYPES = ("Contact", "Address")
PARTY_LINK_DOCTYPES = ("Customer", "Lead")


def _party_condition(link_doctype: str, units: frozenset[str]) -> str:
	if link_doctype == "Customer":
		return customer_scope_condition(units)
	return doctype_scope_condition(link_doctype, units)


def get_customer_party_conditions(user: str | None = None, doctype: str | None = None) -> str:
	units = get_user_units(user)
	if units is None or doctype not in CUSTOMER_PARTY_DOCTYPES:
		return ""
	doctype_sql = frappe.db.escape(doctype)
	link = (
		f"select 1 from `tabDynamic Link` link where link.parenttype = {doctype_sql}"
		f" and link.parent = `tab{doctype}`.name"
	)
	party_doctypes = ", ".join(frappe.db.escape(d) for d in PARTY_LINK_DOCTYPES)
	visible = [
		f"exists ({link} and link.link_doctype = {frappe.db.escape(party)} and link.link_name in"
		f" (select `tab{party}`.name from `tab{party}` where {_party_condition(party, units)}))"
		for party in PARTY_LINK_DOCTYPES
	]
	return f"(not exists ({link} and link.link_doctype in ({party_doctypes})) or {' or '.join(visible)})"


def has_customer_party_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	units = get_user_units(user)
	if units is None:
		return None
	parties = {
		party: [link.link_name for link in doc.get("links") or [] if link.link_doctype == party]
		for party in PARTY_LINK_DOCTYPES
	}
	if not any(parties.values()):
		return None
	return any(
		frappe.db.sql(
			f"select 1 from `tab{party}` where `tab{party}`.name in %(names)s"
			f" and {_party_condition(party, units)} limit 1",
			{"names": tuple(names)},
		)
		for party, names in parties.items()
		if names
	)


# ---------------------------------------------------------------------------------------------
# Service (dms_suite/service)
#
# A Dealer Unit (a customer's vehicle or machine) is serviced wherever its owner goes in the group:
# it is as visible as its owner. A service package is visible to the units at and below the unit
# that defines it (the variants they may use) and to the units above it (who oversee it).


def get_dealer_unit_conditions(user: str | None = None, doctype: str | None = None) -> str:
	units = get_user_units(user)
	if units is None:
		return ""
	return (
		"`tabDealer Unit`.customer in (select `tabCustomer`.name from `tabCustomer`"
		f" where {customer_scope_condition(units)})"
	)


def has_dealer_unit_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	units = get_user_units(user)
	if units is None:
		return None
	customers = {doc.get("customer") or ""}
	if ptype in WRITE_PTYPES and not doc.is_new():
		customers.add(frappe.db.get_value("Dealer Unit", doc.name, "customer") or "")
	visible = frappe.db.sql_list(
		f"select `tabCustomer`.name from `tabCustomer` where `tabCustomer`.name in %(customers)s"
		f" and {customer_scope_condition(units)}",
		{"customers": tuple(customers)},
	)
	return set(visible) == customers


def units_above_and_below(units: frozenset[str]) -> frozenset[str]:
	"""``units`` (a user's subtree) with every ancestor of them. One query."""
	if not units:
		return frozenset()
	return frozenset(
		frappe.db.sql_list(
			"""
			select distinct ancestor.name
			from `tabDMS Org Unit` unit
			join `tabDMS Org Unit` ancestor on ancestor.lft <= unit.lft and ancestor.rgt >= unit.rgt
			where unit.name in %(units)s
			""",
			{"units": tuple(units)},
		)
	)


def get_package_conditions(user: str | None = None, doctype: str | None = None) -> str:
	units = get_user_units(user)
	if units is None:
		return ""
	return scope_condition("`tabDMS Service Package`.org_unit", units_above_and_below(units))


def has_package_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""Read: at, above or below the user's units. Write: the defining unit must be the user's own."""
	units = get_user_units(user)
	if units is None:
		return None
	if ptype in WRITE_PTYPES:
		stored = None if doc.is_new() else frappe.db.get_value("DMS Service Package", doc.name, "org_unit")
		return doc.get("org_unit") in units and (stored is None or stored in units)
	return doc.get("org_unit") in units_above_and_below(units)


# parents isolated by their own condition (not an org unit field): their child rows follow them too
SCOPED_BY_CONDITION = {
	"Dealer Unit": get_dealer_unit_conditions,
	"DMS Service Package": get_package_conditions,
}


# ---------------------------------------------------------------------------------------------
# Everything else (the "*" hooks): child rows, rows about another document, company data
#
# Frappe offers one more way to every record of a registered doctype: the doctypes that hang off a
# record (child rows by ``parent``; Comment, File, ToDo, Version… by reference). They are only as
# visible as that record. ERPNext doctypes dms_suite does not register but that carry a company
# (Account, tax templates, Serial No, Pick List, Installation Note…) are narrowed to the companies of
# the user's units; those whose company is empty are the group's shared data.

# the doctypes that name another record by (doctype column, name column)
REFERENCE_FIELDS: dict[str, tuple[str, str]] = {
	"Comment": ("reference_doctype", "reference_name"),
	"Communication": ("reference_doctype", "reference_name"),
	"ToDo": ("reference_type", "reference_name"),
	"File": ("attached_to_doctype", "attached_to_name"),
	"Version": ("ref_doctype", "docname"),
	"Workflow Action": ("reference_doctype", "reference_name"),
	"Activity Log": ("reference_doctype", "reference_name"),
	"Access Log": ("export_from", "reference_document"),
	"View Log": ("reference_doctype", "reference_name"),
	"DocShare": ("share_doctype", "share_name"),
	"Document Follow": ("ref_doctype", "ref_docname"),
	"Notification Log": ("document_type", "document_name"),
	"Energy Point Log": ("reference_doctype", "reference_name"),
	"Tag Link": ("document_type", "document_name"),
}
COMPANY_CACHE_KEY = "dms_suite:user_companies"


def registered_doctypes() -> frozenset[str]:
	"""Doctypes with a rule of their own (above) or narrowed by managed User Permissions."""
	return frozenset(
		{
			*ORG_SCOPED_DOCTYPES,
			*SCOPED_BY_CONDITION,
			"Customer",
			"DMS Customer Unit",
			*CUSTOMER_PARTY_DOCTYPES,
			*ERPNEXT_MASTER_DOCTYPES,
			*ERPNEXT_LEDGER_DOCTYPES,
		}
	)


def record_condition(doctype: str, user: str | None, units: frozenset[str]) -> str | None:
	"""SQL on `tab<doctype>`: true for the records of a registered doctype the user may see."""
	if doctype in ORG_SCOPED_DOCTYPES:
		return doctype_scope_condition(doctype, units)
	if doctype in SCOPED_BY_CONDITION:
		return SCOPED_BY_CONDITION[doctype](user, doctype)
	if doctype == "Customer":
		return customer_scope_condition(units)
	if doctype in CUSTOMER_PARTY_DOCTYPES:
		return get_customer_party_conditions(user, doctype)
	return None


def get_user_companies(user: str | None, units: frozenset[str]) -> frozenset[str]:
	"""The companies of the user's units (one query, cached with the scope)."""
	user = user or frappe.session.user
	companies = frappe.cache.hget(COMPANY_CACHE_KEY, user)
	if companies is None:
		companies = (
			frappe.db.sql_list(
				"select distinct company from `tabDMS Org Unit` where name in %(units)s and ifnull(company, '') != ''",
				{"units": tuple(units)},
			)
			if units
			else []
		)
		frappe.cache.hset(COMPANY_CACHE_KEY, user, companies)
	return frozenset(companies)


def anchor_links(doctype: str, target: str) -> tuple[str, ...]:
	"""Link fields to ``target`` (Company or Customer) that narrow ``doctype``: an unregistered,
	stored, non-child doctype; links Frappe's User Permissions ignore (an internal supplier's company)
	place nothing."""
	if doctype in registered_doctypes() or doctype in REFERENCE_FIELDS:
		return ()
	meta = frappe.get_meta(doctype)
	if meta.istable or meta.issingle or meta.is_virtual:
		return ()
	return tuple(
		df.fieldname
		for df in meta.get_link_fields()
		if df.options == target and not df.ignore_user_permissions
	)


def get_default_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""The "*" list rule: child rows, reference rows, company and customer data, for narrowed users."""
	meta = frappe.get_meta(doctype)
	if meta.istable:
		return get_child_table_conditions(user, doctype)
	if doctype in REFERENCE_FIELDS:
		return reference_conditions(user, doctype)
	companies_of, customers_of = anchor_links(doctype, "Company"), anchor_links(doctype, "Customer")
	if not (companies_of or customers_of):
		return ""
	units = get_user_units(user)
	if units is None:
		return ""
	conditions = []
	if companies_of:
		conditions.append(company_condition(doctype, companies_of, get_user_companies(user, units)))
	if customers_of:
		conditions.append(customer_link_condition(doctype, customers_of, units))
	return " and ".join(conditions)


def customer_link_condition(doctype: str, fields: tuple[str, ...], units: frozenset[str]) -> str:
	"""Every customer the record names is one the user may see (or it names none)."""
	table = f"`tab{doctype}`"
	visible = f"select `tabCustomer`.name from `tabCustomer` where {customer_scope_condition(units)}"
	return (
		"("
		+ " and ".join(
			f"(ifnull({table}.`{field}`, '') = '' or {table}.`{field}` in ({visible}))" for field in fields
		)
		+ ")"
	)


def company_condition(doctype: str, fields: tuple[str, ...], companies: frozenset[str]) -> str:
	"""The record's company (any of its company links) is one of ``companies``, or it has none."""
	table = f"`tab{doctype}`"
	blank = " and ".join(f"ifnull({table}.`{field}`, '') = ''" for field in fields)
	if not companies:
		return f"({blank})"
	values = ", ".join(frappe.db.escape(company) for company in sorted(companies))
	in_scope = " or ".join(f"{table}.`{field}` in ({values})" for field in fields)
	return f"(({blank}) or {in_scope})"


def reference_targets() -> list[str]:
	"""Registered doctypes whose records Comment, File, ToDo… follow: not the masters and ledgers
	(Frappe's User Permissions narrow those), not child tables (reached through their parent)."""
	return sorted(
		target
		for target in registered_doctypes() - set(ERPNEXT_MASTER_DOCTYPES) - set(ERPNEXT_LEDGER_DOCTYPES)
		if not frappe.get_meta(target).istable
	)


def reference_conditions(user: str | None, doctype: str) -> str:
	"""Rows about a record of a registered doctype are only as visible as that record."""
	units = get_user_units(user)
	if units is None:
		return ""
	dt_column, name_column = REFERENCE_FIELDS[doctype]
	table = f"`tab{doctype}`"
	targets = reference_targets()
	clauses = [
		f"ifnull({table}.`{dt_column}`, '') not in ({', '.join(frappe.db.escape(t) for t in targets)})"
	]
	for target in targets:
		condition = record_condition(target, user, units)
		clauses.append(
			f"({table}.`{dt_column}` = {frappe.db.escape(target)} and {table}.`{name_column}` in"
			f" (select `tab{target}`.name from `tab{target}` where {condition}))"
		)
	return "(" + " or ".join(clauses) + ")"


def has_default_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""The "*" single-record rule, for the same doctypes as ``get_default_conditions``.

	Returns False or None only (Frappe stops at the first conclusive answer, and "*" hooks run first).
	"""
	if doc.doctype in REFERENCE_FIELDS:
		dt_column, name_column = REFERENCE_FIELDS[doc.doctype]
		target, name = doc.get(dt_column), doc.get(name_column)
		units = get_user_units(user)
		if not target or not name or units is None or target not in reference_targets():
			return None
		condition = record_condition(target, user, units)
		visible = frappe.db.sql(
			f"select 1 from `tab{target}` where `tab{target}`.name = %(name)s and {condition}",
			{"name": name},
		)
		return None if visible else False
	fields, customers_of = anchor_links(doc.doctype, "Company"), anchor_links(doc.doctype, "Customer")
	if not (fields or customers_of):
		return None
	units = get_user_units(user)
	if units is None:
		return None
	if customers_of:
		named = {doc.get(field) for field in customers_of if doc.get(field)}
		visible = named and frappe.db.sql_list(
			f"select `tabCustomer`.name from `tabCustomer` where `tabCustomer`.name in %(named)s"
			f" and {customer_scope_condition(units)}",
			{"named": tuple(named)},
		)
		if named and set(visible) != named:
			return False
	companies = get_user_companies(user, units)
	groups = [[doc.get(field) for field in fields]]
	if fields and ptype in WRITE_PTYPES and not doc.is_new():
		# a write is judged on the stored record too: a record cannot be taken over by naming a company
		stored = frappe.db.get_value(doc.doctype, doc.name, list(fields), as_dict=True) or {}
		groups.append([stored.get(field) for field in fields])
	for values in groups:
		values = [value for value in values if value]
		if values and not any(value in companies for value in values):
			return False
	return None
