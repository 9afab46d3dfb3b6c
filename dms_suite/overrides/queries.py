"""ERPNext link-search queries that read their table without the user's permissions.

``erpnext.controllers.queries.get_project_name`` (the Project picker of every sales and purchase
form) selects from Project with ``frappe.qb``: every project of the group, whoever asks. Here the
same query, with only the projects a narrowed DMS user may list (called directly or through link
search, where ``dms_suite.overrides.search`` filters every custom query's rows the same way).
"""

import frappe
from frappe import _

from erpnext.controllers import queries as erpnext_queries

from dms_suite.overrides.search import readable_rows
from dms_suite.permissions import get_user_units


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def get_project_name(
	doctype: str,
	txt: str,
	searchfield: str,
	start: int,
	page_len: int,
	filters: dict | str | None = None,
):
	if doctype != "Project":
		frappe.throw(_("This search finds Projects only"), frappe.ValidationError)
	filters = frappe.parse_json(filters) if isinstance(filters, str) else filters
	rows = erpnext_queries.get_project_name(doctype, txt, searchfield, start, page_len, filters)
	if get_user_units() is None:
		return rows  # unrestricted and plain ERPNext users: ERPNext's answer
	return readable_rows("Project", rows)
