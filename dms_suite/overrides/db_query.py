"""No filtering, sorting or grouping by a field the user may not read, on every list path.

Frappe's ``DatabaseQuery`` (behind ``frappe.get_list``: the desk list and report view, ``/api/resource``,
``frappe.client.get_list`` / ``get_count`` / ``get_value``, export, the sidebar's group-by counts, link
search) drops a field at a permission level the user has no read rule for from the *selected
columns*, but lets the same field into ``filters``, ``or_filters``, ``order_by`` and ``group_by``.
``get_count("Customer", [["mobile_no", "like", "139%"]])`` then reads a masked phone digit by digit,
and sorting by it ranks customers by their number.

Frappe v15 has no hook at that point, so ``install`` wraps the two steps of ``DatabaseQuery`` that turn
those parts into SQL (``prepare_filter_condition``, ``validate_order_by_and_group_by``): a field the
user may not read there is refused with ``frappe.PermissionError`` (HTTP 403) before any SQL runs.
An ``or_filters`` term on such a field (link search ORs the typed text over the search fields) is
dropped instead (``build_filter_conditions``): that only narrows the result.
Queries that skip permissions (``frappe.get_all``, ``ignore_permissions``) are left alone, as are users
who may read every level of the doctype. Installed by the ``before_request`` and ``before_job`` hooks,
so that it is in place in every web and worker process before a user's first query.
"""

import re

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery

IDENTIFIER = re.compile(r"`tab([^`]+)`\s*\.\s*`?(\w+)`?|`?(\w+)`?")


class UnreadableFieldError(frappe.PermissionError):
	pass


def hidden_fields(doctype: str, parenttype: str | None = None, user: str | None = None) -> frozenset[str]:
	"""Fields of ``doctype`` at a permission level ``user`` has no read rule for.

	A child table's levels are those of its parent doctype (``parenttype``), as in Frappe's own check.
	"""
	meta = frappe.get_meta(doctype)
	if meta.istable and not parenttype:
		return frozenset()
	levels = {0, *meta.get_permlevel_access("read", parenttype, user=user)}
	return frozenset(df.fieldname for df in meta.fields if df.permlevel not in levels)


def _hidden(query: DatabaseQuery, doctype: str) -> frozenset[str]:
	cache = query.__dict__.setdefault("_dms_hidden_fields", {})
	if doctype not in cache:
		parenttype = query.doctype if doctype != query.doctype else query.parent_doctype
		cache[doctype] = (
			frozenset()
			if query.flags.ignore_permissions or query.user == "Administrator"
			else hidden_fields(doctype, parenttype, query.user)
		)
	return cache[doctype]


def _refuse(query: DatabaseQuery, doctype: str, fieldname: str) -> None:
	if "dms_suite" not in frappe.get_installed_apps():
		return  # another site of the same bench: plain Frappe
	frappe.throw(
		_("You may not filter, sort or group {0} by {1}").format(_(doctype), frappe.bold(fieldname)),
		UnreadableFieldError,
	)


def check_filter(query: DatabaseQuery, f) -> None:
	"""One filter as Frappe takes it (dict, or list of [doctype,] field, operator, value)."""
	hit = hidden_filter_field(query, f)
	if hit:
		_refuse(query, *hit)


def hidden_filter_field(query: DatabaseQuery, f) -> tuple[str, str] | None:
	"""(doctype, fieldname) when the filter ``f`` names a field the user may not read."""
	from frappe.boot import get_additional_filters_from_hooks
	from frappe.utils import get_filter

	if query.flags.ignore_permissions or query.user == "Administrator":
		return None
	parsed = get_filter(query.doctype, f, get_additional_filters_from_hooks())
	doctype = parsed.doctype or query.doctype
	hidden = _hidden(query, doctype)
	# a plain fieldname, or an expression Frappe lets through (``ifnull(`tabX`.`field`, '')``)
	for name in re.findall(r"\w+", parsed.fieldname) if hidden else ():
		if name in hidden:
			return doctype, name
	return None


def without_hidden_or_terms(query: DatabaseQuery, or_filters: list) -> tuple[list, bool]:
	"""``or_filters`` without the terms on fields the user may not read, and whether any was dropped.

	Link search ORs the typed text over the doctype's search fields (ERPNext's Customer searches
	``mobile_no``): a term on a masked field would find a customer by the digits of a number the user
	may not see. Dropping an OR term only narrows the result, and the answer no longer depends on the
	masked value.
	"""
	if "dms_suite" not in frappe.get_installed_apps():
		return or_filters, False
	kept = [f for f in or_filters if not hidden_filter_field(query, f)]
	return kept, len(kept) != len(or_filters)


def check_order_or_group(query: DatabaseQuery, parameters: str) -> None:
	"""``order_by`` / ``group_by``: every column it names, bare or as `tabDocType`.`field`."""
	if not parameters or query.flags.ignore_permissions or query.user == "Administrator":
		return
	for table, qualified, bare in IDENTIFIER.findall(parameters):
		# Frappe's own check (run first) refused tables that are not in the query
		doctype, fieldname = (table, qualified) if table else (query.doctype, bare)
		if fieldname in _hidden(query, doctype):
			_refuse(query, doctype, fieldname)


def install() -> None:
	"""Wrap DatabaseQuery once per process (idempotent)."""
	if getattr(DatabaseQuery, "_dms_guarded", False):
		return
	prepare_filter_condition = DatabaseQuery.prepare_filter_condition
	build_filter_conditions = DatabaseQuery.build_filter_conditions
	validate_order_by_and_group_by = DatabaseQuery.validate_order_by_and_group_by

	def guarded_build_filter_conditions(self, filters, conditions: list, ignore_permissions=None):
		if conditions is getattr(self, "grouped_or_conditions", None) and isinstance(filters, list):
			filters, dropped = without_hidden_or_terms(self, filters)
			if dropped and not filters:
				conditions.append("1=0")  # every term was on a masked field: nothing matches
				return None
		return build_filter_conditions(self, filters, conditions, ignore_permissions)

	def guarded_prepare_filter_condition(self, f):
		check_filter(self, f)
		return prepare_filter_condition(self, f)

	def guarded_validate_order_by_and_group_by(self, parameters: str):
		validate_order_by_and_group_by(self, parameters)
		check_order_or_group(self, parameters)

	DatabaseQuery.prepare_filter_condition = guarded_prepare_filter_condition
	DatabaseQuery.build_filter_conditions = guarded_build_filter_conditions
	DatabaseQuery.validate_order_by_and_group_by = guarded_validate_order_by_and_group_by
	DatabaseQuery._dms_guarded = True
