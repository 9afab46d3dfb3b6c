"""The demo dealer group, built from native ERPNext documents: `bench --site SITE dms-demo`.

    DAG    Group   Demo Auto Group (is_group, the first company of the setup wizard)
    ├── NORTH  Region  Demo Auto North (DAN)  stores N-BJ, N-TJ, N-SJZ
    ├── EAST   Region  Demo Auto East  (DAE)  stores E-SH, E-HZ, E-NJ
    └── SOUTH  Region  Demo Auto South (DAS)  stores S-GZ, S-SZ, S-XM

Every region is a company of its own under the group; its stores live in the region's books, each
with a vehicles and a parts warehouse, a cost center and opening stock (serialised vehicles with
valid VINs, parts in bulk). Users per role and region are assigned to the region or its first store.

Everything is get-or-create by natural key (names, emails, VINs, the remarks of the opening stock
entries), so a second run creates nothing and touches nothing. Nothing here commits: the caller
does (``ensure_erpnext_setup`` commits once, on a site whose setup wizard has not run).
"""

from collections import Counter
from dataclasses import dataclass, field

import frappe

from dms_suite.demo.campaigns import build_demo_campaign, demo_campaign_summary
from dms_suite.demo.projects import build_project_scene, project_summary
from dms_suite.demo.sales import build_sales_scene, sales_summary
from dms_suite.demo.service import build_service_scene, service_summary
from dms_suite.demo.setup import GROUP_ABBR, GROUP_COMPANY, ensure_erpnext_setup
from dms_suite.demo.transfers import build_transfer_scene, transfer_summary
from dms_suite.dms_service.units import VIN_ALPHABET, vin_check_digit

EMAIL_DOMAIN = "demo-dms.example"
COUNTRY = "China"
CURRENCY = "CNY"
OPENING_REMARK = "DMS demo opening stock {0}"

GROUP_UNIT = "DAG"
GROUP_POLICIES = {
	"safety_stock_days": "10",
	"transfer_rule": "Nearest",
	"transfer_approval_limit": "500000",
	"discount_approval_limit": "5",
	"monthly_sales_target": "30000000",
}


@dataclass(frozen=True)
class Store:
	code: str
	city: str
	business_line: str
	latitude: float
	longitude: float
	policies: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Region:
	code: str
	key: str  # used in user emails: north.manager@…
	company: str
	abbr: str
	territory: str
	latitude: float
	longitude: float
	stores: tuple[Store, ...]
	policies: dict = field(default_factory=dict)


PASSENGER, COMMERCIAL, CONSTRUCTION = "Passenger Vehicles", "Commercial Vehicles", "Construction Equipment"

REGIONS = (
	Region(
		code="NORTH",
		key="north",
		company="Demo Auto North",
		abbr="DAN",
		territory="North China",
		latitude=39.9042,
		longitude=116.4074,
		stores=(
			Store("N-BJ", "Beijing", PASSENGER, 39.9042, 116.4074),
			Store("N-TJ", "Tianjin", COMMERCIAL, 39.3434, 117.3616),
			Store("N-SJZ", "Shijiazhuang", CONSTRUCTION, 38.0428, 114.5149),
		),
	),
	Region(
		code="EAST",
		key="east",
		company="Demo Auto East",
		abbr="DAE",
		territory="East China",
		latitude=31.2304,
		longitude=121.4737,
		stores=(
			Store("E-SH", "Shanghai", PASSENGER, 31.2304, 121.4737),
			Store("E-HZ", "Hangzhou", PASSENGER, 30.2741, 120.1551),
			Store("E-NJ", "Nanjing", CONSTRUCTION, 32.0603, 118.7969),
		),
		policies={"transfer_rule": "Lowest Cost"},
	),
	Region(
		code="SOUTH",
		key="south",
		company="Demo Auto South",
		abbr="DAS",
		territory="South China",
		latitude=23.1291,
		longitude=113.2644,
		stores=(
			Store("S-GZ", "Guangzhou", COMMERCIAL, 23.1291, 113.2644),
			Store("S-SZ", "Shenzhen", COMMERCIAL, 22.5431, 114.0579),
			Store("S-XM", "Xiamen", CONSTRUCTION, 24.4798, 118.0894, {"monthly_sales_target": "4500000"}),
		),
		policies={"safety_stock_days": "14"},
	),
)

