// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

const DMS_SERVICE_STATUS_COLOURS = {
	Booked: "blue",
	"Checked In": "cyan",
	"In Progress": "orange",
	QC: "yellow",
	Ready: "green",
	Delivered: "green",
	Invoiced: "darkgrey",
	Closed: "grey",
	Cancelled: "red",
};

frappe.listview_settings["Service Order"] = {
	add_fields: ["status", "is_repeat_repair"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		const colour = DMS_SERVICE_STATUS_COLOURS[doc.status] || "grey";
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
};
