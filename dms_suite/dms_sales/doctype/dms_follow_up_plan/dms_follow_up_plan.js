// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

frappe.ui.form.on("DMS Follow-up Plan", {
	refresh(frm) {
		if (!frm.is_new()) {
			// what a new lead of this unit gets: the inherited plan with this plan's changes
			frm.add_custom_button(__("Effective Steps"), () => {
				frappe
					.call({
						method: "dms_suite.dms_sales.followup.get_effective_follow_up_steps",
						type: "GET",
						args: { unit: frm.doc.org_unit },
					})
					.then((r) => {
						const esc = frappe.utils.escape_html;
						const rows = (r.message || [])
							.map(
								(
									step,
								) => `<tr><td>${cint(step.day_offset)}</td><td>${esc(step.step_code)}</td>
							<td>${esc(__(step.action))}</td><td>${esc(step.description || "")}</td>
							<td>${esc(step.source_unit)}</td></tr>`,
							)
							.join("");
						frappe.msgprint({
							title: __("Effective Steps of {0}", [frm.doc.org_unit]),
							message: `<table class="table table-bordered"><tr><th>${__("Day")}</th><th>${__("Step")}</th>
							<th>${__("Action")}</th><th>${__("Description")}</th><th>${__("Set at")}</th></tr>${rows}</table>`,
						});
					});
			});
		}
	},
});
