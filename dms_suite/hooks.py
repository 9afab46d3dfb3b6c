from dms_suite.permissions import ERPNEXT_DOCTYPES, ORG_SCOPED_DOCTYPES

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

# Data isolation by org subtree (dms_suite/permissions.py): one module, both hooks, every DMS doctype
permission_query_conditions = {
	doctype: "dms_suite.permissions.get_permission_query_conditions" for doctype in ORG_SCOPED_DOCTYPES
}
has_permission = {doctype: "dms_suite.permissions.has_permission" for doctype in ORG_SCOPED_DOCTYPES}
# ERPNext doctypes: narrowed by managed User Permissions; these hooks only shut out unassigned DMS users
permission_query_conditions.update(
	{doctype: "dms_suite.permissions.get_erpnext_query_conditions" for doctype in ERPNEXT_DOCTYPES}
)
has_permission.update(
	{doctype: "dms_suite.permissions.has_erpnext_permission" for doctype in ERPNEXT_DOCTYPES}
)

# ERPNext documents and users
# ---------------------------
doc_events = {
	"User": {
		"on_update": "dms_suite.overrides.user.sync_dms_user_permissions",
	},
}

# Tree views
treeviews = ["DMS Org Unit"]