GROUP_LOCATION = (39.9087, 116.4605)  # Beijing, Guomao


@dataclass(frozen=True)
class Model:
	item_code: str
	item_name: str
	vds: str  # VIN positions 4-8
	plant: str  # VIN position 11
	valuation_rate: float
	standard_rate: float


VEHICLES = {
	"sedan": Model("VH-SEDAN-A1", "Sedan A1", "SDA10", "B", 152000, 178000),
	"suv": Model("VH-SUV-X5", "SUV X5", "SUX50", "B", 268000, 315000),
	"truck": Model("VH-TRUCK-T3", "Light Truck T3", "LTT30", "T", 185000, 219000),
	"excavator": Model("VH-EXC-E20", "Excavator E20", "EXE20", "X", 620000, 720000),
}

# item code -> (item name, valuation rate, selling rate)
PARTS = {
	"PT-OIL-FILTER": ("Oil Filter", 45, 80),
	"PT-BRAKE-PAD": ("Brake Pad Set", 320, 560),
	"PT-TYRE": ("Tyre 225/55 R17", 650, 980),
	"PT-BATTERY": ("Battery 12V 70Ah", 480, 780),
	"PT-WIPER": ("Wiper Blade", 35, 68),
	"PT-HYD-HOSE": ("Hydraulic Hose", 260, 450),
}

# opening stock of a store by business line: vehicles (model key -> units), parts (item code -> qty)
OPENING_VEHICLES = {
	PASSENGER: {"sedan": 2, "suv": 1},
	COMMERCIAL: {"truck": 2, "sedan": 1},
	CONSTRUCTION: {"excavator": 2},
}
OPENING_PARTS = {
	PASSENGER: {"PT-OIL-FILTER": 60, "PT-BRAKE-PAD": 24, "PT-TYRE": 32, "PT-BATTERY": 12, "PT-WIPER": 50},
	COMMERCIAL: {"PT-OIL-FILTER": 40, "PT-BRAKE-PAD": 30, "PT-TYRE": 48, "PT-BATTERY": 16, "PT-WIPER": 30},
	CONSTRUCTION: {"PT-OIL-FILTER": 30, "PT-TYRE": 8, "PT-BATTERY": 6, "PT-HYD-HOSE": 40},
}

# customer name -> (customer type, customer group, territory, owning store, mobile)
CUSTOMERS = {
	"Capital Logistics Beijing": ("Company", "Commercial", "North China", "N-BJ", "13910010001"),
	"Zhang Wei": ("Individual", "Individual", "North China", "N-BJ", "13910010002"),
	"Hebei Roadworks Group": ("Company", "Commercial", "North China", "N-SJZ", "13910010003"),
	"Shanghai Metro Builders": ("Company", "Commercial", "East China", "E-SH", "13910010004"),
	"Li Na": ("Individual", "Individual", "East China", "E-HZ", "13910010005"),
	"Wang Fang": ("Individual", "Individual", "East China", "E-NJ", "13910010006"),
	"Pearl River Transport": ("Company", "Commercial", "South China", "S-GZ", "13910010007"),
	"Chen Jie": ("Individual", "Individual", "South China", "S-GZ", "13910010008"),
	"Xiamen Harbour Construction": ("Company", "Commercial", "South China", "S-XM", "13910010009"),
}

GROUP_EXECUTIVE = ("group.exec", "DMS Group Executive", "Liu", "Yang")

