frappe.query_reports["DMS Org Unit Policies"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "unit_type", label: __("Unit Type"), fieldtype: "Select", options: "\nGroup\nRegion\nStore" },
	],
};
