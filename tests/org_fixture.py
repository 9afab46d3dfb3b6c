"""The test dealer group, built once per session inside the session transaction.

TG  Group   company DT Group (is_group)
├── TN  Region  company DT North (child of DT Group)
│   ├── TN1 Store  warehouses TN1 Vehicles, TN1 Parts     cost center TN1
│   └── TN2 Store  warehouse  TN2 Vehicles                cost center TN2
└── TS  Region  company DT South
    └── TS1 Store  warehouse  TS1 Vehicles
"""

import frappe

from .factories import (
	assign,
	main_cost_center,
	make_company,
	make_cost_center,
	make_unit,
	make_user,
	make_warehouse,
	transit_warehouse,
)

USERS = {
	"exec": ("dt.exec@example.com", "DMS Group Executive"),
	"north_manager": ("dt.north.manager@example.com", "DMS Region Manager"),
	"tn1_user": ("dt.tn1.user@example.com", "DMS Store User"),
	"ts1_sales": ("dt.ts1.sales@example.com", "DMS Sales"),
	"two_stores": ("dt.two.stores@example.com", "DMS Store User"),
	"unassigned": ("dt.unassigned@example.com", "DMS Store User"),
	"accountant": ("dt.south.accountant@example.com", "DMS Accountant"),
}

# user -> units they may see
EXPECTED_UNITS = {
	"exec": {"TG", "TN", "TN1", "TN2", "TS", "TS1"},
	"north_manager": {"TN", "TN1", "TN2"},
	"tn1_user": {"TN1"},
	"ts1_sales": {"TS1"},
	"two_stores": {"TN2", "TS1"},
	"unassigned": set(),
	"accountant": {"TS", "TS1"},
}


def build_org():
	group = make_company("DT Group", "DTG", is_group=1)
	north = make_company("DT North", "DTN", parent=group, is_group=1)
	south = make_company("DT South", "DTS", parent=group)

	wh = {
		"TN1 Vehicles": make_warehouse("TN1 Vehicles", north),
		"TN1 Parts": make_warehouse("TN1 Parts", north),
		"TN2 Vehicles": make_warehouse("TN2 Vehicles", north),
		"TS1 Vehicles": make_warehouse("TS1 Vehicles", south),
	}
	make_unit(
		"TG",
		"Group",
		group,
		policies=[
			{"policy": "safety_stock_days", "value": "10"},
			{"policy": "transfer_rule", "value": "Nearest"},
			{"policy": "monthly_sales_target", "value": "1000000"},
		],
	)
	make_unit(
		"TN",
		"Region",
		north,
		"TG",
		transit_warehouse=transit_warehouse(north),
		cost_center=main_cost_center(north),
		latitude=39.9,
		longitude=116.4,
		policies=[{"policy": "safety_stock_days", "value": "5"}],
	)
	make_unit(
		"TN1",
		"Store",
		north,
		"TN",
		stock_warehouse=wh["TN1 Vehicles"],
		cost_center=make_cost_center("TN1", north),
		warehouses=[
			{"warehouse": wh["TN1 Vehicles"], "purpose": "Vehicles"},
			{"warehouse": wh["TN1 Parts"], "purpose": "Parts"},
		],
	)
	make_unit(
		"TN2",
		"Store",
		north,
		"TN",
		stock_warehouse=wh["TN2 Vehicles"],
		cost_center=make_cost_center("TN2", north),
		policies=[{"policy": "safety_stock_days", "value": "0"}],
	)
	make_unit(
		"TS",
		"Region",
		south,
		"TG",
		transit_warehouse=transit_warehouse(south),
		policies=[{"policy": "transfer_rule", "value": "Lowest Cost"}],
	)
	make_unit(
		"TS1",
		"Store",
		south,
		"TS",
		stock_warehouse=wh["TS1 Vehicles"],
		cost_center=make_cost_center("TS1", south),
	)

	users = {key: make_user(email, role) for key, (email, role) in USERS.items()}
	assign(users["exec"], "TG")
	assign(users["north_manager"], "TN")
	assign(users["tn1_user"], "TN1")
	assign(users["ts1_sales"], "TS1")
	assign(users["two_stores"], "TN2")
	assign(users["two_stores"], "TS1")
	assign(users["accountant"], "TS")
	return frappe._dict(
		companies={"group": group, "north": north, "south": south}, warehouses=wh, users=users
	)