# email prefix -> (DMS role, where the user is assigned: "region" or "store" = the region's first store)
REGION_ROLES = {
	"manager": ("DMS Region Manager", "region"),
	"accountant": ("DMS Accountant", "region"),
	"stock": ("DMS Stock Controller", "region"),
	"store": ("DMS Store User", "store"),
	"store.manager": ("DMS Store Manager", "store"),
	"sales": ("DMS Sales", "store"),
	"service": ("DMS Service Advisor", "store"),
}
# region key -> "Family Given" names in the order of REGION_ROLES
REGION_PEOPLE = {
	"north": ("Zhao Lei", "Feng Jing", "Zheng Qiang", "Sun Li", "Qin Yue", "Zhou Min", "Wu Hao"),
	"east": ("Qian Yu", "Xu Lan", "He Jun", "Lin Mei", "Shen Hua", "Gao Peng", "Ma Tao"),
	"south": ("Huang Bo", "Luo Xin", "Liang Kai", "Song Ying", "Deng Fei", "Tang Rui", "Han Lu"),
}


# ---------------------------------------------------------------------------------------------
# entry points


def build_demo() -> dict:
	"""Create whatever of the demo group is missing and return a summary of what exists."""
	ensure_erpnext_setup()
	created = Counter()
	mute_emails = frappe.flags.mute_emails
	frappe.flags.mute_emails = True
	try:
		ensure_territories(created)
		ensure_companies(created)
		ensure_items(created)
		ensure_org_units(created)
		ensure_customers(created)
		ensure_users(created)
		ensure_assignments(created)
		ensure_opening_stock(created)
		build_transfer_scene(created)
		sales = build_sales_scene(created, GROUP_UNIT)
		campaign = build_demo_campaign(created, GROUP_UNIT)
		service = build_service_scene(created, GROUP_UNIT)
		project = build_project_scene(created)
	finally:
		frappe.flags.mute_emails = mute_emails
	result = summarise(created)
	result["sales"] = (
		sales_summary(sales)
		+ demo_campaign_summary(campaign)
		+ service_summary(service)
		+ project_summary(project)
	)
	return result


def summary_lines(result: dict) -> list[str]:
	"""A short readable summary of ``build_demo()``'s result."""
	units = result["org_units"]
	items = result["items"]
	lines = [
		f"DMS demo on {frappe.local.site}: {result['group']}",
		f"  Companies      {result['companies']} (group + {len(result['regions'])} regions, {CURRENCY})",
		f"  Org units      {units.get('Group', 0)} group, {units.get('Region', 0)} regions, "
		f"{units.get('Store', 0)} stores",
		f"  Warehouses     {result['warehouses']} store warehouses",
		f"  Items          {items.get('Vehicles', 0)} vehicle models, {items.get('Parts', 0)} parts",
		f"  Customers      {result['customers']}",
		f"  Users          {result['users']} (@{EMAIL_DOMAIN}), {result['assignments']} org assignments",
		f"  Opening stock  {result['stock_entries']} stock entries, {result['serial_nos']} vehicles (VINs)",
	]
	for region in result["regions"]:
		lines.append(
			f"  {region['unit']:<6} {region['company']} ({region['abbr']}): {', '.join(region['stores'])}"
			f" - stock value {CURRENCY} {region['stock_value']:,.2f}"
		)
	for row in result["transfers"]:
		lines.append(
			f"  Transfer {row['name']}: {row['source_unit']} -> {row['target_unit']} {row['qty']:g} x {row['item']}"
			f" ({row['rule']}, {row['mode']}) - {row['status']}, {row['documents']} ERPNext documents"
		)
	lines += result.get("sales", [])
	for row in result["isolation"]:
		lines.append(
			f"  {row['user']:<32} sees {row['units']:>2} org units, {row['stock_entries']} stock entries,"
			f" {row['companies']} companies"
		)
	created = result["created"]
	if created:
		lines.append(
			"Created this run: " + ", ".join(f"{n} {doctype}" for doctype, n in sorted(created.items()))
		)
	else:
		lines.append("Created this run: nothing (the demo was complete)")
	return lines


# ---------------------------------------------------------------------------------------------
# helpers


