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

# Data isolation (dms_suite/permissions.py)
# -----------------------------------------
# Each domain says how its doctypes are narrowed, in its own permissions.py; the core collects those
# rules and answers Frappe's two hooks for every doctype. A doctype without a rule follows what it
# hangs off: child rows their parent record, Comment / File / ToDo / Version… the record they are
# about, ERPNext data with a company or a customer the user's companies and customers.
dms_permission_rules = [
	"dms_suite.dms_org.permissions.rules",
	"dms_suite.dms_stock.permissions.rules",
	"dms_suite.dms_sales.permissions.rules",
	"dms_suite.dms_service.permissions.rules",
]
permission_query_conditions = {"*": "dms_suite.permissions.get_permission_query_conditions"}
has_permission = {"*": "dms_suite.permissions.has_permission"}

# ERPNext documents and users
# ---------------------------
# Handlers run in the order listed. set_org_unit (dms_suite/dms_org/document_unit.py) gives an ERPNext
# transaction the org unit it is isolated by; it comes first, the domains' checks need the store.
doc_events = {
	"*": {
		# NaN, infinities and numbers no column holds are refused before anything uses them
		# (dms_suite/validation.py); a child row saved or deleted on its own needs write on its parent
		"before_validate": "dms_suite.validation.check_numbers",
		"validate": "dms_suite.overrides.resource.check_child_row_write",
		"on_trash": "dms_suite.overrides.resource.check_child_row_write",
	},
	"User": {"on_update": "dms_suite.overrides.user.sync_dms_user_permissions"},
	# sales: leads (duplicates across the group, assignment), follow-up plans, campaign tallies
	"Lead": {
		"before_insert": [
			"dms_suite.dms_sales.leads.check_duplicate",
			"dms_suite.dms_sales.masking.keep_entered_details",
		],
		"validate": [
			"dms_suite.dms_org.document_unit.set_org_unit",
			"dms_suite.dms_sales.leads.validate_lead",
		],
		"after_insert": "dms_suite.dms_sales.followup.schedule_follow_ups",  # after leads: owner is set
		"on_change": [
			"dms_suite.dms_sales.followup.close_follow_ups",  # also on ERPNext's set_status
			"dms_suite.dms_sales.campaigns.tally_change",
		],
		"on_trash": "dms_suite.dms_sales.campaigns.tally_trash",
	},
	"Opportunity": {
		"before_insert": "dms_suite.dms_sales.masking.keep_entered_details",
		"validate": "dms_suite.dms_org.document_unit.set_org_unit",
	},
	# sales: approvals, the customer in reach, served units, campaign tallies
	"Quotation": {
		"before_insert": "dms_suite.dms_sales.masking.keep_entered_details",
		"validate": [
			"dms_suite.dms_org.document_unit.set_org_unit",
			"dms_suite.dms_sales.customers.check_customer_in_reach",
			"dms_suite.dms_sales.quotations.validate_quotation",
		],
		"on_submit": "dms_suite.dms_sales.customers.record_served_unit",
		"on_change": "dms_suite.dms_sales.campaigns.tally_change",
		"on_trash": "dms_suite.dms_sales.campaigns.tally_trash",
	},
	"Sales Order": {
		"before_insert": "dms_suite.dms_sales.masking.keep_entered_details",
		"validate": [
			"dms_suite.dms_org.document_unit.set_org_unit",
			"dms_suite.dms_sales.customers.check_customer_in_reach",
			"dms_suite.dms_sales.quotations.validate_sales_order",
		],
		"on_submit": "dms_suite.dms_sales.customers.record_served_unit",
		"on_change": "dms_suite.dms_sales.campaigns.tally_change",
		"on_trash": "dms_suite.dms_sales.campaigns.tally_trash",
	},
	"Delivery Note": {
		"before_insert": "dms_suite.dms_sales.masking.keep_entered_details",
		"validate": [
			"dms_suite.dms_org.document_unit.set_org_unit",
			"dms_suite.dms_sales.customers.check_customer_in_reach",
		],
		"on_submit": "dms_suite.dms_sales.customers.record_served_unit",
	},
	"Sales Invoice": {
		"before_insert": "dms_suite.dms_sales.masking.keep_entered_details",
		"validate": [
			"dms_suite.dms_org.document_unit.set_org_unit",
			"dms_suite.dms_sales.customers.check_customer_in_reach",
		],
		"on_submit": "dms_suite.dms_sales.customers.record_served_unit",
		# a cancelled service invoice reopens its order (dms_suite/dms_service/billing.py)
		"on_cancel": "dms_suite.dms_service.billing.on_invoice_cancel",
	},
	# sales: the group customer pool (dms_suite/dms_sales/customers.py)
	"Customer": {
		"before_insert": "dms_suite.dms_sales.customers.set_owning_unit",
		"validate": [
			"dms_suite.dms_sales.leads.set_customer_keys",
			"dms_suite.dms_sales.customers.validate_customer",
		],
		"on_update": "dms_suite.dms_sales.followup.close_follow_ups_of_customer_lead",
	},
	# what a masked role enters on a new document is kept (dms_suite/dms_sales/masking.py)
	"Contact": {"before_insert": "dms_suite.dms_sales.masking.keep_entered_details"},
	"Address": {"before_insert": "dms_suite.dms_sales.masking.keep_entered_details"},
	"Contract": {"validate": "dms_suite.dms_sales.contracts.validate_contract"},
	"Campaign": {
		"validate": "dms_suite.dms_sales.campaigns.validate_campaign",
		"on_update": "dms_suite.dms_sales.campaigns.resync_campaign_rules",
	},
	# service: a store a customer books at serves that customer from the booking on
	"Service Order": {
		"validate": "dms_suite.dms_sales.customers.check_customer_in_reach",
		"after_insert": "dms_suite.dms_sales.customers.record_served_unit",
	},
	# stock and dealer projects: deliveries to a site, material requests and transfers of a plan
	"Stock Entry": {
		"validate": "dms_suite.dms_org.document_unit.set_org_unit",
		"on_submit": "dms_suite.dms_projects.supply.update_delivered",
		"on_cancel": "dms_suite.dms_projects.supply.update_delivered",
	},
	"Material Request": {
		"validate": "dms_suite.dms_org.document_unit.set_org_unit",
		"on_cancel": "dms_suite.dms_projects.supply.release_cancelled_request",
	},
	"Cross Region Transfer": {
		"on_change": "dms_suite.dms_projects.supply.release_closed_transfer",
		"on_trash": "dms_suite.dms_projects.supply.release_closed_transfer",
	},
	"Project": {
		"validate": [
			"dms_suite.dms_org.document_unit.set_org_unit",
			"dms_suite.dms_projects.project.validate_project",
		]
	},
	"Task": {
		"validate": [
			"dms_suite.dms_org.document_unit.set_org_unit",
			"dms_suite.dms_projects.tasks.validate_task",
		],
		"on_update": "dms_suite.dms_projects.tasks.refresh_line_status",
	},
	"Timesheet": {"validate": "dms_suite.dms_org.document_unit.set_org_unit"},
	"Purchase Order": {"validate": "dms_suite.dms_org.document_unit.set_org_unit"},
	"Purchase Receipt": {"validate": "dms_suite.dms_org.document_unit.set_org_unit"},
	"Purchase Invoice": {"validate": "dms_suite.dms_org.document_unit.set_org_unit"},
	"Payment Entry": {"validate": "dms_suite.dms_org.document_unit.set_org_unit"},
	"Journal Entry": {"validate": "dms_suite.dms_org.document_unit.set_org_unit"},
}

