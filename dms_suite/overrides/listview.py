"""The list sidebar's group-by counts (``frappe.desk.listview.get_group_by_count``), checked.

Frappe's version counts "Assigned To" with ``frappe.qb`` and no permission check at all: the ToDos of
every record of the doctype, whoever may read them (and of records of other doctypes that happen to
have the same name). Any other field is counted through ``frappe.get_list`` (isolated), but a field the
user may not read (a masked phone) would still be counted value by value.

Here: the user must be able to read the doctype; "Assigned To" counts the ToDos of the records the
user's own list query returns; a field must be a field of the doctype that the user may read, and so
must every field the filters name. Bad input gets a clear error, not a server error.
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
	hidden = unreadable_fields(doctype)
	check_filters_readable(doctype, filters, hidden)
	if field == "assigned_to":
		return assigned_to_counts(doctype, filters)
	meta = frappe.get_meta(doctype)
	if not (meta.has_field(field) or field in default_fields) or field in hidden:
		frappe.throw(
			_("{0} cannot be counted by {1}").format(_(doctype), frappe.bold(field)), GroupByFieldError
		)
	return frappe_listview.get_group_by_count(doctype, filters, field)


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


def check_filters_readable(doctype: str, filters, hidden: frozenset[str]) -> None:
	"""Refuse filters on fields the user may not read: ``mobile_no like '139%'`` would read a masked
	number digit by digit through the counts."""
	if not hidden or not filters:
		return
	for fieldname in filter_fieldnames(doctype, filters):
		if fieldname in hidden:
			frappe.throw(
				_("You may not filter {0} by {1}").format(_(doctype), frappe.bold(fieldname)),
				frappe.PermissionError,
			)


def filter_fieldnames(doctype: str, filters) -> list[str]:
	"""Fieldnames of ``doctype`` that Frappe-style filters (a dict, or lists of [doctype,] field, op,
	value) name."""
	if isinstance(filters, dict):
		return [str(key) for key in filters]
	names = []
	for entry in filters if isinstance(filters, list | tuple) else []:
		if isinstance(entry, list | tuple) and entry:
			if len(entry) >= 4 and entry[0] == doctype:
				names.append(str(entry[1]))
			elif len(entry) >= 4:
				continue  # a child table's field: that doctype's own rules
			else:
				names.append(str(entry[0]))
	return names
