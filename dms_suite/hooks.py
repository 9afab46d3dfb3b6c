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
# every other doctype: child rows follow their parent record (Frappe checks only the parent doctype),
# Comment / File / ToDo / Version… the record they are about, and ERPNext data with a company the
# companies of the user's units
permission_query_conditions["*"] = "dms_suite.permissions.get_default_conditions"
has_permission["*"] = "dms_suite.permissions.has_default_permission"

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
	# a child row saved or deleted on its own needs write on its parent record
	"*": {
		"validate": "dms_suite.overrides.resource.check_child_row_write",
		"on_trash": "dms_suite.overrides.resource.check_child_row_write",
	},
	"User": {
		"on_update": "dms_suite.overrides.user.sync_dms_user_permissions",
	},
	# ERPNext transactions carry the org unit they belong to (dms_suite/org/document_unit.py)
	**{
		doctype: {"validate": "dms_suite.org.document_unit.set_org_unit"}
		for doctype in ERPNEXT_TRANSACTION_DOCTYPES
	},
}


def _add_doc_events(events: dict[str, dict[str, str | list[str]]]) -> None:
	"""Add handlers to doc_events, keeping those already registered for the same doctype and event."""
	for doctype, handlers in events.items():
		registered = doc_events.setdefault(doctype, {})
		for event, methods in handlers.items():
			methods = [methods] if isinstance(methods, str) else list(methods)
			present = registered.get(event, [])
			registered[event] = ([present] if isinstance(present, str) else list(present)) + methods


# Sales (dms_suite/sales): each part adds its own handlers
# --- leads: channels, duplicate check across the group, assignment (dms_suite/sales/leads.py)
_add_doc_events(
	{
		"Lead": {
			"before_insert": "dms_suite.sales.leads.check_duplicate",
			"validate": "dms_suite.sales.leads.validate_lead",  # after set_org_unit: needs the store
		},
		"Customer": {"validate": "dms_suite.sales.leads.set_customer_keys"},
	}
)
# --- follow-up plans (dms_suite/sales/followup.py)
_add_doc_events(
	{
		"Lead": {
			"after_insert": "dms_suite.sales.followup.schedule_follow_ups",  # after leads: owner is set
			"on_change": "dms_suite.sales.followup.close_follow_ups",  # also on ERPNext's set_status
		},
		"Customer": {"on_update": "dms_suite.sales.followup.close_follow_ups_of_customer_lead"},
	}
)
# --- a customer's details are masked on every copy ERPNext keeps (dms_suite/sales/masking.py): what a
# masked role enters on a new document is kept
_add_doc_events(
	{
		doctype: {"before_insert": "dms_suite.sales.masking.keep_entered_details"}
		for doctype in (
			"Contact",
			"Address",
			"Lead",
			"Opportunity",
			"Quotation",
			"Sales Order",
			"Delivery Note",
			"Sales Invoice",
		)
	}
)
# --- group customer pool (dms_suite/sales/customers.py)
_add_doc_events(
	{
		"Customer": {
			"before_insert": "dms_suite.sales.customers.set_owning_unit",
			"validate": "dms_suite.sales.customers.validate_customer",
		},
		**{
			doctype: {"on_submit": "dms_suite.sales.customers.record_served_unit"}
			for doctype in ("Quotation", "Sales Order", "Delivery Note", "Sales Invoice")
		},
	}
)
# --- a narrowed user makes those documents only for a customer they can already see
_add_doc_events(
	{
		doctype: {"validate": "dms_suite.sales.customers.check_customer_in_reach"}
		for doctype in ("Quotation", "Sales Order", "Delivery Note", "Sales Invoice", "Service Order")
	}
)
# a customer is visible to the units that own or have served it (dms_suite/permissions.py, "Customer")
permission_query_conditions["Customer"] = "dms_suite.permissions.get_customer_query_conditions"
has_permission["Customer"] = "dms_suite.permissions.has_customer_permission"
permission_query_conditions["DMS Customer Unit"] = "dms_suite.permissions.get_customer_unit_conditions"
# their contacts and addresses follow them (Frappe's own hooks for Contact and Address still apply)
for _doctype in ("Contact", "Address"):
	permission_query_conditions[_doctype] = "dms_suite.permissions.get_customer_party_conditions"
	has_permission[_doctype] = "dms_suite.permissions.has_customer_party_permission"
