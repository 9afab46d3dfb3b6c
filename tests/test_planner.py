"""The replenishment planner (dms_suite/dms_stock/planner.py): needs, rules, allocation, proposals.

Locations: TN1 Beijing, TN2 Tianjin (about 110 km away), TS1 Guangzhou (about 1,900 km away).
TN1 and TN2 follow the group's rule (Nearest), TS1 its region's (Lowest Cost).
"""

import pytest

import frappe

from dms_suite.api.stock import PlannerNotPermittedError, enqueue_planner
from dms_suite.dms_stock import planner
from dms_suite.dms_stock.planner import compute_plan, create_proposals

from .test_availability import issue, make_item, receive, safety_level, transfer

LOCATIONS = {"TN1": (39.9042, 116.4074), "TN2": (39.3434, 117.3616), "TS1": (23.1291, 113.2644)}
STORES = ["TN1", "TN2", "TS1"]


@pytest.fixture
def located(org):
	for unit, (latitude, longitude) in LOCATIONS.items():
		frappe.db.set_value("DMS Org Unit", unit, {"latitude": latitude, "longitude": longitude})
	return org


def plan_for(item, units=STORES):
	return compute_plan(units=units, items=[item])


def allocation(plan):
	return {(p["target_unit"], p["source_unit"]): p["qty"] for p in plan}


def test_nearest_takes_from_the_closest_store(located):
	org, item = located, "DT-PL-1"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	receive(org, org.warehouses["TS1 Vehicles"], {item: 20})
	safety_level("TN1", item, 10)

	plan = plan_for(item)
	assert allocation(plan) == {("TN1", "TN2"): 10}
	proposal = plan[0]
	assert proposal["rule"] == "Nearest"
	assert proposal["planner_key"] == f"TN1|{item}"
	assert proposal["source_warehouse"] == org.warehouses["TN2 Vehicles"]
	assert proposal["target_warehouse"] == org.warehouses["TN1 Parts"]  # a part goes to the parts warehouse
	distances = {c["source_unit"]: c["distance_km"] for c in proposal["candidates"]}
	assert 100 < distances["TN2"] < 130 and 1800 < distances["TS1"] < 2000


def test_lowest_cost_follows_the_freight_routes(located):
	org, item = located, "DT-PL-2"
	receive(org, org.warehouses["TN1 Vehicles"], {item: 20})
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	safety_level("TS1", item, 10)
	# TN2 is nearer to TS1, but its route costs more
	for source, per_unit in (("TN1", 5), ("TN2", 50)):
		frappe.get_doc(
			{
				"doctype": "DMS Freight Route",
				"source_unit": source,
				"target_unit": "TS1",
				"per_km_rate": 1,
				"per_unit_rate": per_unit,
			}
		).insert()

	plan = plan_for(item)
	assert allocation(plan) == {("TS1", "TN1"): 10}
	candidates = {c["source_unit"]: c for c in plan[0]["candidates"]}
	assert plan[0]["rule"] == "Lowest Cost"
	tn1 = candidates["TN1"]
	assert tn1["freight_cost"] == pytest.approx(tn1["distance_km"] * 1 + 10 * 5, abs=0.1)
	assert tn1["total_cost"] < candidates["TN2"]["total_cost"]
	assert candidates["TN2"]["distance_km"] < tn1["distance_km"]


def test_lowest_cost_counts_the_valuation_difference(located):
	org, item = located, "DT-PL-3"
	receive(org, org.warehouses["TN1 Vehicles"], {item: 20}, rate=100)
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20}, rate=300)
	safety_level("TS1", item, 10)
	# no freight policy in the fixture: the cheaper stock wins
	plan = plan_for(item)
	assert allocation(plan) == {("TS1", "TN1"): 10}
	difference = {c["source_unit"]: c["valuation_difference"] for c in plan[0]["candidates"]}
	assert difference == {"TN1": 1000, "TN2": 3000}  # the target holds none: valuation 0


def test_a_need_is_split_across_sources(located):
	org, item = located, "DT-PL-4"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	receive(org, org.warehouses["TS1 Vehicles"], {item: 20})
	safety_level("TN1", item, 30)

	plan = plan_for(item)
	assert allocation(plan) == {("TN1", "TN2"): 20, ("TN1", "TS1"): 10}
	assert {p["planner_key"] for p in plan} == {f"TN1|{item}"}