def existing(doctype: str, values, fieldname: str = "name") -> set[str]:
	"""Which of ``values`` exist as ``fieldname`` of ``doctype`` (one query)."""
	values = list(values)
	if not values:
		return set()
	return set(frappe.get_all(doctype, filters={fieldname: ("in", values)}, pluck=fieldname))


def insert(created: Counter, doc: dict, **flags):
	document = frappe.get_doc(doc)
	for key, value in flags.items():
		document.flags[key] = value
	document.insert(ignore_permissions=True)
	created[document.doctype] += 1
	return document


def store_warehouses(region: Region, store: Store) -> dict[str, str]:
	"""purpose -> warehouse name of a store."""
	return {purpose: f"{store.city} {purpose} - {region.abbr}" for purpose in ("Vehicles", "Parts")}


def store_cost_center(region: Region, store: Store) -> str:
	return f"{store.city} - {region.abbr}"


def all_stores():
	for region in REGIONS:
		for store in region.stores:
			yield region, store


def policy_rows(policies: dict) -> list[dict]:
	return [{"policy": policy, "value": value} for policy, value in policies.items()]


def user_email(prefix: str) -> str:
	return f"{prefix}@{EMAIL_DOMAIN}"


# ---------------------------------------------------------------------------------------------
# master data


def ensure_territories(created: Counter) -> None:
	if not frappe.db.get_value("Territory", COUNTRY, "is_group"):
		if frappe.db.exists("Territory", COUNTRY):
			country = frappe.get_doc("Territory", COUNTRY)
			country.is_group = 1
			country.save(ignore_permissions=True)
		else:
			insert(
				created,
				{
					"doctype": "Territory",
					"territory_name": COUNTRY,
					"is_group": 1,
					"parent_territory": "All Territories",
				},
			)
	present = existing("Territory", [r.territory for r in REGIONS])
	for region in REGIONS:
		if region.territory not in present:
			insert(
				created,
				{"doctype": "Territory", "territory_name": region.territory, "parent_territory": COUNTRY},
			)


def ensure_companies(created: Counter) -> None:
	if not frappe.db.get_value("Company", GROUP_COMPANY, "is_group"):
		frappe.throw(f"Company {GROUP_COMPANY} must exist and be a group company")
	present = existing("Company", [r.company for r in REGIONS])
	for region in REGIONS:
		if region.company in present:
			continue
		# ERPNext copies the parent company's chart ("Existing Company") when parent_company is set
		insert(
			created,
			{
				"doctype": "Company",
				"company_name": region.company,
				"abbr": region.abbr,
				"parent_company": GROUP_COMPANY,
				"default_currency": CURRENCY,
				"country": COUNTRY,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			},
		)


def ensure_items(created: Counter) -> None:
	present_groups = existing("Item Group", ["Vehicles", "Parts"])
	for group in ("Vehicles", "Parts"):
		if group not in present_groups:
			insert(
				created,
				{"doctype": "Item Group", "item_group_name": group, "parent_item_group": "All Item Groups"},
			)

	items = [
		{
			"item_code": m.item_code,
			"item_name": m.item_name,
			"item_group": "Vehicles",
			"has_serial_no": 1,
			"valuation_rate": m.valuation_rate,
			"standard_rate": m.standard_rate,
		}
		for m in VEHICLES.values()
	] + [
		{
			"item_code": code,
			"item_name": name,
			"item_group": "Parts",
			"has_serial_no": 0,
			"valuation_rate": valuation_rate,
			"standard_rate": standard_rate,
		}
		for code, (name, valuation_rate, standard_rate) in PARTS.items()
	]
	present = existing("Item", [i["item_code"] for i in items])
	for item in items:
		if item["item_code"] not in present:
			insert(
				created,
				{
					"doctype": "Item",
					"stock_uom": "Nos",
					"is_stock_item": 1,
					"description": item["item_name"],
					**item,
				},
			)


