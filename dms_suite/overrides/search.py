"""Link search (``frappe.desk.search.search_widget`` / ``search_link``) within the user's units and masks.

Frappe's link search takes ``ignore_user_permissions=1`` from the caller and then lists with
``ignore_permissions=True``: every permission query condition is skipped, so a store user could list
another region's service orders. Its ``filter_fields`` adds any column the caller names to the answer,
and the search fields a doctype declares (Customer's ``mobile_no``) come back as they are, whatever the
user's field-level permissions.

For a DMS user whose scope is narrowed (``dms_suite.permissions.get_user_units``) and for portal users:
- ``ignore_user_permissions`` is refused (Frappe's own User Permissions and our conditions both apply);
- the answer is read as dicts and every column the user may not read (its permission level is not
  theirs) is emptied, then given back in the shape the caller asked for.

Everyone else gets Frappe's answer unchanged.
"""

import json

import frappe
from frappe.desk import search as frappe_search

from dms_suite.overrides.db_query import hidden_fields
from dms_suite.permissions import get_user_units


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields: str | list | None = None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	search = frappe._dict(
		query=query,
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		reference_doctype=reference_doctype,
	)
	if not is_narrowed():
		return frappe_search.search_widget(
			doctype,
			txt,
			filter_fields=filter_fields,
			as_dict=as_dict,
			ignore_user_permissions=ignore_user_permissions,
			**search,
		)
	hidden = unreadable_fields(doctype)
	if filter_fields:
		filter_fields = json.dumps([f for f in parse_field_list(filter_fields) if f not in hidden])
	rows = frappe_search.search_widget(
		doctype, txt, filter_fields=filter_fields, as_dict=True, ignore_user_permissions=False, **search
	)
	if query:
		# a custom query (``erpnext.controllers.queries.*``) may read its table without the user's
		# permissions: only the records the user may list pass
		rows = readable_rows(doctype, rows)
	rows = [mask_row(row, hidden) for row in rows or []]
	if frappe.utils.sbool(as_dict):
		return rows
	# a custom query may answer in tuples whatever it was asked: those pass as they are
	return [tuple(row.values()) if isinstance(row, dict) else row for row in rows]


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	results = search_widget(
		doctype,
		txt.strip(),
		query,
		searchfield=searchfield,
		page_length=page_length,
		filters=filters,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions,
	)
	return frappe_search.build_for_autosuggest(results, doctype=doctype)


def readable_rows(doctype: str, rows) -> list:
	"""Search rows (dicts or tuples, the record's name first) of records the user may list. One query."""
	rows = list(rows or [])
	names = [_row_name(row) for row in rows]
	if not names:
		return rows
	if not (frappe.has_permission(doctype, "select") or frappe.has_permission(doctype, "read")):
		return []
	readable = set(
		frappe.get_list(doctype, filters={"name": ("in", names)}, pluck="name", limit_page_length=0)
	)
	return [row for row, name in zip(rows, names, strict=True) if name in readable]


def _row_name(row):
	if isinstance(row, dict):
		return row.get("name", next(iter(row.values()), None))
	return row[0] if row else None


def parse_field_list(value: str | list) -> list[str]:
	"""``filter_fields`` as a list of field names; anything else is refused with a clear error."""
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			value = None
	if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
		frappe.throw(frappe._("filter_fields must be a list of field names"), frappe.ValidationError)
	return value


def is_narrowed() -> bool:
	"""A DMS user with a scope, or a portal (website) user: neither may skip permissions in a search
	(Frappe lets a portal user list every Contact of the site with ``ignore_user_permissions=1``)."""
	if get_user_units() is not None:
		return True
	user = frappe.session.user
	return user != "Administrator" and frappe.get_cached_value("User", user, "user_type") != "System User"


def unreadable_fields(doctype: str) -> frozenset[str]:
	"""Fields of ``doctype`` at a permission level the session user has no read rule for."""
	if not frappe.db.exists("DocType", doctype):
		return frozenset()
	return hidden_fields(doctype)


def mask_row(row, hidden: frozenset[str]):
	"""A result row with the columns of ``hidden`` emptied (a dict row; other shapes pass through)."""
	if not isinstance(row, dict) or not hidden:
		return row
	return {key: (None if key in hidden else value) for key, value in row.items()}
