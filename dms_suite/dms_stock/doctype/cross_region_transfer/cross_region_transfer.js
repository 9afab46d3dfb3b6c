// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

// Shipment steps (dispatch, receipt) call dms_suite.api.transfer, which checks the user's unit;
// approval is the shipped Workflow, whose "Reject" asks for the reason first.

frappe.ui.form.on("Cross Region Transfer", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || !frm.has_perm("write")) return;
		if (frm.doc.status === "Approved") {
			frm.add_custom_button(__("Dispatch"), () => dispatch_dialog(frm)).addClass(
				"btn-primary",
			);
		}
		if (["In Transit", "Partially Received"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Receive"), () => receive_dialog(frm)).addClass(
				"btn-primary",
			);
		}
		if (frm.doc.is_overdue) {
			frm.dashboard.set_headline_alert(
				__("Overdue: expected on {0}", [
					frappe.datetime.str_to_user(frm.doc.expected_arrival),
				]),
				"red",
			);
		}
	},

	before_workflow_action(frm) {
		if (frm.selected_workflow_action !== "Reject") return;
		frappe.dom.unfreeze();
		return new Promise((resolve) => {
			frappe.prompt(
				{
					fieldname: "reason",
					fieldtype: "Small Text",
					label: __("Reason for Rejection"),
					reqd: 1,
				},
				({ reason }) => {
					// stored first: the workflow's Reject refuses to reject without a reason
					frappe
						.xcall("dms_suite.dms_stock.approval.set_rejection_reason", {
							name: frm.doc.name,
							reason,
						})
						.then(() => {
							frappe.dom.freeze();
							resolve();
						});
				},
				__("Reject Transfer {0}", [frm.doc.name]),
				__("Reject"),
			);
		});
	},
});

function dispatch_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Dispatch {0}", [frm.doc.name]),
		fields: [
			{
				fieldname: "carrier",
				fieldtype: "Data",
				label: __("Carrier"),
				default: frm.doc.carrier,
			},
			{
				fieldname: "tracking_no",
				fieldtype: "Data",
				label: __("Tracking Number"),
				default: frm.doc.tracking_no,
			},
			{
				fieldname: "expected_arrival",
				fieldtype: "Date",
				label: __("Expected Arrival"),
				default: frm.doc.expected_arrival,
				description: __("Empty: today plus the target unit's shipment lead days."),
			},
		],
		primary_action_label: __("Dispatch"),
		primary_action(values) {
			dialog.hide();
			call_step(frm, "dispatch", values, __("Dispatching…"));
		},
	});
	dialog.show();
}

function receive_dialog(frm) {
	// one key per receipt meant: a double click or a resent request posts it once
	const request_key = frappe.utils.get_random(20);
	const rows = frm.doc.items
		.map((row) => ({
			item_code: row.item_code,
			in_transit: row.dispatched_qty - row.received_qty - row.short_qty - row.damaged_qty,
		}))
		.filter((row) => row.in_transit > 0)
		.map((row) => ({ ...row, received_qty: row.in_transit, short_qty: 0, damaged_qty: 0 }));
	const dialog = new frappe.ui.Dialog({
		title: __("Receive {0}", [frm.doc.name]),
		size: "large",
		fields: [
			{
				fieldname: "items",
				fieldtype: "Table",
				label: __("Items"),
				cannot_add_rows: 1,
				cannot_delete_rows: 1,
				in_place_edit: 1,
				data: rows,
				fields: [
					{
						fieldname: "item_code",
						fieldtype: "Link",
						options: "Item",
						label: __("Item"),
						read_only: 1,
						in_list_view: 1,
					},
					{
						fieldname: "in_transit",
						fieldtype: "Float",
						label: __("In Transit"),
						read_only: 1,
						in_list_view: 1,
					},
					{
						fieldname: "received_qty",
						fieldtype: "Float",
						label: __("Received"),
						in_list_view: 1,
					},
					{
						fieldname: "short_qty",
						fieldtype: "Float",
						label: __("Short"),
						in_list_view: 1,
					},
					{
						fieldname: "damaged_qty",
						fieldtype: "Float",
						label: __("Damaged"),
						in_list_view: 1,
					},
				],
			},
			{
				fieldtype: "HTML",
				options: `<p class="text-muted small">${__(
					"Short and damaged quantities are written off from the transit warehouse (a Material Issue), so their value is expensed, not lost.",
				)}</p>`,
			},
		],
		primary_action_label: __("Receive"),
		primary_action(values) {
			const pick = (field) =>
				Object.fromEntries(
					values.items
						.filter((row) => flt(row[field]) > 0)
						.map((row) => [row.item_code, flt(row[field])]),
				);
			dialog.hide();
			call_step(
				frm,
				"receive",
				{
					received: JSON.stringify(pick("received_qty")),
					short: JSON.stringify(pick("short_qty")),
					damaged: JSON.stringify(pick("damaged_qty")),
					request_key,
				},
				__("Posting the receipt…"),
			);
		},
	});
	dialog.show();
	// the grid shows its add / upload buttons again whenever it is editable: the rows are fixed here
	dialog.fields_dict.items.grid.wrapper
		.find(".grid-add-row, .grid-add-multiple-rows, .grid-upload")
		.addClass("hidden");
}

function call_step(frm, method, args, message) {
	frappe
		.call({
			method: `dms_suite.api.transfer.${method}`,
			args: { name: frm.doc.name, ...args },
			freeze: true,
			freeze_message: message,
		})
		.then(() => frm.reload_doc());
}
