"""The demo dealer group (dms_suite/demo/builder.py): idempotent, and the shape it promises.

Every test builds the demo inside its own savepoint (conftest.py rolls it back); conftest also
turns frappe.db.commit() into an error, so a builder that commits fails here.
"""

import frappe

from dms_suite.demo import builder

# what a second run must leave untouched: row count and latest modified timestamp per doctype
SNAPSHOT_DOCTYPES = (
	"Company",
	"Territory",
	"DMS Org Unit",
	"DMS Org Unit Policy",
	"DMS Org Assignment",
	"Warehouse",
	"Cost Center",
	"Item",
	"Item Price",
	"Customer",
	"User",
	"Has Role",
	"Serial No",
	"Serial and Batch Bundle",
	"Stock Entry",
	"Stock Ledger Entry",
	"Bin",
	"GL Entry",
	"User Permission",
	"Version",
	"Lead",
	"Quotation",
	"Comment",
	"ToDo",
	"Dealer Unit",
	"Service Order",
	"DMS Service Package",
	"Sales Invoice",
)

REGION_UNITS = {
	"NORTH": ("Demo Auto North", ["N-BJ", "N-TJ", "N-SJZ"]),
	"EAST": ("Demo Auto East", ["E-SH", "E-HZ", "E-NJ"]),
	"SOUTH": ("Demo Auto South", ["S-GZ", "S-SZ", "S-XM"]),
}
ROLE_UNITS = {  # email prefix -> (role, assigned to the region (None) or its first store (0))
	"manager": ("DMS Region Manager", None),
	"accountant": ("DMS Accountant", None),
	"stock": ("DMS Stock Controller", None),
	"store": ("DMS Store User", 0),
	"store.manager": ("DMS Store Manager", 0),
	"sales": ("DMS Sales", 0),
	"service": ("DMS Service Advisor", 0),
}


def snapshot() -> dict[str, tuple]:
	return {
		doctype: tuple(frappe.db.sql(f"select count(*), max(modified) from `tab{doctype}`")[0])
		for doctype in SNAPSHOT_DOCTYPES
	}


def test_second_run_changes_nothing():
	first = builder.build_demo()
	before = snapshot()
	second = builder.build_demo()
	after = snapshot()

	assert second["created"] == {}
	assert after == before
	assert {k: v for k, v in second.items() if k != "created"} == {
		k: v for k, v in first.items() if k != "created"
	}


def test_summary_counts():
	result = builder.build_demo()

	assert result["companies"] == 4
	assert result["org_units"] == {"Group": 1, "Region": 3, "Store": 9}
	assert result["warehouses"] == 18
	assert result["items"] == {"Vehicles": 4, "Parts": 6}
	assert result["customers"] == 9
	assert result["users"] == 22
	assert result["assignments"] == 22
	assert result["serial_nos"] == 24
	assert result["stock_entries"] == 9  # the opening stock entries
	assert [r["unit"] for r in result["regions"]] == ["NORTH", "EAST", "SOUTH"]
	assert all(r["stock_value"] > 1_000_000 for r in result["regions"])
	# the main job: what each kind of user sees through the permission-checked list API
	assert [
		(r["user"].split("@")[0], r["units"], r["stock_entries"], r["companies"]) for r in result["isolation"]
	][1:] == [
		(
			"north.manager",
			4,
			7,
			1,
		),  # its opening stock, the parts held for the service scene, the project's issue
		("south.store", 1, 2, 1),  # Guangzhou: its opening stock and the receipt of its transfer
	]
	# the group executive sees all of it (and whatever else the site holds)
	group_exec = result["isolation"][0]
	assert (group_exec["units"], group_exec["stock_entries"], group_exec["companies"]) >= (13, 13, 4)
	# the cross-region scene: Guangzhou below safety, planned from Xiamen (nearest) and Nanjing
	assert [
		(t["source_unit"], t["target_unit"], t["qty"], t["rule"], t["mode"], t["status"])
		for t in result["transfers"]
	] == [
		("S-XM", "S-GZ", 10, "Nearest", "Same Company", "Received"),
		("E-NJ", "S-GZ", 20, "Nearest", "Inter Company", "Partially Received"),
	]

	lines = builder.summary_lines(result)
	assert 10 <= len(lines) <= 40  # a screenful: the group and its five scenes
	assert all(isinstance(line, str) and line for line in lines)


