frappe.treeview_settings["DMS Org Unit"] = {
	get_tree_nodes: "dms_suite.dms_org.doctype.dms_org_unit.dms_org_unit.get_children",
	breadcrumb: "DMS Org",
	title: __("Dealer Organisation"),
	fields: [
		{ fieldtype: "Data", fieldname: "unit_name", label: __("Unit Name"), reqd: true },
		{ fieldtype: "Data", fieldname: "unit_code", label: __("Unit Code"), reqd: true },
		{ fieldtype: "Select", fieldname: "unit_type", label: __("Unit Type"), options: "Region\nStore", reqd: true },
		{ fieldtype: "Link", fieldname: "company", label: __("Company"), options: "Company", reqd: true },
	],
	ignore_fields: ["parent_dms_org_unit"],
};
