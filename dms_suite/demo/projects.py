"""The demo's construction project, built through the real services and ERPNext documents.

Shijiazhuang (N-SJZ, construction equipment) builds the "Ring Road Interchange" for Hebei
Roadworks Group: contract CNY 2.8 million, a budget by cost type, an Excavator E20 on site, a site
plan shared with the customer (portal login hebei.roads@demo-dms.example). Six tasks with
dependencies and two milestones; the foundation, due three days ago, is at 70 %: the project is
flagged as delayed and its manager (sjz.projects@demo-dms.example) told. Hydraulic hoses were issued
to the foundation (a Material Issue carrying the project) and a technician logged 16 hours on a
Timesheet (his Activity Cost), so materials and labour are costed by ERPNext. The assembly's
material is due within the supply lead time: the just-in-time run takes the hoses and tyres from the
store's own stock, proposes a transfer of brake pads from Beijing and raises a Material Request for
the steel plate nobody holds.

Idempotent: the project is made once (by name); issues, timesheet and the runs only when missing.
"""

import frappe
from frappe.utils import add_days, add_to_date, flt, get_datetime, nowdate

from dms_suite.dms_projects import costing, delays, supply

STORE = "N-SJZ"
COMPANY = "Demo Auto North"
CUSTOMER = "Hebei Roadworks Group"
PROJECT_NAME = "Ring Road Interchange"
MANAGER = ("sjz.projects@demo-dms.example", "Gao", "Jian")
PORTAL_USER = ("hebei.roads@demo-dms.example", "Hebei", "Roadworks")
ACTIVITY = "Site Assembly"
STEEL_PLATE = ("PT-STEEL-PLATE", "Steel Base Plate", 180)

# subject: (start in days from today, days, progress, milestone, depends on, [(item, qty)])
TASKS = {
	"Site survey": (-20, 4, 100, 0, (), []),
	"Foundation": (-15, 13, 70, 0, ("Site survey",), [("PT-HYD-HOSE", 6)]),
	"Excavator on site": (-2, 1, 100, 1, ("Site survey",), []),
	"Assembly": (3, 10, 0, 0, ("Foundation",), [("PT-HYD-HOSE", 10), ("PT-TYRE", 4), ("PT-BRAKE-PAD", 12), (STEEL_PLATE[0], 20)]),
	"Commissioning": (13, 4, 0, 0, ("Assembly",), [("PT-OIL-FILTER", 4)]),
	"Handover": (17, 1, 0, 1, ("Commissioning", "Excavator on site"), []),
}  # fmt: skip


def build_project_scene(created) -> dict:
	manager = ensure_user(created, *MANAGER, role_profile="DMS Project Manager")
	if not frappe.db.exists("DMS Org Assignment", {"user": manager, "org_unit": STORE}):
		frappe.get_doc({"doctype": "DMS Org Assignment", "user": manager, "org_unit": STORE}).insert(
			ignore_permissions=True
		)
	ensure_portal_user(created)
	ensure_steel_plate(created)
	project = frappe.db.get_value("Project", {"project_name": PROJECT_NAME})
	if not project:
		project = make_project(manager)
		created["Project"] += 1
		tasks = make_tasks(project)
		created["Task"] += len(tasks)
	tasks = dict(
		frappe.get_all("Task", filters={"project": project}, fields=["subject", "name"], as_list=True)
	)
	if not frappe.db.exists("Stock Entry", {"project": project, "docstatus": 1, "purpose": "Material Issue"}):
		supply.issue_materials(tasks["Foundation"])
		created["Stock Entry"] += 1
	if not frappe.db.exists("Timesheet", {"parent_project": project, "docstatus": 1}):
		log_labour(project, tasks["Foundation"])
		created["Timesheet"] += 1
	jit = supply.raise_jit_requests()
	for doctype, names in (
		("Material Request", jit["material_requests"]),
		("Cross Region Transfer", jit["transfers"]),
	):
		if names:
			created[doctype] += len(names)
	delays.flag_delays()
	return {"project": project, "tasks": tasks}


def project_summary(scene: dict) -> list[str]:
	project = frappe.get_doc("Project", scene["project"])
	figures = costing.project_figures([project.name])[project.name]
	lines = frappe.get_all(
		"DMS Task Material",
		filters={"parent": ("in", list(scene["tasks"].values())), "parenttype": "Task"},
		fields=["item_code", "supply_status", "material_request", "transfer"],
		order_by="need_date, idx",
	)
	requested = [
		f"{row.item_code} → {row.material_request or row.transfer}"
		for row in lines
		if row.material_request or row.transfer
	]
	return [
		f"  Project {project.name} '{project.project_name}' at {project.dms_org_unit} for {project.customer}:"
		f" {len(scene['tasks'])} tasks, {flt(project.percent_complete, 1)}% complete",
		f"    Gantt board   /app/dms-project-board?project={project.name} (as {MANAGER[0]})",
		f"    Just in time  {'; '.join(requested) or 'nothing requested'}",
		f"    Cost          materials {figures['actual']['Materials']:,.2f}, labour {figures['actual']['Labour']:,.2f}"
		f" of budget {figures['total_budget']:,.2f}; contract {figures['contract_value']:,.2f},"
		f" margin {figures['margin']:,.2f}; SPI {figures['spi'] or 0:.2f}",
		f"    Delayed       {project.dms_delay_reason or 'no'}",
		f"    Portal        /service/projects as {PORTAL_USER[0]}",
	]