# single-document reads of a customer: masked onload details and the Access Log of unmasked views
override_doctype_class = {"Customer": "dms_suite.dms_sales.customers.DMSCustomer"}
doctype_js = {"Customer": "public/js/customer.js", "Project": "public/js/project.js"}
# service orders add their history to get_customer_profile through this hook
dms_customer_service_orders = ["dms_suite.dms_service.orders.customer_service_orders"]

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
	"Quotation": "dms_suite.overrides.website.has_website_permission",
	"Sales Order": "dms_suite.overrides.website.has_website_permission",
	"Sales Invoice": "dms_suite.overrides.website.has_website_permission",
	"Delivery Note": "dms_suite.overrides.website.has_website_permission",
	"Supplier Quotation": "dms_suite.overrides.website.has_website_permission",
	"Purchase Order": "dms_suite.overrides.website.has_website_permission",
	"Purchase Invoice": "dms_suite.overrides.website.has_website_permission",
	"Material Request": "dms_suite.overrides.website.has_website_permission",
	"Timesheet": "dms_suite.overrides.website.has_website_permission",
	"Project": "dms_suite.overrides.website.has_website_permission",
	"Issue": "dms_suite.overrides.website.has_website_permission",
}
after_request = [
	"dms_suite.overrides.resource.guard_child_row",
	"dms_suite.overrides.resource.expand_links",
]

# Scheduled jobs: the replenishment planner and overdue shipments (dms_suite/dms_stock/planner.py),
# follow-ups (dms_suite/dms_sales/followup.py), project delays and just-in-time supply
scheduler_events = {
	"hourly_long": ["dms_suite.dms_stock.planner.run_scheduled_planner"],
	"daily": [
		"dms_suite.dms_stock.planner.flag_overdue_shipments",
		"dms_suite.dms_sales.followup.run_daily",
		"dms_suite.dms_sales.handover.expire_requests",  # customer access requests not granted in time
	],
	# dealer projects: delays first (on yesterday's deliveries), then just-in-time material
	"daily_long": [
		"dms_suite.dms_projects.delays.flag_delays",
		"dms_suite.dms_projects.supply.raise_jit_requests",
	],
}

# Tree views
treeviews = ["DMS Org Unit"]
