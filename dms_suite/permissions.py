"""Data isolation by org subtree: the permission core every doctype goes through.

A user assigned to org units (DMS Org Assignment) sees the records of those units and of all their
descendants. That set of units, the user's *scope*, is computed once (one query), cached per user,
and is the single input of every rule.

How a doctype is narrowed for a user of a scope is its domain's business: each domain states it in
its own ``permissions.py``, as a function returning ``Rule`` objects, and lists that function in the
``dms_permission_rules`` hook. This module imports nothing of dms_suite; it collects the rules and
answers both of Frappe's hooks through one ``"*"`` entry each:

- ``get_permission_query_conditions``: the rule's SQL condition, appended by Frappe to every list
  query (desk list, report view, /api/resource, frappe.client.get_list/get_count/get_value, link
  search, reports built on get_list);
- ``has_permission``: the rule's verdict on one record (form, REST get, frappe.client.get, save,
  submit, delete). It only ever denies (False) or says nothing (None): Frappe stops at the first
  conclusive answer of its controller hooks and runs the ``"*"`` ones first, so an answer of True
  would silence ERPNext's and Frappe's own hooks for the same doctype.

Doctypes without a rule of their own are narrowed by what they hang off (``default_condition``):
child rows follow their parent record, Comment / File / ToDo / Version… the record they are about,
and ERPNext documents that name a company or a customer follow the companies of the user's units
and the customers the user may see.

What a user may *do* (read, write, create…) stays with Frappe role permissions; the core only
narrows *which records*. It applies to users holding a DMS role; DMS Group Executives and System
Managers see everything, and users without any DMS role keep plain ERPNext behaviour.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import frappe

UNRESTRICTED_ROLES = frozenset({"System Manager", "DMS Group Executive"})
WRITE_PTYPES = frozenset({"write", "create", "submit", "cancel", "amend", "delete"})
SCOPE_CACHE_KEY = "dms_suite:user_scope"
COMPANY_CACHE_KEY = "dms_suite:user_companies"

# (user, units) -> SQL on `tab<doctype>`, true for the records the user may see
Condition = Callable[[str, frozenset[str]], str]
# (doc, ptype, user, units) -> False (deny) or None (leave it to roles)
Verdict = Callable[..., bool | None]


@dataclass(frozen=True)
class Rule:
	"""How the records of one doctype are narrowed for a user of a scope."""

	doctype: str
	condition: Condition
	# one record; without it, a stored record is judged by ``condition`` (one query)
	allows: Verdict | None = None
	# what hangs off the records (child rows, Comment, File, ToDo, Version…) follows them; off for the
	# masters and ledgers that User Permissions narrow (Frappe applies those itself)
	anchor: bool = True
	# doctypes without a rule that link to this one show only the records that link to visible ones
	narrows_links: bool = False


# ---------------------------------------------------------------------------------------------
# The scope


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


def units_and_ancestors(units: frozenset[str]) -> frozenset[str]:
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


# ---------------------------------------------------------------------------------------------
# The registry


def rules() -> dict[str, Rule]:
	"""Every registered rule by doctype, from the functions listed in the ``dms_permission_rules`` hook."""
	return _collect_rules(tuple(frappe.get_hooks("dms_permission_rules")))


@cache
def _collect_rules(paths: tuple[str, ...]) -> dict[str, Rule]:
	registry: dict[str, Rule] = {}
	for path in paths:
		for rule in frappe.get_attr(path)():
			if rule.doctype in registry:
				raise ValueError(f"{rule.doctype} has two permission rules (the second from {path})")
			registry[rule.doctype] = rule
	return registry


def record_condition(doctype: str, user: str | None, units: frozenset[str]) -> str | None:
	"""SQL on `tab<doctype>`: true for the records of a registered doctype the user may see."""
	rule = rules().get(doctype)
	return rule.condition(user or frappe.session.user, units) if rule else None


def visible_names(doctype: str, names: set[str], user: str | None, units: frozenset[str]) -> set[str]:
	"""Those of ``names`` (records of a registered doctype) that the user may see. One query."""
	names = {name for name in names if name}
	if not names:
		return set()
	condition = record_condition(doctype, user, units)
	return set(
		frappe.db.sql_list(
			f"select `tab{doctype}`.name from `tab{doctype}` where `tab{doctype}`.name in %(names)s"
			f" and {condition}",
			{"names": tuple(names)},
		)
	)


# ---------------------------------------------------------------------------------------------
# Frappe's hooks ("*"): the rule of the doctype, or the default rule


def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	rule = rules().get(doctype)
	if rule is None:
		return default_condition(user, doctype)
	units = get_user_units(user)
	return "" if units is None else rule.condition(user, units)


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	"""False for a record outside the user's scope; None otherwise (roles decide)."""
	user = user or frappe.session.user
	rule = rules().get(doc.doctype)
	if rule is None:
		return default_verdict(doc, ptype, user)
	units = get_user_units(user)
	if units is None:
		return None
	if rule.allows is not None:
		verdict = rule.allows(doc, ptype, user, units)
	elif doc.is_new():
		verdict = None
	else:
		verdict = bool(visible_names(doc.doctype, {doc.name}, user, units))
	return False if verdict is False else None