def ensure_user(created, email: str, first: str, last: str, role_profile: str | None = None) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"send_welcome_email": 0,
				"language": "en",
				"time_zone": "Asia/Shanghai",
				**(
					{"user_type": "System User", "role_profile_name": role_profile}
					if role_profile
					else {"user_type": "Website User", "roles": [{"role": "Customer"}]}
				),
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
		created["User"] += 1
	return email


def ensure_portal_user(created) -> None:
	email = ensure_user(created, *PORTAL_USER)
	customer = frappe.get_doc("Customer", CUSTOMER)
	if not any(row.user == email for row in customer.get("portal_users") or []):
		customer.append("portal_users", {"user": email})
		customer.save(ignore_permissions=True)


def ensure_steel_plate(created) -> None:
	code, name, rate = STEEL_PLATE
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": name,
				"item_group": frappe.db.get_value("Item", "PT-HYD-HOSE", "item_group"),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": rate,
			}
		).insert(ignore_permissions=True)
		created["Item"] += 1


def make_project(manager: str) -> str:
	today = nowdate()
	doc = frappe.get_doc(
		{
			"doctype": "Project",
			"project_name": PROJECT_NAME,
			"company": COMPANY,
			"dms_org_unit": STORE,
			"customer": CUSTOMER,
			"status": "Open",
			"percent_complete_method": "Task Progress",
			"expected_start_date": add_days(today, -20),
			"expected_end_date": add_days(today, 18),
			"dms_project_manager": manager,
			"dms_contract_value": 2800000,
			"dms_budget": [
				{"cost_type": "Materials", "amount": 900000, "description": "Steel, hoses, consumables"},
				{"cost_type": "Labour", "amount": 400000, "description": "Assembly and commissioning crews"},
				{"cost_type": "Equipment", "amount": 650000, "description": "Excavator and crane time"},
				{"cost_type": "Other", "amount": 150000},
			],
			"dms_equipment": [
				{
					"item_code": "VH-EXC-E20",
					"description": "Excavator E20 (dealer fleet)",
					"delivery_date": add_days(today, -2),
					"return_date": add_days(today, 17),
				}
			],
			"dms_documents": [
				{
					"title": "Site plan",
					"attachment": "/files/ring-road-site-plan.pdf",
					"share_with_customer": 1,
				},
				{"title": "Cost plan (internal)", "attachment": "/files/ring-road-cost-plan.xlsx"},
			],
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def make_tasks(project: str) -> dict[str, str]:
	names: dict[str, str] = {}
	for subject, (start_in, days, progress, milestone, depends_on, materials) in TASKS.items():
		start = add_days(nowdate(), start_in)
		doc = frappe.get_doc(
			{
				"doctype": "Task",
				"project": project,
				"subject": subject,
				"exp_start_date": start,
				"exp_end_date": add_days(start, days - 1),
				"progress": progress,
				"status": "Completed" if progress == 100 else "Open",
				"completed_on": add_days(start, days - 1) if progress == 100 else None,
				"is_milestone": milestone,
				# with the project, as ERPNext's form fills it in: ERPNext moves dependants on by it
				"depends_on": [{"task": names[name], "project": project} for name in depends_on],
				"dms_materials": [{"item_code": item, "qty": qty} for item, qty in materials],
			}
		)
		doc.insert(ignore_permissions=True)
		names[subject] = doc.name
	return names


def log_labour(project: str, task: str) -> str:
	"""Two days of a technician's assembly work, costed at his Activity Cost."""
	from dms_suite.demo.service import ensure_technician

	employee = ensure_technician(frappe._dict({"Employee": 0}))
	if not frappe.db.exists("Activity Type", ACTIVITY):
		frappe.get_doc(
			{"doctype": "Activity Type", "activity_type": ACTIVITY, "costing_rate": 120, "billing_rate": 200}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Activity Cost", {"employee": employee, "activity_type": ACTIVITY}):
		frappe.get_doc(
			{
				"doctype": "Activity Cost",
				"employee": employee,
				"activity_type": ACTIVITY,
				"costing_rate": 150,
				"billing_rate": 240,
			}
		).insert(ignore_permissions=True)
	logs = []
	for days_ago in (6, 5):
		start = get_datetime(f"{add_days(nowdate(), -days_ago)} 08:00:00")
		logs.append(
			{
				"activity_type": ACTIVITY,
				"from_time": start,
				"to_time": add_to_date(start, hours=8),
				"hours": 8,
				"project": project,
				"task": task,
			}
		)
	sheet = frappe.get_doc(
		{
			"doctype": "Timesheet",
			"company": COMPANY,
			"employee": employee,
			"parent_project": project,
			"time_logs": logs,
		}
	)
	sheet.insert(ignore_permissions=True)
	sheet.submit()
	return sheet.name