def ensure_customers(created: Counter) -> None:
	"""The group's customers, each owned by a store (after the org units: the owner is a link)."""
	present = existing("Customer", CUSTOMERS, "customer_name")
	for name, (customer_type, group, territory, store, mobile) in CUSTOMERS.items():
		if name not in present:
			insert(
				created,
				{
					"doctype": "Customer",
					"customer_name": name,
					"customer_type": customer_type,
					"customer_group": group,
					"territory": territory,
					"dms_org_unit": store,
					"mobile_no": mobile,  # ERPNext makes it the customer's primary contact
				},
			)


# ---------------------------------------------------------------------------------------------
# org tree with its warehouses and cost centers


def ensure_store_accounts(created: Counter) -> None:
	"""Each store's vehicles and parts warehouses and its cost center, in the region's company."""
	warehouses = existing("Warehouse", [w for r, s in all_stores() for w in store_warehouses(r, s).values()])
	cost_centers = existing("Cost Center", [store_cost_center(r, s) for r, s in all_stores()])
	for region, store in all_stores():
		for purpose, warehouse in store_warehouses(region, store).items():
			if warehouse not in warehouses:
				insert(
					created,
					{
						"doctype": "Warehouse",
						"warehouse_name": f"{store.city} {purpose}",
						"company": region.company,
						"parent_warehouse": f"All Warehouses - {region.abbr}",
					},
				)
		if store_cost_center(region, store) not in cost_centers:
			insert(
				created,
				{
					"doctype": "Cost Center",
					"cost_center_name": store.city,
					"company": region.company,
					"parent_cost_center": f"{region.company} - {region.abbr}",
				},
			)


def org_unit_docs() -> list[dict]:
	"""The org units top-down (parents before children)."""
	units = [
		{
			"unit_code": GROUP_UNIT,
			"unit_name": GROUP_COMPANY,
			"unit_type": "Group",
			"company": GROUP_COMPANY,
			"cost_center": f"Main - {GROUP_ABBR}",
			"territory": COUNTRY,
			"latitude": GROUP_LOCATION[0],
			"longitude": GROUP_LOCATION[1],
			"policies": policy_rows(GROUP_POLICIES),
		}
	]
	for region in REGIONS:
		units.append(
			{
				"unit_code": region.code,
				"unit_name": f"{region.code.title()} Region",
				"unit_type": "Region",
				"parent_dms_org_unit": GROUP_UNIT,
				"company": region.company,
				"cost_center": frappe.get_cached_value("Company", region.company, "cost_center"),
				"territory": region.territory,
				"transit_warehouse": f"Goods In Transit - {region.abbr}",
				"latitude": region.latitude,
				"longitude": region.longitude,
				"policies": policy_rows(region.policies),
			}
		)
		for store in region.stores:
			warehouses = store_warehouses(region, store)
			units.append(
				{
					"unit_code": store.code,
					"unit_name": f"{store.city} Store",
					"unit_type": "Store",
					"parent_dms_org_unit": region.code,
					"business_line": store.business_line,
					"company": region.company,
					"cost_center": store_cost_center(region, store),
					"territory": region.territory,
					"stock_warehouse": warehouses["Vehicles"],
					"warehouses": [{"warehouse": w, "purpose": p} for p, w in warehouses.items()],
					"latitude": store.latitude,
					"longitude": store.longitude,
					"policies": policy_rows(store.policies),
				}
			)
	return units


def ensure_org_units(created: Counter) -> None:
	ensure_store_accounts(created)
	units = org_unit_docs()
	present = existing("DMS Org Unit", [u["unit_code"] for u in units])
	for unit in units:
		if unit["unit_code"] not in present:
			insert(created, {"doctype": "DMS Org Unit", **unit})


# ---------------------------------------------------------------------------------------------
# users and their assignments


