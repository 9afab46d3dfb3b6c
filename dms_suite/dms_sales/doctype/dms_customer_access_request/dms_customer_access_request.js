// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

frappe.ui.form.on("DMS Customer Access Request", {
	refresh(frm) {
		const deciding = ["DMS Store Manager", "DMS Region Manager", "DMS Group Executive"];
		if (frm.is_new() || frm.doc.status !== "Pending" || frm.doc.owner === frappe.session.user) return;
		if (!deciding.some((role) => frappe.user.has_role(role))) return;
		// the server decides who may (the owning store's managers); the buttons only ask it
		const decide = (approve) =>
			frappe.prompt(
				{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
				({ note }) =>
					frappe
						.call("dms_suite.api.sales.decide_customer_access", {
							request: frm.doc.name,
							approve: approve ? 1 : 0,
							note,
						})
						.then(() => frm.reload_doc()),
				approve ? __("Grant access") : __("Refuse")
			);
		frm.add_custom_button(__("Grant access"), () => decide(true)).addClass("btn-primary");
		frm.add_custom_button(__("Refuse"), () => decide(false));
	},
});
