// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

// The workflow's actions move the order (Check In … Invoice); the form adds what they do not:
// retrying short parts, recording the customer's rating, and the documents the order made.
frappe.ui.form.on("Service Order", {
	setup(frm) {
		frm.set_query("dms_org_unit", () => ({ filters: { unit_type: "Store" } }));
		frm.set_query("dealer_unit", () => ({
			filters: frm.doc.customer ? { customer: frm.doc.customer } : {},
		}));
		frm.set_query("package", () => ({ filters: { disabled: 0 } }));
	},

	refresh(frm) {
		if (frm.is_new()) return;
		const short = (frm.doc.parts || []).some((row) => row.status === "Short");
		if (frm.doc.docstatus === 0 && short) {
			frm.add_custom_button(__("Reserve Short Parts"), () =>
				frappe
					.call("dms_suite.dms_service.parts.retry_reservation", {
						service_order: frm.doc.name,
					})
					.then(() => frm.reload_doc()),
			);
		}
		if (["Delivered", "Invoiced", "Closed"].includes(frm.doc.status) && !frm.doc.rating) {
			frm.add_custom_button(__("Record Rating"), () => record_rating(frm));
		}
		frm.add_custom_button(
			__("Stock Entries"),
			() => frappe.set_route("List", "Stock Entry", { dms_service_order: frm.doc.name }),
			__("View"),
		);
		frm.add_custom_button(
			__("Sales Invoices"),
			() => frappe.set_route("List", "Sales Invoice", { dms_service_order: frm.doc.name }),
			__("View"),
		);
		if (frm.doc.is_repeat_repair) {
			frm.dashboard.set_headline_alert(
				__("Repeat repair: the unit was here for the same complaint in {0}.", [
					frm.doc.repeat_of,
				]),
				"orange",
			);
		}
	},
});

function record_rating(frm) {
	frappe.prompt(
		[
			{
				fieldname: "rating",
				fieldtype: "Select",
				label: __("Rating"),
				options: "5\n4\n3\n2\n1",
				reqd: 1,
			},
			{ fieldname: "comment", fieldtype: "Small Text", label: __("Comment") },
		],
		(values) =>
			frappe
				.call("dms_suite.dms_service.quality.rate_service_from_desk", {
					service_order: frm.doc.name,
					rating: values.rating,
					comment: values.comment,
				})
				.then(() => frm.reload_doc()),
		__("Customer's Rating"),
	);
}