# ---------------------------------------------------------------------------------------------
# Rules every domain uses


def unit_rule(doctype: str, *fields: str, place_new: Callable | None = None) -> Rule:
	"""Records carrying their org unit in ``fields`` (with several, a user who has any one of the
	units in scope sees the record: a transfer has a source and a target).

	``place_new(doc)`` gives the unit of a new record whose unit is still blank (the permission check
	runs before ``validate`` fills it): a unit, "" (nowhere: denied) or None (nothing to place yet).
	"""
	fields = fields or ("dms_org_unit",)

	def condition(user: str, units: frozenset[str]) -> str:
		conditions = [scope_condition(f"`tab{doctype}`.`{field}`", units) for field in fields]
		return conditions[0] if len(conditions) == 1 else "(" + " or ".join(conditions) + ")"

	def allows(doc, ptype: str | None, user: str, units: frozenset[str]) -> bool | None:
		current = [doc.get(field) or "" for field in fields]
		if place_new and doc.is_new() and not any(current):
			placed = place_new(doc)
			if placed is None:
				return None
			current = [placed]
		groups = [current]
		if ptype in WRITE_PTYPES and not doc.is_new():
			# writes are judged on the stored record too: a record of another subtree cannot be taken
			# by saving a unit into it, and one without a unit is nobody's
			stored = frappe.db.get_value(doc.doctype, doc.name, list(fields), as_dict=True) or {}
			stored_units = [stored.get(field) or "" for field in fields]
			if stored_units != current:
				groups.append(stored_units)
		return all(any(unit in units for unit in group) for group in groups)

	return Rule(doctype, condition, allows)


def user_permission_rule(doctype: str) -> Rule:
	"""ERPNext masters and ledgers narrowed by managed User Permissions: a DMS user with no
	assignment has none, and Frappe reads "no User Permission" as "everything": close the door."""
	return Rule(
		doctype,
		condition=lambda user, units: "" if units else "1=0",
		allows=lambda doc, ptype, user, units: None if units else False,
		anchor=False,
	)


# ---------------------------------------------------------------------------------------------
# The default rule: doctypes without one of their own
#
# Frappe offers one more way to every record of a registered doctype: the doctypes that hang off a
# record (child rows by ``parent``; Comment, File, ToDo, Version… by reference). They are only as
# visible as that record. ERPNext doctypes dms_suite does not register but that carry a company
# (Account, tax templates, Serial No, Pick List, Installation Note…) are narrowed to the companies of
# the user's units (those whose company is empty are the group's shared data), and those that name a
# customer to the customers the user may see.

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


def reference_targets() -> list[str]:
	"""Registered doctypes whose records Comment, File, ToDo… follow: not the masters and ledgers
	(Frappe's User Permissions narrow those), not child tables (reached through their parent)."""
	return sorted(
		doctype for doctype, rule in rules().items() if rule.anchor and not frappe.get_meta(doctype).istable
	)


def anchor_links(doctype: str) -> dict[str, tuple[str, ...]]:
	"""Link fields by target (Company, or a doctype whose rule narrows links) that narrow ``doctype``:
	an unregistered, stored, non-child doctype; links Frappe's User Permissions ignore (an internal
	supplier's company) place nothing."""
	if doctype in rules() or doctype in REFERENCE_FIELDS:
		return {}
	meta = frappe.get_meta(doctype)
	if meta.istable or meta.issingle or meta.is_virtual:
		return {}
	targets = {"Company", *(name for name, rule in rules().items() if rule.narrows_links)}
	links: dict[str, tuple[str, ...]] = {}
	for df in meta.get_link_fields():
		if df.options in targets and not df.ignore_user_permissions:
			links[df.options] = (*links.get(df.options, ()), df.fieldname)
	return links