def test_companies_and_regions():
	builder.build_demo()

	group = frappe.get_doc("DMS Org Unit", "DAG")
	assert (group.unit_type, group.company, group.parent_dms_org_unit) == ("Group", "Demo Auto Group", None)
	assert {row.policy: row.value for row in group.policies}["transfer_rule"] == "Nearest"

	regions = frappe.get_all(
		"DMS Org Unit",
		filters={"parent_dms_org_unit": "DAG"},
		fields=["name", "unit_type", "company", "transit_warehouse", "cost_center", "territory"],
	)
	assert {r.name for r in regions} == set(REGION_UNITS)
	for region in regions:
		company, stores = REGION_UNITS[region.name]
		assert region.unit_type == "Region"
		assert region.company == company
		assert frappe.db.get_value("Company", company, ["parent_company", "default_currency"]) == (
			"Demo Auto Group",
			"CNY",
		)
		transit = frappe.db.get_value(
			"Warehouse", region.transit_warehouse, ["company", "warehouse_type", "is_group"], as_dict=True
		)
		assert (transit.company, transit.warehouse_type, transit.is_group) == (company, "Transit", 0)
		assert frappe.db.get_value("Cost Center", region.cost_center, "company") == company
		assert frappe.db.get_value("Territory", region.territory, "parent_territory") == "China"

		children = frappe.get_all(
			"DMS Org Unit", filters={"parent_dms_org_unit": region.name}, fields=["name", "unit_type"]
		)
		assert sorted(c.name for c in children) == sorted(stores)
		assert {c.unit_type for c in children} == {"Store"}


def test_effective_policies_follow_the_tree():
	from dms_suite.dms_org.policy import get_effective_policy

	builder.build_demo()

	assert get_effective_policy("N-BJ")["safety_stock_days"] == 10
	assert get_effective_policy("S-GZ")["safety_stock_days"] == 14
	assert get_effective_policy("E-HZ")["transfer_rule"] == "Lowest Cost"
	assert get_effective_policy("N-TJ")["transfer_rule"] == "Nearest"
	assert get_effective_policy("S-XM")["monthly_sales_target"] == 4_500_000
	assert get_effective_policy("S-SZ")["monthly_sales_target"] == 30_000_000


def test_stores_have_their_own_books_and_serialised_vehicle_stock():
	builder.build_demo()

	business_lines = set()
	for region, (company, stores) in REGION_UNITS.items():
		lines = set()
		for code in stores:
			store = frappe.get_doc("DMS Org Unit", code)
			assert store.company == company
			lines.add(store.business_line)
			purposes = {row.purpose: row.warehouse for row in store.warehouses}
			# a store that has serviced a unit also has its job warehouse (dms_suite/dms_service/parts.py)
			assert set(purposes) - {"Service Jobs"} == {"Vehicles", "Parts"}
			assert store.stock_warehouse == purposes["Vehicles"]
			for warehouse in purposes.values():
				assert frappe.db.get_value("Warehouse", warehouse, ["company", "is_group"]) == (company, 0)
			assert frappe.db.get_value("Cost Center", store.cost_center, ["company", "is_group"]) == (
				company,
				0,
			)

			vehicles = purposes["Vehicles"]
			bins = frappe.get_all(
				"Bin",
				filters={"warehouse": vehicles, "actual_qty": (">", 0)},
				fields=["item_code", "actual_qty"],
			)
			assert bins, f"no vehicle stock at {code}"
			assert all(frappe.db.get_value("Item", b.item_code, "has_serial_no") for b in bins)
			vins = frappe.get_all(
				"Serial No", filters={"warehouse": vehicles, "status": "Active"}, fields=["name", "company"]
			)
			assert 2 <= len(vins) <= 3
			assert len(vins) == sum(b.actual_qty for b in bins)
			assert {v.company for v in vins} == {company}
			for vin in vins:
				assert len(vin.name) == 17 and not set(vin.name) & set("IOQ")
				assert builder.vin_check_digit(vin.name) == vin.name[8]

			parts = frappe.get_all(
				"Bin", filters={"warehouse": purposes["Parts"], "actual_qty": (">", 0)}, pluck="name"
			)
			assert len(parts) >= 4

			entry = frappe.get_value(
				"Stock Entry",
				{"remarks": f"DMS demo opening stock {code}", "docstatus": 1},
				["name", "company", "purpose"],
				as_dict=True,
			)
			assert (entry.company, entry.purpose) == (company, "Material Receipt")
			# the ledger balances, and the counterpart of the stock is the company's Temporary Opening account
			gl = frappe.get_all(
				"GL Entry",
				filters={"voucher_no": entry.name, "is_cancelled": 0},
				fields=["account", "debit", "credit"],
			)
			assert len(gl) >= 2
			assert round(sum(g.debit for g in gl), 2) == round(sum(g.credit for g in gl), 2) > 0
			credited = {g.account for g in gl if g.credit}
			assert credited == {f"Temporary Opening - {frappe.get_cached_value('Company', company, 'abbr')}"}
		assert "Construction Equipment" in lines, region
		business_lines |= lines
	assert business_lines == {"Passenger Vehicles", "Commercial Vehicles", "Construction Equipment"}


