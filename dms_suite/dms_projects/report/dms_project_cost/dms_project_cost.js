// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

frappe.query_reports["DMS Project Cost"] = {
	filters: [
		{
			fieldname: "project",
			label: __("Project"),
			fieldtype: "Link",
			options: "Project",
			reqd: 1,
		},
	],
};
