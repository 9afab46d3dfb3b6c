// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

const PLANNER_ROLES = [
	"DMS Stock Controller",
	"DMS Region Manager",
	"DMS Group Executive",
	"System Manager",
];

frappe.listview_settings["Cross Region Transfer"] = {
	add_fields: ["status", "is_overdue", "docstatus"],
	has_indicator_for_draft: 1,

	get_indicator(doc) {
		if (doc.is_overdue && ["In Transit", "Partially Received"].includes(doc.status)) {
			return [__("Overdue"), "red", "is_overdue,=,1"];
		}
		const colours = {
			Draft: "gray",
			"Pending Approval": "orange",
			Approved: "blue",
			"In Transit": "purple",
			"Partially Received": "yellow",
			Received: "green",
			Rejected: "red",
			Cancelled: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", `status,=,${doc.status}`];
	},

	onload(listview) {
		if (!frappe.user.has_role(PLANNER_ROLES)) return;
		listview.page.add_inner_button(__("Run Replenishment Planner"), () => {
			frappe
				.call({ method: "dms_suite.api.stock.enqueue_planner", type: "POST" })
				.then(() => {
					frappe.show_alert({
						message: __(
							"The planner is running; its progress shows here and new proposals appear in this list.",
						),
						indicator: "blue",
					});
					frappe.realtime.on("list_update", () => listview.refresh());
				});
		});
	},
};
