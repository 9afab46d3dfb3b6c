// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

frappe.query_reports["DMS Project Portfolio"] = {
	filters: [
		{
			fieldname: "org_unit",
			label: __("Org Unit"),
			fieldtype: "Link",
			options: "DMS Org Unit",
			description: __("Empty: every unit you may see"),
		},
		{
			fieldname: "group_by",
			label: __("Per"),
			fieldtype: "Select",
			options: "Project\nStore\nRegion",
			default: "Project",
		},
		{
			fieldname: "include_closed",
			label: __("Include Completed and Cancelled"),
			fieldtype: "Check",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "delayed" && data && data.delayed) {
			value = `<span class="indicator-pill red">${__("Delayed")}</span>`;
		}
		return value;
	},
};
