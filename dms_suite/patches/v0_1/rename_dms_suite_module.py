"""The org doctypes' module *DMS Suite* becomes *DMS Org* (folder ``dms_suite/dms_org``), beside
DMS Stock, DMS Sales, DMS Service and DMS Projects: one folder per domain.

Before the model sync, so that the doctypes, the report and the workspace found under ``dms_org/``
land in a module that exists. ``rename_doc`` moves every link to the Module Def (DocType, Report,
Workspace, …) with it.
"""

import frappe


def execute():
	if not frappe.db.exists("Module Def", "DMS Suite") or frappe.db.exists("Module Def", "DMS Org"):
		return
	frappe.rename_doc("Module Def", "DMS Suite", "DMS Org", force=True)
