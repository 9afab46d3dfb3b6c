"""Install and uninstall: roles and custom fields, created in code (no fixtures)."""

from importlib import import_module

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from dms_suite.dms_org.document_unit import ERPNEXT_TRANSACTION_DOCTYPES, enqueue_backfill
from dms_suite.dms_stock.approval import install_workflow

# Function permissions: what each role may do comes from DocPerms on the doctypes;
# which records it may touch comes from org assignments (dms_suite/permissions.py).
DMS_ROLES = (
	"DMS Group Executive",
	"DMS Region Manager",
	"DMS Store Manager",
	"DMS Store User",
	"DMS Sales",
	"DMS Service Advisor",
	"DMS Stock Controller",
	"DMS Accountant",
	"DMS Project Manager",
)

# A Role Profile per DMS role: the DMS role plus the ERPNext roles it needs to work in
# ERPNext's own documents. Give a user the profile, not the roles one by one.
ERPNEXT_ROLES = {
	"DMS Group Executive": (
		"Sales Manager",
		"Sales User",
		"Stock Manager",
		"Stock User",
		"Accounts Manager",
		"Accounts User",
		"Purchase User",
		"Projects Manager",
	),
	"DMS Region Manager": (
		"Sales Manager",
		"Sales User",
		"Stock Manager",
		"Stock User",
		"Accounts User",
		"Projects Manager",
	),
	"DMS Store Manager": ("Sales Manager", "Sales User", "Stock User", "Projects User"),
	"DMS Store User": ("Sales User", "Stock User"),
	"DMS Sales": ("Sales User",),
	"DMS Service Advisor": ("Sales User", "Stock User"),
	"DMS Stock Controller": ("Stock Manager", "Stock User", "Item Manager"),
	"DMS Accountant": ("Accounts User", "Accounts Manager"),
	# runs dealer projects at a store: plans, tasks, timesheets, material to the site
	"DMS Project Manager": ("Projects Manager", "Projects User", "Stock User", "Purchase User"),
}

CUSTOM_FIELDS = {
	"User Permission": [
		{
			"fieldname": "dms_managed",
			"fieldtype": "Check",
			"label": "Managed by DMS",
			"read_only": 1,
			"insert_after": "apply_to_all_doctypes",
			"description": "Created from the user's DMS org assignments; removed when they change.",
		}
	],
	# the org unit a transaction belongs to: filled on save (dms_suite/dms_org/document_unit.py) and the
	# key of its isolation (dms_suite/permissions.py)
	**{
		doctype: [
			{
				"fieldname": "dms_org_unit",
				"fieldtype": "Link",
				"options": "DMS Org Unit",
				"label": "DMS Org Unit",
				"insert_after": "company",
				"search_index": 1,
				"in_standard_filter": 1,
				"ignore_user_permissions": 1,
				"print_hide": 1,
				# a mapped document (Quotation → Sales Order, DN → inter-company PR) is placed afresh
				"no_copy": 1,
				"description": "Store, region or group this document belongs to; set from its warehouse or cost center when left empty.",
			}
		]
		for doctype in ERPNEXT_TRANSACTION_DOCTYPES
	},
}
# the stock documents a Cross Region Transfer posts carry it and their posting step: the audit trail
# back to the transfer, and the key that makes posting idempotent (dms_suite/dms_stock/transfer.py)
for _doctype in ("Stock Entry", "Delivery Note", "Purchase Receipt"):
	CUSTOM_FIELDS[_doctype].extend(
		[
			{
				"fieldname": "dms_transfer",
				"fieldtype": "Link",
				"options": "Cross Region Transfer",
				"label": "Cross Region Transfer",
				"insert_after": "dms_org_unit",
				"read_only": 1,
				"search_index": 1,
				"no_copy": 1,
				"ignore_user_permissions": 1,
			},
			{
				"fieldname": "dms_transfer_step",
				"fieldtype": "Data",
				"label": "Transfer Step",
				"insert_after": "dms_transfer",
				"read_only": 1,
				"no_copy": 1,
			},
		]
	)


def app_parts() -> list:
	"""The modules of dms_suite/dms_sales, dms_suite/dms_service and dms_suite/dms_projects (see their PARTS): each may bring custom
	fields and install steps."""
	from dms_suite.dms_projects import PARTS as PROJECT_PARTS
	from dms_suite.dms_sales import PARTS as SALES_PARTS
	from dms_suite.dms_service import PARTS as SERVICE_PARTS

	return [import_module(name) for name in SALES_PARTS + SERVICE_PARTS + PROJECT_PARTS]