def demo_users() -> list[dict]:
	"""email, first/last name, DMS role and the unit the user is assigned to."""
	prefix, role, first, last = GROUP_EXECUTIVE
	users = [
		{
			"email": user_email(prefix),
			"first_name": first,
			"last_name": last,
			"role": role,
			"unit": GROUP_UNIT,
		}
	]
	for region in REGIONS:
		people = REGION_PEOPLE[region.key]
		for (suffix, (role, level)), person in zip(REGION_ROLES.items(), people, strict=True):
			first, last = person.split()
			users.append(
				{
					"email": user_email(f"{region.key}.{suffix}"),
					"first_name": first,
					"last_name": last,
					"role": role,
					"unit": region.code if level == "region" else region.stores[0].code,
				}
			)
	return users


def ensure_users(created: Counter) -> None:
	users = demo_users()
	present = existing("User", [u["email"] for u in users])
	for user in users:
		if user["email"] in present:
			continue
		# the Role Profile (dms_suite.setup) carries the DMS role and the ERPNext roles it needs;
		# User.validate turns role_profile_name into the user's roles
		insert(
			created,
			{
				"doctype": "User",
				"email": user["email"],
				"first_name": user["first_name"],
				"last_name": user["last_name"],
				"user_type": "System User",
				"send_welcome_email": 0,
				"role_profile_name": user["role"],
				"language": "en",
				"time_zone": "Asia/Shanghai",
			},
			no_welcome_mail=True,
		)


def ensure_assignments(created: Counter) -> None:
	users = demo_users()
	present = {
		(row.user, row.org_unit)
		for row in frappe.get_all(
			"DMS Org Assignment",
			filters={"user": ("in", [u["email"] for u in users])},
			fields=["user", "org_unit"],
		)
	}
	for user in users:
		if (user["email"], user["unit"]) not in present:
			insert(
				created, {"doctype": "DMS Org Assignment", "user": user["email"], "org_unit": user["unit"]}
			)


# ---------------------------------------------------------------------------------------------
# opening stock with VINs

VIN_WMI = "LDA"
VIN_MODEL_YEAR = "T"  # 2026


def make_vin(model: Model, sequence: int) -> str:
	body = f"{VIN_WMI}{model.vds}0{VIN_MODEL_YEAR}{model.plant}{sequence:06d}"
	assert len(body) == 17 and set(body) <= set(VIN_ALPHABET), body
	return body[:8] + vin_check_digit(body) + body[9:]


def store_vehicles(store_index: int, store: Store) -> dict[str, list[str]]:
	"""item code -> VINs of a store's opening vehicles; serial part = store number * 100 + unit."""
	vins, unit = {}, 0
	for key, count in OPENING_VEHICLES[store.business_line].items():
		model = VEHICLES[key]
		for _ in range(count):
			unit += 1
			vins.setdefault(model.item_code, []).append(make_vin(model, (store_index + 1) * 100 + unit))
	return vins


def all_vins() -> list[str]:
	return [
		vin
		for index, (_region, store) in enumerate(all_stores())
		for vins in store_vehicles(index, store).values()
		for vin in vins
	]


def ensure_opening_stock(created: Counter) -> None:
	"""One submitted Material Receipt per store, found again by its remarks."""
	remarks = {store.code: OPENING_REMARK.format(store.code) for _region, store in all_stores()}
	present = set(
		frappe.get_all(
			"Stock Entry",
			filters={"remarks": ("in", list(remarks.values())), "docstatus": 1},
			pluck="remarks",
		)
	)
	for index, (region, store) in enumerate(all_stores()):
		if remarks[store.code] not in present:
			make_opening_stock_entry(created, index, region, store, remarks[store.code])


