// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

frappe.query_reports["DMS Order Tracking"] = {
	filters: [
		{
			fieldname: "dms_org_unit",
			label: __("Store"),
			fieldtype: "Link",
			options: "DMS Org Unit",
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "from_date", label: __("Ordered From"), fieldtype: "Date" },
		{ fieldname: "open_only", label: __("Not Yet Delivered"), fieldtype: "Check", default: 1 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "days_late" && data && data.days_late > 0) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