def test_a_source_never_goes_below_its_safety_level(located):
	org, item = located, "DT-PL-5"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	safety_level("TN2", item, 15)
	safety_level("TN1", item, 10)

	plan = plan_for(item)
	assert allocation(plan) == {("TN1", "TN2"): 5}
	assert "5 remain uncovered" in plan[0]["explanation"]


def test_reserved_stock_is_not_offered(located):
	org, item = located, "DT-PL-6"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	transfer(org, "TN2", "TS1", item, 12, status="Approved")
	safety_level("TN1", item, 10)
	assert allocation(plan_for(item, ["TN1"])) == {("TN1", "TN2"): 8}


def test_stock_offered_by_open_proposals_is_not_offered_again(located):
	org, item = located, "DT-PL-14"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	safety_level("TN1", item, 10)
	assert len(create_proposals(plan_for(item, ["TN1"]))) == 1  # a draft: 10 of TN2's 20 offered
	safety_level("TS1", item, 15)
	assert allocation(plan_for(item, ["TS1"])) == {("TS1", "TN2"): 10}


def test_stock_in_transit_and_incoming_counts_towards_the_need(located):
	org, item = located, "DT-PL-7"
	receive(org, org.warehouses["TN1 Vehicles"], {item: 4})
	receive(org, org.warehouses["TN2 Vehicles"], {item: 50})
	transfer(org, "TS1", "TN1", item, 3, status="In Transit", dispatched_qty=3)
	transfer(org, "TS1", "TN1", item, 2)  # a draft someone raised by hand: incoming
	safety_level("TN1", item, 10)

	assert allocation(plan_for(item, ["TN1"])) == {("TN1", "TN2"): 1}  # 10 - 4 - 3 - 2


def test_policy_safety_level_creates_a_need(located):
	org, item = located, "DT-PL-8"
	parts = org.warehouses["TN1 Parts"]
	receive(org, parts, {item: 92})
	issue(org, parts, {item: 90})  # 1 a day, 5 days (TN): safety 5, 2 left
	receive(org, org.warehouses["TN2 Vehicles"], {item: 10})
	assert allocation(plan_for(item, ["TN1"])) == {("TN1", "TN2"): 3}


def test_proposals_are_stored_with_explanation_and_candidates(located):
	org, item = located, "DT-PL-9"
	receive(org, org.warehouses["TN1 Vehicles"], {item: 3})
	receive(org, org.warehouses["TN1 Parts"], {item: 12})  # the source warehouse: most of the stock
	receive(org, org.warehouses["TS1 Vehicles"], {item: 20})
	safety_level("TN2", item, 10)

	names = create_proposals(plan_for(item))
	assert len(names) == 1
	doc = frappe.get_doc("Cross Region Transfer", names[0])
	assert (doc.status, doc.docstatus, doc.rule) == ("Draft", 0, "Nearest")
	assert (doc.source_unit, doc.source_warehouse) == ("TN1", org.warehouses["TN1 Parts"])
	assert (doc.target_unit, doc.target_warehouse) == ("TN2", org.warehouses["TN2 Vehicles"])
	assert doc.planner_key == f"TN2|{item}"
	assert [(row.item_code, row.qty) for row in doc.items] == [(item, 10)]
	assert "TN2" in doc.explanation and "TN1" in doc.explanation and "TS1" in doc.explanation
	candidates = {c.source_unit: c for c in doc.candidates}
	assert set(candidates) == {"TN1", "TS1"}
	assert (candidates["TN1"].chosen, candidates["TN1"].allocated_qty) == (1, 10)
	assert (candidates["TS1"].chosen, candidates["TS1"].allocated_qty) == (0, 0)
	assert candidates["TN1"].available_qty == 15
	assert candidates["TN1"].distance_km < candidates["TS1"].distance_km


