"""The list sidebar's group-by counts (``frappe.desk.listview.get_group_by_count``), checked.

Frappe's version counts "Assigned To" with ``frappe.qb`` and no permission check at all: the ToDos of
every record of the doctype, whoever may read them (and of records of other doctypes that happen to
have the same name). Any other field is counted through ``frappe.get_list`` (isolated), but a field the
user may not read (a masked phone) would still be counted value by value.

Here: the user must be able to read the doctype; "Assigned To" counts the ToDos of the records the
user's own list query returns; a field must be a field of the doctype that the user may read (the
fields the filters name are checked by the list query itself, dms_suite/overrides/db_query.py).
Bad input gets a clear error, not a server error.
"""

import frappe
from frappe import _
from frappe.desk import listview as frappe_listview
from frappe.model import default_fields

from dms_suite.overrides.search import unreadable_fields


class GroupByFieldError(frappe.ValidationError):
	pass


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str | dict | list | None, field: str) -> list[dict]:
	if not frappe.db.exists("DocType", doctype):
		frappe.throw(_("DocType {0} does not exist").format(frappe.bold(doctype)), frappe.DoesNotExistError)
	frappe.has_permission(doctype, "read", throw=True)
	filters = frappe.parse_json(current_filters) if current_filters else []
	# filters on fields the user may not read are refused by the list query itself
	# (dms_suite/overrides/db_query.py), on this path as on every other
	if field == "assigned_to":
		return assigned_to_counts(doctype, filters)
	meta = frappe.get_meta(doctype)
	if not (meta.has_field(field) or field in default_fields) or field in unreadable_fields(doctype):
		frappe.throw(
			_("{0} cannot be counted by {1}").format(_(doctype), frappe.bold(field)), GroupByFieldError
		)
	# Frappe's own function is type-checked: it takes the filters as the JSON text the sidebar sends
	return frappe_listview.get_group_by_count(doctype, frappe.as_json(filters), field)


def assigned_to_counts(doctype: str, filters) -> list[dict]:
	"""Open ToDos per assignee over the records the user may list (their own list query)."""
	records = frappe.get_list(doctype, filters=filters, fields=["name"], limit_page_length=0, run=0)
	return frappe.db.sql(
		f"""
		select todo.allocated_to as name, count(*) as count
		from `tabToDo` todo
		join `tabUser` user on user.name = todo.allocated_to and user.user_type = 'System User'
		where todo.status != 'Cancelled' and todo.reference_type = %(doctype)s
			and todo.reference_name in (select records.name from ({records}) records)
		group by todo.allocated_to
		order by count desc
		limit 50
		""",
		{"doctype": doctype},
		as_dict=True,
	)