def all_custom_fields() -> dict[str, list[dict]]:
	fields = {doctype: list(rows) for doctype, rows in CUSTOM_FIELDS.items()}
	for part in app_parts():
		for doctype, rows in getattr(part, "CUSTOM_FIELDS", {}).items():
			fields.setdefault(doctype, []).extend(rows)
	return fields


def after_install():
	configure()
	# one-time data: what existed before dms_suite (campaign tallies, served units, org units of
	# existing ERPNext documents, the last in the background: dms_suite/dms_org/document_unit.py)
	for part in app_parts():
		if hasattr(part, "after_install"):
			part.after_install()
	enqueue_backfill()


def after_migrate():
	"""Configuration only: it is idempotent and cheap. Data changes on upgrade go through patches.txt."""
	configure()


def configure():
	"""Roles, role profiles, custom fields, workflows and each part's ``configure()``: what the code
	declares, made to exist (idempotent)."""
	create_roles()
	create_role_profiles()
	create_custom_fields(all_custom_fields(), ignore_validate=True)
	install_workflow()  # after create_roles: its transitions name the DMS roles
	for part in app_parts():
		if hasattr(part, "configure"):
			part.configure()


def before_uninstall():
	for workflow in frappe.get_all(
		"Workflow", filters={"document_type": "Cross Region Transfer"}, pluck="name"
	):
		frappe.delete_doc("Workflow", workflow, ignore_permissions=True, force=True)
	for part in app_parts():
		if hasattr(part, "before_uninstall"):
			part.before_uninstall()
	if frappe.db.has_column("User Permission", "dms_managed"):
		frappe.db.delete("User Permission", {"dms_managed": 1})
	for doctype, fields in all_custom_fields().items():
		for field in fields:
			frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if frappe.db.has_column(doctype, field["fieldname"]):
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop column `{field['fieldname']}`")
		frappe.clear_cache(doctype=doctype)
	drop_copied_docperms()
	frappe.db.delete("Has Role", {"role": ("in", DMS_ROLES)})
	for profile in frappe.get_all("Role Profile", filters={"name": ("in", DMS_ROLES)}, pluck="name"):
		frappe.delete_doc("Role Profile", profile, ignore_permissions=True, force=True)
	frappe.db.delete("Role", {"name": ("in", DMS_ROLES)})
	frappe.cache.delete_value("user_permissions")


def drop_copied_docperms() -> None:
	"""Custom DocPerms that are now exact copies of a doctype's standard rules go.

	Adding a rule to an ERPNext doctype (the masked levels, the finance role's quotations) makes Frappe
	copy its standard rules into Custom DocPerms first, which then replace them for good. Once the
	parts have taken their own rules out, a doctype whose custom rules are exactly its standard ones is
	handed back to them (so it follows ERPNext's rules again after an upgrade); one an administrator
	changed since is left as it is. Three queries, however many doctypes.
	"""
	from frappe.permissions import rights

	columns = ["parent", "role", "permlevel", "if_owner", *rights]
	custom = frappe.get_all("Custom DocPerm", fields=columns)
	if not custom:
		return
	standard = frappe.get_all(
		"DocPerm", filters={"parent": ("in", list({row.parent for row in custom}))}, fields=columns
	)

	def rules_by_doctype(rows) -> dict[str, list[tuple]]:
		rules = {}
		for row in rows:
			rules.setdefault(row.parent, []).append(
				tuple(int(row[c] or 0) if c != "role" else row[c] for c in columns[1:])
			)
		return {doctype: sorted(values) for doctype, values in rules.items()}

	standard_rules = rules_by_doctype(standard)
	handed_back = [
		doctype for doctype, rules in rules_by_doctype(custom).items() if rules == standard_rules.get(doctype)
	]
	if handed_back:
		frappe.db.delete("Custom DocPerm", {"parent": ("in", handed_back)})
	for doctype in handed_back:
		frappe.clear_cache(doctype=doctype)


def create_roles():
	for role in DMS_ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def create_role_profiles():
	"""A Role Profile per DMS role; an existing profile gains roles it lacks and keeps any added by hand."""
	for role, erpnext_roles in ERPNEXT_ROLES.items():
		if frappe.db.exists("Role Profile", role):
			profile = frappe.get_doc("Role Profile", role)
		else:
			profile = frappe.new_doc("Role Profile")
			profile.role_profile = role
		present = {row.role for row in profile.roles}
		missing = [name for name in (role, *erpnext_roles) if name not in present]
		if not missing:
			continue
		for name in missing:
			profile.append("roles", {"role": name})
		profile.save(ignore_permissions=True)