def default_condition(user: str, doctype: str) -> str:
	meta = frappe.get_meta(doctype)
	if meta.istable:
		return child_table_condition(user, doctype)
	if doctype in REFERENCE_FIELDS:
		return reference_condition(user, doctype)
	links = anchor_links(doctype)
	if not links:
		return ""
	units = get_user_units(user)
	if units is None:
		return ""
	table = f"`tab{doctype}`"
	conditions = []
	for target, fields in links.items():
		if target == "Company":
			conditions.append(company_condition(doctype, fields, get_user_companies(user, units)))
			continue
		# every record of ``target`` it names is one the user may see (or it names none)
		visible = (
			f"select `tab{target}`.name from `tab{target}` where {record_condition(target, user, units)}"
		)
		conditions.extend(
			f"(ifnull({table}.`{field}`, '') = '' or {table}.`{field}` in ({visible}))" for field in fields
		)
	return "(" + " and ".join(conditions) + ")"


def child_table_condition(user: str, doctype: str) -> str:
	"""Child rows are only as visible as their parent.

	Frappe lets a list query on a child table (``frappe.client.get_list("Stock Entry Detail",
	parent="Stock Entry")``, ``/api/resource`` with ``parent``) check the parent *doctype* but not
	the parent *record*, so a store user could read every store's rows.
	"""
	parents = [
		parent
		for parent, rule in rules().items()
		if rule.anchor
		and any(table.options == doctype for table in frappe.get_meta(parent).get_table_fields())
	]
	if not parents:
		return ""
	units = get_user_units(user)
	if units is None:
		return ""
	child = f"`tab{doctype}`"
	clauses = [f"{child}.parenttype not in ({', '.join(frappe.db.escape(p) for p in parents)})"]
	for parent in parents:
		clauses.append(
			f"({child}.parenttype = {frappe.db.escape(parent)} and {child}.parent in"
			f" (select `tab{parent}`.name from `tab{parent}` where {record_condition(parent, user, units)}))"
		)
	return "(" + " or ".join(clauses) + ")"


def reference_condition(user: str, doctype: str) -> str:
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
		clauses.append(
			f"({table}.`{dt_column}` = {frappe.db.escape(target)} and {table}.`{name_column}` in"
			f" (select `tab{target}`.name from `tab{target}` where {record_condition(target, user, units)}))"
		)
	return "(" + " or ".join(clauses) + ")"


def company_condition(doctype: str, fields: tuple[str, ...], companies: frozenset[str]) -> str:
	"""The record's company (any of its company links) is one of ``companies``, or it has none."""
	table = f"`tab{doctype}`"
	blank = " and ".join(f"ifnull({table}.`{field}`, '') = ''" for field in fields)
	if not companies:
		return f"({blank})"
	values = ", ".join(frappe.db.escape(company) for company in sorted(companies))
	in_scope = " or ".join(f"{table}.`{field}` in ({values})" for field in fields)
	return f"(({blank}) or {in_scope})"


def default_verdict(doc, ptype: str | None, user: str) -> bool | None:
	"""The single-record side of ``default_condition`` (child rows are checked through their parent
	by Frappe and dms_suite/overrides/resource.py)."""
	if doc.doctype in REFERENCE_FIELDS:
		dt_column, name_column = REFERENCE_FIELDS[doc.doctype]
		target, name = doc.get(dt_column), doc.get(name_column)
		if not target or not name or target not in reference_targets():
			return None
		units = get_user_units(user)
		if units is None:
			return None
		return None if visible_names(target, {name}, user, units) else False
	links = anchor_links(doc.doctype)
	if not links:
		return None
	units = get_user_units(user)
	if units is None:
		return None
	for target, fields in links.items():
		if target == "Company":
			continue
		named = {doc.get(field) for field in fields if doc.get(field)}
		if named and visible_names(target, named, user, units) != named:
			return False
	fields = links.get("Company", ())
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