# single-document reads: masked onload details and the Access Log of unmasked views
override_doctype_class = {
	**globals().get("override_doctype_class", {}),
	"Customer": "dms_suite.sales.customers.DMSCustomer",
}
doctype_js = {**globals().get("doctype_js", {}), "Customer": "public/js/customer.js"}
# service orders add their history to get_customer_profile through this hook
dms_customer_service_orders = ["dms_suite.service.orders.customer_service_orders"]
# --- quotation approvals and contracts (dms_suite/sales/quotations.py)
_add_doc_events(
	{
		"Quotation": {"validate": "dms_suite.sales.quotations.validate_quotation"},
		"Sales Order": {"validate": "dms_suite.sales.quotations.validate_sales_order"},
		"Contract": {"validate": "dms_suite.sales.contracts.validate_contract"},
	}
)
# --- joint campaigns (dms_suite/sales/campaigns.py)
_add_doc_events(
	{
		"Campaign": {
			"validate": "dms_suite.sales.campaigns.validate_campaign",
			"on_update": "dms_suite.sales.campaigns.resync_campaign_rules",
		},
		# results per campaign, unit and day kept in step (the campaign results report reads them)
		**{
			doctype: {
				"on_change": "dms_suite.sales.campaigns.tally_change",
				"on_trash": "dms_suite.sales.campaigns.tally_trash",
			}
			for doctype in ("Lead", "Quotation", "Sales Order")
		},
	}
)

# After-sales service (dms_suite/service): units by VIN, service orders, packages, portal
# --- invoicing (dms_suite/service/billing.py): a cancelled service invoice reopens its order
_add_doc_events({"Sales Invoice": {"on_cancel": "dms_suite.service.billing.on_invoice_cancel"}})
# --- a store a customer books at serves that customer from the booking on (its staff see the customer
# and the unit; dms_suite/sales/customers.py)
_add_doc_events({"Service Order": {"after_insert": "dms_suite.sales.customers.record_served_unit"}})
# --- a unit is as visible as its owner; packages to the units at and below their own and the units
# above it (a store sees HQ's and its region's) (dms_suite/permissions.py, "Service")
permission_query_conditions["Dealer Unit"] = "dms_suite.permissions.get_dealer_unit_conditions"
has_permission["Dealer Unit"] = "dms_suite.permissions.has_dealer_unit_permission"
permission_query_conditions["DMS Service Package"] = "dms_suite.permissions.get_package_conditions"
has_permission["DMS Service Package"] = "dms_suite.permissions.has_package_permission"

# Dealer projects (dms_suite/projects): budgets and equipment, task dependencies and material plans,
# just-in-time supply, issues to the site
_add_doc_events(
	{
		"Project": {"validate": "dms_suite.projects.project.validate_project"},
		# after ERPNext's own checks and set_org_unit: the task takes its project's store
		"Task": {
			"validate": "dms_suite.projects.tasks.validate_task",
			"on_update": "dms_suite.projects.tasks.refresh_line_status",
		},
		"Stock Entry": {
			"on_submit": "dms_suite.projects.supply.update_delivered",
			"on_cancel": "dms_suite.projects.supply.update_delivered",
		},
		"Material Request": {"on_cancel": "dms_suite.projects.supply.release_cancelled_request"},
		"Cross Region Transfer": {
			"on_change": "dms_suite.projects.supply.release_closed_transfer",
			"on_trash": "dms_suite.projects.supply.release_closed_transfer",
		},
	}
)
doctype_js["Project"] = "public/js/project.js"

