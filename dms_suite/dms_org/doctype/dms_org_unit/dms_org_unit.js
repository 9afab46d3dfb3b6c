// Copyright (c) 2026, dms_suite developers
// For license information, please see license.txt

frappe.ui.form.on("DMS Org Unit", {
	setup(frm) {
		const by_company = () => ({ filters: { company: frm.doc.company, is_group: 0 } });
		frm.set_query("stock_warehouse", by_company);
		frm.set_query("warehouse", "warehouses", by_company);
		frm.set_query("transit_warehouse", () => ({
			filters: { company: frm.doc.company, warehouse_type: "Transit" },
		}));
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company } }));
		frm.set_query("parent_dms_org_unit", () => ({
			filters: { unit_type: ["in", ["Group", "Region"]], name: ["!=", frm.doc.name || ""] },
		}));
	},
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Effective Policies"), () => {
				frappe.call({
					method: "dms_suite.api.org.get_policy_overview",
					type: "GET",
					args: { unit: frm.doc.name },
				}).then((r) => {
					const esc = frappe.utils.escape_html;
					const rows = (r.message || [])
						.map((row) => `<tr><td>${esc(row.label)}</td><td>${esc(String(row.value))}</td>
							<td>${row.source ? esc(row.source) : __("default")}</td></tr>`)
						.join("");
					frappe.msgprint({
						title: __("Effective Policies"),
						message: `<table class="table table-bordered"><tr><th>${__("Policy")}</th><th>${__("Value")}</th>
							<th>${__("Set at")}</th></tr>${rows}</table>`,
					});
				});
			});
		}
	},
});
