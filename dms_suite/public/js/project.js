// Project form: open the dealer project's Gantt board (the "dms-project-board" desk page).
frappe.ui.form.on("Project", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Gantt Board"), () => {
			frappe.set_route("dms-project-board", { project: frm.doc.name });
		});
	},
});
