// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

frappe.query_reports["DMS Service Quality"] = {
	filters: [
		{
			fieldname: "org_unit",
			label: __("Org Unit"),
			fieldtype: "Link",
			options: "DMS Org Unit",
			description: __("Empty: every unit you may see"),
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -30),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Per"),
			fieldtype: "Select",
			options: "Store\nRegion",
			default: "Store",
		},
	],
};