def test_a_second_run_proposes_nothing_for_the_same_need(located):
	org, item = located, "DT-PL-10"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	receive(org, org.warehouses["TS1 Vehicles"], {item: 20})
	safety_level("TN1", item, 30)

	first = plan_for(item)
	assert len(create_proposals(first)) == 2  # split: two proposals for one need
	assert plan_for(item) == []
	assert create_proposals(first) == []  # an old plan is not created twice either


def test_a_rejected_proposal_frees_the_need(located):
	org, item = located, "DT-PL-11"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	safety_level("TN1", item, 5)
	(name,) = create_proposals(plan_for(item))
	frappe.db.set_value("Cross Region Transfer", name, {"docstatus": 2, "status": "Rejected"})
	frappe.db.set_value("DMS Transfer Item", {"parent": name}, "docstatus", 2)
	assert allocation(plan_for(item)) == {("TN1", "TN2"): 5}


def test_one_run_never_promises_the_same_stock_twice(located):
	org, item = located, "DT-PL-12"
	receive(org, org.warehouses["TS1 Vehicles"], {item: 12})
	safety_level("TN1", item, 10)
	safety_level("TN2", item, 10)
	plan = plan_for(item)
	assert allocation(plan) == {("TN1", "TS1"): 10, ("TN2", "TS1"): 2}


def test_compute_plan_runs_a_fixed_number_of_queries(located, monkeypatch):
	org = located
	items = [make_item(f"DT-PLQ-{i:02}") for i in range(20)]
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20 for item in items})
	for item in items:
		safety_level("TN1", item, 5)

	compute_plan(units=STORES, items=items[:2])  # warm the caches (policies, meta)
	counted = []
	real_sql = frappe.db.sql

	def counting_sql(*args, **kwargs):
		counted.append(args[0] if args else kwargs.get("query"))
		return real_sql(*args, **kwargs)

	monkeypatch.setattr(frappe.db, "sql", counting_sql)
	queries = {}
	for n in (2, 20):
		counted.clear()
		plan = compute_plan(units=STORES, items=items[:n])
		assert len(plan) == n
		queries[n] = len(counted)
	assert queries[2] == queries[20]
	assert queries[20] <= 15  # 13 today: units, bins, reserved, in transit, incoming, proposed, ...


def test_overdue_shipments_are_flagged(located):
	org, item = located, "DT-PL-13"
	late = transfer(org, "TN2", "TN1", item, 3, status="In Transit", dispatched_qty=3)
	on_time = transfer(org, "TN2", "TN1", item, 3, status="In Transit", dispatched_qty=3)
	frappe.db.set_value("Cross Region Transfer", late, "expected_arrival", frappe.utils.add_days(None, -1))
	frappe.db.set_value("Cross Region Transfer", on_time, "expected_arrival", frappe.utils.add_days(None, 1))
	planner.flag_overdue_shipments()
	assert frappe.db.get_value("Cross Region Transfer", late, "is_overdue") == 1
	assert frappe.db.get_value("Cross Region Transfer", on_time, "is_overdue") == 0


def test_the_schedule_follows_the_settings(located):
	org, item = located, "DT-PL-15"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 20})
	safety_level("TN1", item, 5)
	settings = frappe.get_single("DMS Stock Settings")
	settings.planner_frequency = "Off"
	settings.save()
	planner.run_scheduled_planner()
	assert not frappe.db.exists("Cross Region Transfer", {"planner_key": f"TN1|{item}"})

	settings.planner_frequency = "Daily"
	settings.save()
	planner.run_scheduled_planner()  # never ran: due
	assert frappe.db.count("Cross Region Transfer", {"planner_key": f"TN1|{item}"}) == 1
	last_run = frappe.db.get_single_value("DMS Stock Settings", "planner_last_run")
	assert last_run

	at = frappe.utils.add_to_date(last_run, hours=23)
	assert not planner.planner_is_due("Daily", last_run, at)
	assert planner.planner_is_due("Hourly", last_run, at)
	assert planner.planner_is_due("Daily", last_run, frappe.utils.add_to_date(last_run, hours=24))
	assert not planner.planner_is_due("Off", None, at)


def test_only_stock_roles_may_run_the_planner(org):
	frappe.set_user(org.users["tn1_user"])
	with pytest.raises(PlannerNotPermittedError):
		enqueue_planner()