def make_opening_stock_entry(created: Counter, index: int, region: Region, store: Store, remark: str) -> None:
	"""Opening stock is booked against the company's Temporary Opening account, as accountants expect."""
	warehouses = store_warehouses(region, store)
	cost_center = store_cost_center(region, store)
	opening_account = f"Temporary Opening - {region.abbr}"
	entry = frappe.new_doc("Stock Entry")
	# the parent's target warehouse is what User Permissions filter lists by: set it, as the form does
	entry.update(
		{
			"purpose": "Material Receipt",
			"company": region.company,
			"to_warehouse": warehouses["Vehicles"],
			"remarks": remark,
		}
	)
	entry.set_stock_entry_type()
	models = {m.item_code: m for m in VEHICLES.values()}
	for item_code, vins in store_vehicles(index, store).items():
		entry.append(
			"items",
			{
				"item_code": item_code,
				"qty": len(vins),
				"t_warehouse": warehouses["Vehicles"],
				"basic_rate": models[item_code].valuation_rate,
				"cost_center": cost_center,
				"expense_account": opening_account,
				"serial_no": "\n".join(vins),
				"use_serial_batch_fields": 1,
			},
		)
	for item_code, qty in OPENING_PARTS[store.business_line].items():
		entry.append(
			"items",
			{
				"item_code": item_code,
				"qty": qty,
				"t_warehouse": warehouses["Parts"],
				"basic_rate": PARTS[item_code][1],
				"cost_center": cost_center,
				"expense_account": opening_account,
			},
		)
	entry.insert(ignore_permissions=True)
	entry.submit()
	created["Stock Entry"] += 1


# ---------------------------------------------------------------------------------------------
# summary


def summarise(created: Counter) -> dict:
	companies = [GROUP_COMPANY] + [r.company for r in REGIONS]
	units = org_unit_docs()
	users = demo_users()
	warehouses = [w for r, s in all_stores() for w in store_warehouses(r, s).values()]
	stock_value = dict(
		frappe.db.sql(
			"""
			select warehouse.company, sum(bin.stock_value)
			from `tabBin` bin join `tabWarehouse` warehouse on warehouse.name = bin.warehouse
			where warehouse.name in %(warehouses)s
			group by warehouse.company
			""",
			{"warehouses": warehouses},
		)
	)
	return {
		"group": f"{GROUP_COMPANY} ({GROUP_ABBR})",
		"companies": len(existing("Company", companies)),
		"org_units": dict(
			Counter(
				frappe.get_all(
					"DMS Org Unit",
					filters={"name": ("in", [u["unit_code"] for u in units])},
					pluck="unit_type",
				)
			)
		),
		"warehouses": len(existing("Warehouse", warehouses)),
		"items": dict(
			Counter(
				frappe.get_all(
					"Item",
					filters={"name": ("in", [m.item_code for m in VEHICLES.values()] + list(PARTS))},
					pluck="item_group",
				)
			)
		),
		"customers": len(existing("Customer", CUSTOMERS, "customer_name")),
		"users": len(existing("User", [u["email"] for u in users])),
		"assignments": frappe.db.count("DMS Org Assignment", {"user": ("in", [u["email"] for u in users])}),
		"serial_nos": len(existing("Serial No", all_vins())),
		"stock_entries": frappe.db.count(
			"Stock Entry",
			{"remarks": ("in", [OPENING_REMARK.format(s.code) for _r, s in all_stores()]), "docstatus": 1},
		),
		"regions": [
			{
				"unit": region.code,
				"company": region.company,
				"abbr": region.abbr,
				"stores": [store.code for store in region.stores],
				"stock_value": float(stock_value.get(region.company) or 0),
			}
			for region in REGIONS
		],
		"transfers": transfer_summary(),
		"isolation": isolation_preview(),
		"created": dict(created),
	}


def isolation_preview() -> list[dict]:
	"""What a few demo users see through the permission-checked list API."""
	rows = []
	current = frappe.session.user
	try:
		for prefix in ("group.exec", "north.manager", "south.store"):
			frappe.set_user(user_email(prefix))
			rows.append(
				{
					"user": user_email(prefix),
					"units": len(frappe.get_list("DMS Org Unit", limit_page_length=0)),
					"stock_entries": len(frappe.get_list("Stock Entry", limit_page_length=0)),
					"companies": len(frappe.get_list("Company", limit_page_length=0)),
				}
			)
	finally:
		frappe.set_user(current)
	return rows