def test_a_user_per_role_per_region_with_the_right_assignment():
	builder.build_demo()

	assert assignments_of("group.exec@demo-dms.example") == {"DAG"}
	assert "DMS Group Executive" in frappe.get_roles("group.exec@demo-dms.example")

	for region, (company, stores) in REGION_UNITS.items():
		for prefix, (role, store_index) in ROLE_UNITS.items():
			email = f"{region.lower()}.{prefix}@demo-dms.example"
			user = frappe.db.get_value(
				"User", email, ["role_profile_name", "user_type", "enabled", "first_name"], as_dict=True
			)
			assert user, email
			assert (user.role_profile_name, user.user_type, user.enabled) == (role, "System User", 1)
			assert user.first_name
			assert role in frappe.get_roles(email)
			unit = region if store_index is None else stores[store_index]
			assert assignments_of(email) == {unit}
			# the assignment became native User Permissions on the unit's company
			assert frappe.db.exists(
				"User Permission", {"user": email, "allow": "Company", "for_value": company}
			)


def test_vin_check_digit():
	assert builder.vin_check_digit("1M8GDM9AXKP042788") == "X"
	assert builder.vin_check_digit("11111111111111111") == "1"
	vins = builder.all_vins()
	assert len(vins) == len(set(vins)) == 24


def assignments_of(user: str) -> set[str]:
	return set(frappe.get_all("DMS Org Assignment", filters={"user": user}, pluck="org_unit"))


def test_sales_scene():
	result = builder.build_demo()
	lead = frappe.get_doc("Lead", {"dms_phone_key": "+8613800008888"})
	assert (lead.source, lead.dms_org_unit, lead.lead_owner) == (
		"Website",
		"N-BJ",
		"north.sales@demo-dms.example",
	)
	# the portal enquiry at S-GZ was linked to the lead, not made a second lead
	assert frappe.db.count("Lead", {"dms_phone_key": "+8613800008888"}) == 1
	assert frappe.db.exists(
		"Comment", {"reference_name": lead.name, "comment_type": "Info", "content": ("like", "%Portal%S-GZ%")}
	)
	steps = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Lead", "reference_name": lead.name, "status": "Open"},
		pluck="dms_follow_up_step",
	)
	assert sorted(steps) == ["CALL", "TD", "VISIT", "WINTER"]  # HQ's plan and North's winter check
	quotation = frappe.get_doc("Quotation", {"party_name": lead.name})
	assert (quotation.dms_discount_percent, quotation.workflow_state) == (12, "Pending Region Approval")
	lines = builder.summary_lines(result)
	assert any("Pending Region Approval" in line for line in lines)
	assert any("Masked phone" in line and "withheld" in line and "139****" in line for line in lines)


def test_campaign_scene():
	result = builder.build_demo()
	variants = dict(
		frappe.get_all(
			"DMS Campaign Variant",
			filters={"campaign": "Spring Drive"},
			fields=["org_unit", "discount_percentage"],
			as_list=True,
		)
	)
	assert variants == {"NORTH": 5, "EAST": 4}
	lines = builder.summary_lines(result)
	assert any(line.strip().startswith("NORTH") and "conversion" in line for line in lines)
	assert any(line.strip().startswith("EAST") and "conversion" in line for line in lines)


def test_service_scene():
	from dms_suite.demo import service

	result = builder.build_demo()
	unit = frappe.get_doc("Dealer Unit", {"registration_no": "BJ-A12345"})
	assert (unit.customer, unit.unit_type, len(unit.vin)) == ("Zhang Wei", "Vehicle", 17)
	earlier, repair, booked = (
		frappe.get_doc("Service Order", name)
		for name in frappe.get_all(
			"Service Order", filters={"dealer_unit": unit.name}, pluck="name", order_by="creation"
		)
	)
	assert (earlier.status, earlier.rating, earlier.booked_via) == ("Invoiced", 4, "Desk")
	# booked from the portal, a repeat of the brake job, worked with North's package variant
	assert (repair.booked_via, repair.is_repeat_repair, repair.repeat_of) == ("Portal", 1, earlier.name)
	assert frappe.db.get_value("DMS Service Package", repair.package, ["package_name", "org_unit"]) == (
		"Winter Maintenance",
		"NORTH",
	)
	assert repair.labour and repair.parts and all(row.status == "Reserved" for row in repair.parts)
	assert frappe.db.exists("Stock Entry", {"dms_service_order": repair.name, "docstatus": 1})
	assert (repair.status, repair.rating, repair.qc_by) == ("Invoiced", 5, service.ADVISOR)
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"dms_service_order": repair.name, "docstatus": 1},
		fields=["customer", "company", "dms_org_unit"],
		order_by="customer",
	)
	assert [(i.customer, i.company, i.dms_org_unit) for i in invoices] == [
		("Demo Motors Warranty", "Demo Auto North", "N-BJ"),
		("Zhang Wei", "Demo Auto North", "N-BJ"),
	]
	assert (booked.status, booked.booked_via) == ("Booked", "Portal")
	lines = builder.summary_lines(result)
	assert any(repair.name in line and "repeat repair" in line and "rated 5/5" in line for line in lines)