# Frappe checks the doctype of a global-search hit or of a child row, not the record itself
override_whitelisted_methods = {
	"frappe.utils.global_search.search": "dms_suite.overrides.global_search.search",
	# child rows follow their parent record (lists: get_child_table_conditions above)
	"frappe.client.get": "dms_suite.overrides.client.get",
	# link search: no ignore_user_permissions for narrowed users, unreadable columns emptied
	"frappe.desk.search.search_widget": "dms_suite.overrides.search.search_widget",
	"frappe.desk.search.search_link": "dms_suite.overrides.search.search_link",
	# list sidebar counts: permission-checked, no counting by (or filtering on) unreadable fields
	"frappe.desk.listview.get_group_by_count": "dms_suite.overrides.listview.get_group_by_count",
	# the form's Version history without the values of fields the user may not read
	"frappe.desk.form.load.getdoc": "dms_suite.overrides.form.getdoc",
	"frappe.desk.form.load.get_docinfo": "dms_suite.overrides.form.get_docinfo",
	# a person's contact details handed to a form outside any document, masked for masked roles
	# (dms_suite/overrides/contact_details.py)
	"frappe.contacts.doctype.contact.contact.get_contact_details": (
		"dms_suite.overrides.contact_details.get_contact_details"
	),
	"frappe.contacts.doctype.address.address.get_address_display": (
		"dms_suite.overrides.contact_details.get_address_display"
	),
	"erpnext.accounts.party.get_party_details": "dms_suite.overrides.contact_details.get_party_details",
	"frappe.model.mapper.make_mapped_doc": "dms_suite.overrides.contact_details.make_mapped_doc",
	"erpnext.selling.doctype.customer.customer.make_quotation": (
		"dms_suite.overrides.contact_details.make_quotation_from_customer"
	),
	"erpnext.crm.doctype.lead.lead.make_quotation": "dms_suite.overrides.contact_details.make_quotation_from_lead",
	"erpnext.crm.doctype.lead.lead.make_opportunity": (
		"dms_suite.overrides.contact_details.make_opportunity_from_lead"
	),
	# ERPNext's Project picker reads every project: only those the user may list
	"erpnext.controllers.queries.get_project_name": "dms_suite.overrides.queries.get_project_name",
	# templates users write are rendered with the document's own fields only (no frappe.db in Jinja)
	"erpnext.crm.doctype.contract_template.contract_template.get_contract_template": (
		"dms_suite.overrides.templates.get_contract_template"
	),
	"erpnext.setup.doctype.terms_and_conditions.terms_and_conditions.get_terms_and_conditions": (
		"dms_suite.overrides.templates.get_terms_and_conditions"
	),
}

# /api/resource/<doctype>/<name>: expand_links with the linked records' own permissions, and child
# rows only as readable as their parent record (dms_suite/overrides/resource.py)
before_request = [
	# no filtering, sorting or grouping by a field the user may not read (dms_suite/overrides/db_query.py)
	"dms_suite.overrides.db_query.install",
	"dms_suite.overrides.resource.hold_expand_links",
]
before_job = ["dms_suite.overrides.db_query.install"]
# whitelisted methods of Frappe and ERPNext (balances, stock, party details, reports…) answer only for
# a company, warehouse, account, party or project in the user's scope; Frappe runs auth_hooks once the
# request's user is known (session, API key or OAuth), before the method (dms_suite/overrides/arguments.py)
auth_hooks = ["dms_suite.overrides.arguments.check_method_arguments"]
# ERPNext's portal pages and /printview of transactions: a narrowed DMS user opens what the desk opens
has_website_permission = {
	doctype: "dms_suite.overrides.website.has_website_permission"
	for doctype in (
		"Quotation",
		"Sales Order",
		"Sales Invoice",
		"Delivery Note",
		"Supplier Quotation",
		"Purchase Order",
		"Purchase Invoice",
		"Material Request",
		"Timesheet",
		"Project",
		"Issue",
	)
}
after_request = [
	"dms_suite.overrides.resource.guard_child_row",
	"dms_suite.overrides.resource.expand_links",
]

# Scheduled jobs: the replenishment planner, overdue shipments (dms_suite/stock/planner.py)
scheduler_events = {
	"hourly_long": ["dms_suite.stock.planner.run_scheduled_planner"],
	"daily": ["dms_suite.stock.planner.flag_overdue_shipments", "dms_suite.sales.followup.run_daily"],
	# dealer projects: delays first (on yesterday's deliveries), then just-in-time material
	"daily_long": ["dms_suite.projects.delays.flag_delays", "dms_suite.projects.supply.raise_jit_requests"],
}

# Tree views
treeviews = ["DMS Org Unit"]
