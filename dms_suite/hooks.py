from dms_suite.permissions import (
	ERPNEXT_LEDGER_DOCTYPES,
	ERPNEXT_MASTER_DOCTYPES,
	ERPNEXT_TRANSACTION_DOCTYPES,
	ORG_SCOPED_DOCTYPES,
)

app_name = "dms_suite"
app_title = "DMS Suite"
app_publisher = "dms_suite developers"
app_description = "Dealer Management System for dealer groups on ERPNext v15"
app_email = "dms@example.com"
app_license = "mit"
required_apps = ["erpnext"]

export_python_type_annotations = True
require_type_annotated_api_methods = True

# Installation
# ------------
after_install = "dms_suite.setup.after_install"
after_migrate = "dms_suite.setup.after_migrate"
before_uninstall = "dms_suite.setup.before_uninstall"

# Data isolation by org subtree (dms_suite/permissions.py): one module, both hooks, every doctype
# that carries an org unit (DMS doctypes and the ERPNext transactions DMS staff work in)
permission_query_conditions = {
	doctype: "dms_suite.permissions.get_permission_query_conditions" for doctype in ORG_SCOPED_DOCTYPES
}
has_permission = {doctype: "dms_suite.permissions.has_permission" for doctype in ORG_SCOPED_DOCTYPES}
# child rows of those doctypes follow their parent record (Frappe checks only the parent doctype)
permission_query_conditions["*"] = "dms_suite.permissions.get_child_table_conditions"

# ERPNext masters and ledgers are narrowed by managed User Permissions; these hooks only shut out
# DMS users who are assigned to no unit (and so have no User Permission at all)
_by_user_permissions = ERPNEXT_MASTER_DOCTYPES + ERPNEXT_LEDGER_DOCTYPES
permission_query_conditions.update(
	{doctype: "dms_suite.permissions.get_erpnext_query_conditions" for doctype in _by_user_permissions}
)
has_permission.update(
	{doctype: "dms_suite.permissions.has_erpnext_permission" for doctype in _by_user_permissions}
)

# ERPNext documents and users
# ---------------------------
doc_events = {
	"User": {
		"on_update": "dms_suite.overrides.user.sync_dms_user_permissions",
	},
	# ERPNext transactions carry the org unit they belong to (dms_suite/org/document_unit.py)
	**{
		doctype: {"validate": "dms_suite.org.document_unit.set_org_unit"}
		for doctype in ERPNEXT_TRANSACTION_DOCTYPES
	},
}

# Frappe checks the doctype of a global-search hit or of a child row, not the record itself
override_whitelisted_methods = {
	"frappe.utils.global_search.search": "dms_suite.overrides.global_search.search",
	# child rows follow their parent record (lists: get_child_table_conditions above)
	"frappe.client.get": "dms_suite.overrides.client.get",
}

# Scheduled jobs: the replenishment planner, overdue shipments (dms_suite/stock/planner.py)
scheduler_events = {
	"hourly_long": ["dms_suite.stock.planner.run_scheduled_planner"],
	"daily": ["dms_suite.stock.planner.flag_overdue_shipments"],
}

# Tree views
treeviews = ["DMS Org Unit"]
