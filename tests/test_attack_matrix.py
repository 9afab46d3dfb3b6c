"""The attacker's matrix over real HTTP: every demo login (and a portal customer) against the records of
the demo dealer group, through Frappe's generic endpoints.

Expected answers come from the org tree walked by its parent links here (not from the nested-set
bounds, nor from dms_suite.permissions), and from the demo's records in the database. Every probe that
returns a record (or a masked value) the user should not get is a leak; the count of leaks must be 0.
The matrix prints how many probes it ran. It writes nothing (sessions live in Redis only).
"""

import json
from collections import defaultdict

import pytest
import requests

import frappe
from frappe.utils import now

from .conftest import SITE

DEMO_DOMAIN = "@demo-dms.example"
PORTAL_CUSTOMER = "zhang.wei@demo-dms.example"
# roles that see a masked phone (README: group customer pool); everyone else with Customer access reads it
MASKED_ROLES = {"DMS Store User", "DMS Service Advisor", "DMS Stock Controller"}
UNRESTRICTED = {"DMS Group Executive", "System Manager"}
# roles that read the sensitive fields (their holders see them even with a masked role beside)
MANAGING_ROLES = {"DMS Sales", "DMS Store Manager", "DMS Region Manager", "DMS Accountant"}
SENSITIVE = ("mobile_no", "email_id", "tax_id", "dms_id_number")
# org-scoped ERPNext and DMS doctypes with the fields naming their unit
SCOPED = {
	"Stock Entry": ("dms_org_unit",),
	"Sales Order": ("dms_org_unit",),
	"Quotation": ("dms_org_unit",),
	"Service Order": ("dms_org_unit",),
	"Sales Invoice": ("dms_org_unit",),
	"Delivery Note": ("dms_org_unit",),
	"Purchase Receipt": ("dms_org_unit",),
	"Material Request": ("dms_org_unit",),
	"Project": ("dms_org_unit",),
	"Task": ("dms_org_unit",),
	"Lead": ("dms_org_unit",),
	"Cross Region Transfer": ("source_unit", "target_unit"),
	"DMS Customer Access Request": ("requesting_unit", "owning_unit"),
}


# ---------------------------------------------------------------------------------------------
# the expected answers, from the tree's parent links


def subtree_map() -> dict[str, set[str]]:
	"""unit -> the unit and all its descendants, walked from parent_dms_org_unit."""
	children = defaultdict(set)
	units = frappe.get_all("DMS Org Unit", fields=["name", "parent_dms_org_unit"])
	for unit in units:
		if unit.parent_dms_org_unit:
			children[unit.parent_dms_org_unit].add(unit.name)

	def walk(name):
		found = {name}
		for child in children[name]:
			found |= walk(child)
		return found

	return {unit.name: walk(unit.name) for unit in units}


def demo_logins() -> dict[str, frappe._dict]:
	"""Every demo desk user with their roles and expected units (None: unrestricted)."""
	subtree = subtree_map()
	logins = {}
	for user in frappe.get_all(
		"User",
		filters={"name": ("like", f"%{DEMO_DOMAIN}"), "user_type": "System User", "enabled": 1},
		pluck="name",
	):
		roles = set(frappe.get_roles(user))
		if not any(role.startswith("DMS ") for role in roles):
			continue
		units = set()
		for unit in frappe.get_all("DMS Org Assignment", filters={"user": user}, pluck="org_unit"):
			units |= subtree.get(unit, set())
		logins[user] = frappe._dict(roles=roles, units=None if roles & UNRESTRICTED else units)
	return logins


def visible_customers(units: set[str]) -> set[str]:
	"""Customers owned by or served by one of ``units``, and internal customers."""
	owned = set(
		frappe.get_all("Customer", filters={"dms_org_unit": ("in", list(units) or [""])}, pluck="name")
	)
	internal = set(frappe.get_all("Customer", filters={"is_internal_customer": 1}, pluck="name"))
	served = set(
		frappe.get_all(
			"DMS Customer Unit",
			filters={"parenttype": "Customer", "org_unit": ("in", list(units) or [""])},
			pluck="parent",
		)
	)
	return owned | internal | served


def records(doctype: str) -> dict[str, set[str]]:
	"""name -> the units the record belongs to."""
	fields = SCOPED[doctype]
	return {
		row.name: {row.get(f) for f in fields if row.get(f)}
		for row in frappe.get_all(doctype, fields=["name", *fields])
	}


def child_rows(doctype: str, name: str) -> list[tuple[str, str]]:
	rows = []
	for table in frappe.get_meta(doctype).get_table_fields():
		for row in frappe.get_all(
			table.options, filters={"parent": name, "parenttype": doctype}, pluck="name"
		):
			rows.append((table.options, row))
	return rows


# ---------------------------------------------------------------------------------------------
# HTTP


@pytest.fixture(scope="module")
def matrix(web_server):
	if not frappe.db.exists("DMS Org Unit", "N-BJ") or not frappe.db.exists("User", PORTAL_CUSTOMER):
		pytest.skip(f"needs the demo group on {SITE}: bench --site {SITE} dms-demo")
	logins = demo_logins()
	sids = {user: frappe.generate_hash() for user in (*logins, PORTAL_CUSTOMER)}
	write_sessions(sids)
	probe = Prober(web_server, sids)
	yield frappe._dict(logins=logins, probe=probe)
	for sid in sids.values():
		frappe.cache.hdel("session", sid)


class Prober:
	def __init__(self, base, sids):
		self.base, self.sids, self.count, self.leaks = base, sids, 0, []

	def get(self, user, path, **params):
		self.count += 1
		return requests.get(
			f"{self.base}{path}",
			params={k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()},
			cookies={"sid": self.sids[user]},
			headers={"Host": SITE, "Accept": "application/json"},
			timeout=60,
		)

	def post(self, user, path, **data):
		self.count += 1
		return requests.post(
			f"{self.base}{path}",
			data={k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in data.items()},
			cookies={"sid": self.sids[user]},
			headers={"Host": SITE, "Accept": "application/json"},
			timeout=60,
		)

	def leak(self, user, what):
		self.leaks.append(f"{user}: {what}")


def write_sessions(sids: dict[str, str]) -> None:
	"""A Redis-only session per login (no database write, so nothing to roll back)."""
	for user, sid in sids.items():
		data = frappe._dict(
			user=user,
			sid=sid,
			session_ip="127.0.0.1",
			last_updated=now(),
			creation=now(),
			session_expiry="06:00:00",
			full_name=user,
			user_type="Website User" if user == PORTAL_CUSTOMER else "System User",
		)
		frappe.cache.hset("session", sid, frappe._dict(user=user, sid=sid, data=data))


@pytest.fixture(autouse=True)
def _sessions_back(request):
	"""The suite clears Redis caches after every test: the matrix's sessions are written again."""
	if "matrix" in request.fixturenames:
		write_sessions(request.getfixturevalue("matrix").probe.sids)


def report(matrix, title):
	probe = matrix.probe
	print(f"\n{title}: {probe.count} probes, {len(probe.leaks)} leaks")
	leaks, probe.leaks, probe.count = probe.leaks, [], 0
	assert not leaks, "\n".join(leaks[:40])


def in_scope(units: set[str] | None, record_units: set[str]) -> bool:
	return units is None or bool(units & record_units)


# ---------------------------------------------------------------------------------------------
# the matrix


def test_lists_link_search_and_records_by_name(matrix):
	"""REST list, link search with ignore_user_permissions, REST get and child rows by name."""
	probe = matrix.probe
	for doctype in SCOPED:
		all_records = records(doctype)
		children = {name: child_rows(doctype, name) for name in all_records}
		for user, login in matrix.logins.items():
			expected = {name for name, units in all_records.items() if in_scope(login.units, units)}
			response = probe.get(user, f"/api/resource/{doctype}", limit_page_length=0)
			if response.status_code == 200:
				for name in {row["name"] for row in response.json()["data"]} - expected:
					probe.leak(user, f"list {doctype} {name}")
			response = probe.get(
				user,
				"/api/method/frappe.desk.search.search_link",
				doctype=doctype,
				txt="",
				ignore_user_permissions=1,
				page_length=1000,
			)
			if response.status_code == 200:
				for name in {row["value"] for row in response.json()["message"]} - expected:
					probe.leak(user, f"link search {doctype} {name}")
			for name in set(all_records) - expected:
				if probe.get(user, f"/api/resource/{doctype}/{name}").status_code == 200:
					probe.leak(user, f"get {doctype} {name}")
				for child_doctype, row in children[name][:3]:
					if probe.get(user, f"/api/resource/{child_doctype}/{row}").status_code == 200:
						probe.leak(user, f"get {child_doctype} {row} of {doctype} {name}")
	report(matrix, "lists, link search, get, child rows")


def test_expand_links_and_customer_masks(matrix):
	"""expand_links on every record a user reads: each expanded record is one they may read, and a
	customer's sensitive fields come back only to the roles that read them."""
	probe = matrix.probe
	scoped_records = {doctype: records(doctype) for doctype in SCOPED}
	masked_customer_reads = 0  # the probe must have looked at customers as a masked role
	for user, login in matrix.logins.items():
		masked = bool(login.roles & MASKED_ROLES) and not (login.roles & (MANAGING_ROLES | UNRESTRICTED))
		customers = None if login.units is None else visible_customers(login.units)
		for doctype in ("Service Order", "Sales Order", "Quotation", "Sales Invoice", "Project"):
			for name, units in scoped_records[doctype].items():
				if not in_scope(login.units, units):
					continue
				response = probe.get(user, f"/api/resource/{doctype}/{name}", expand_links=1)
				if response.status_code != 200:
					continue
				doc = response.json()["data"]
				for field, value in doc.items():
					if not isinstance(value, dict) or "doctype" not in value:
						continue
					linked = value["doctype"]
					if linked in SCOPED and not in_scope(
						login.units, set(filter(None, (value.get(f) for f in SCOPED[linked])))
					):
						probe.leak(user, f"expand_links {doctype} {name}.{field} -> {linked} {value['name']}")
					if linked == "Customer":
						masked_customer_reads += masked
						if customers is not None and value["name"] not in customers:
							probe.leak(user, f"expand_links {doctype} {name} -> customer {value['name']}")
						if masked and any(value.get(f) for f in SENSITIVE):
							probe.leak(
								user, f"expand_links {doctype} {name} -> unmasked customer {value['name']}"
							)
		if masked:
			response = probe.get(
				user, "/api/resource/Customer", fields=["name", *SENSITIVE], limit_page_length=0
			)
			if response.status_code == 200 and any(
				row.get(f) for row in response.json()["data"] for f in SENSITIVE
			):
				probe.leak(user, "Customer list with sensitive fields")
			response = probe.get(
				user,
				"/api/method/frappe.desk.search.search_widget",
				doctype="Customer",
				txt="",
				filter_fields=json.dumps(list(SENSITIVE)),
				as_dict=1,
				page_length=1000,
			)
			if response.status_code == 200 and any(
				row.get(f) for row in response.json()["message"] for f in SENSITIVE
			):
				probe.leak(user, "Customer link search with sensitive fields")
			response = probe.get(
				user,
				"/api/method/frappe.desk.listview.get_group_by_count",
				doctype="Customer",
				current_filters="[]",
				field="mobile_no",
			)
			if response.status_code == 200:
				probe.leak(user, "group-by count of Customer mobile_no")
	assert masked_customer_reads, (
		"no masked role read a service order's customer: the demo is not the expected one"
	)
	report(matrix, "expand_links and customer masks")


def test_assignee_counts_and_the_portal_customer(matrix):
	probe = matrix.probe
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Stock Entry", "status": ("!=", "Cancelled")},
		fields=["reference_name", "allocated_to"],
	)
	entries = records("Stock Entry")
	for user, login in matrix.logins.items():
		expected = defaultdict(int)
		for todo in todos:
			if todo.reference_name in entries and in_scope(login.units, entries[todo.reference_name]):
				expected[todo.allocated_to] += 1
		response = probe.get(
			user,
			"/api/method/frappe.desk.listview.get_group_by_count",
			doctype="Stock Entry",
			current_filters="[]",
			field="assigned_to",
		)
		if response.status_code == 200:
			for row in response.json()["message"]:
				if row["count"] > expected.get(row["name"], 0):
					probe.leak(user, f"assignee count {row}")
	for doctype in (*SCOPED, "Customer", "Contact", "Address", "DMS Org Unit"):
		response = probe.get(PORTAL_CUSTOMER, f"/api/resource/{doctype}", limit_page_length=0)
		if response.status_code == 200 and response.json().get("data"):
			probe.leak(PORTAL_CUSTOMER, f"list {doctype}")
		response = probe.get(
			PORTAL_CUSTOMER,
			"/api/method/frappe.desk.search.search_link",
			doctype=doctype,
			txt="",
			ignore_user_permissions=1,
		)
		if response.status_code == 200 and response.json().get("message"):
			probe.leak(PORTAL_CUSTOMER, f"link search {doctype}: {response.json()['message']}")
	report(matrix, "assignee counts and the portal customer")


def test_masked_fields_are_not_filterable(matrix):
	"""A field a role may not read cannot be probed through filters, or_filters, sorting or counts.

	For every customer a login sees and every sensitive field, the same query is asked with the
	customer's true value and with a value nobody has: a masked role that gets two different answers
	has read the value (a leak). A role that reads the fields must get the customer back (the guard
	is not simply refusing everyone).
	"""
	probe = matrix.probe
	impossible = "no such value " + frappe.generate_hash(length=8)
	checked_readers = 0
	for user, login in matrix.logins.items():
		masked = bool(login.roles & MASKED_ROLES) and not (login.roles & (MANAGING_ROLES | UNRESTRICTED))
		if login.units is None or not (masked or login.roles & MANAGING_ROLES):
			continue
		customers = frappe.get_all(
			"Customer",
			filters={
				"name": ("in", list(visible_customers(login.units)) or [""]),
				"mobile_no": ("is", "set"),
			},
			fields=["name", *SENSITIVE],
			limit=2,
		)
		for customer in customers:
			for field in SENSITIVE:
				if not customer.get(field):
					continue
				answers = {}
				for label, value in (("true", customer[field]), ("impossible", impossible)):
					flt = [["Customer", field, "=", value]]
					answers[label] = [
						_answer(probe.get(user, "/api/resource/Customer", filters=flt)),
						_answer(probe.get(user, "/api/resource/Customer", or_filters=flt)),
						_answer(
							probe.get(
								user, "/api/method/frappe.client.get_count", doctype="Customer", filters=flt
							)
						),
						_answer(
							probe.get(
								user,
								"/api/method/frappe.desk.reportview.get_count",
								doctype="Customer",
								filters=flt,
							)
						),
						_answer(
							probe.get(
								user,
								"/api/method/frappe.desk.reportview.get",
								doctype="Customer",
								fields=["name"],
								filters=flt,
							)
						),
						_answer(
							probe.get(
								user,
								"/api/method/frappe.client.get_value",
								doctype="Customer",
								fieldname="name",
								filters={field: value},
							)
						),
						_answer(
							probe.get(
								user,
								"/api/method/frappe.desk.search.search_widget",
								doctype="Customer",
								txt="",
								filters={field: value},
							)
						),
					]
				if masked and answers["true"] != answers["impossible"]:
					probe.leak(
						user, f"filter Customer by {field}: {answers['true']} vs {answers['impossible']}"
					)
				if not masked:
					checked_readers += 1
					if customer.name not in json.dumps(answers["true"][0]):
						probe.leak(user, f"a reader of {field} cannot filter by it: {answers['true'][0]}")
		if masked:
			orders = [
				_answer(
					probe.get(
						user, "/api/resource/Customer", order_by=f"mobile_no {way}", limit_page_length=0
					)
				)
				for way in ("asc", "desc")
			]
			orders += [
				_answer(
					probe.get(
						user,
						"/api/method/frappe.desk.reportview.get",
						doctype="Customer",
						fields=["name"],
						order_by=f"`tabCustomer`.`mobile_no` {way}",
						page_length=500,
					)
				)
				for way in ("asc", "desc")
			]
			if orders[0] != orders[1] or orders[2] != orders[3]:
				probe.leak(user, "Customer list sorted by a masked phone")
	assert checked_readers, "no reader of the sensitive fields was probed: the demo is not the expected one"
	report(matrix, "filters, sorting and counts on masked fields")


def _answer(response):
	"""What a response tells: its status and, when it succeeded, its payload."""
	if response.status_code != 200:
		return response.status_code
	body = response.json()
	return body.get("data", body.get("message"))


def test_erpnext_helpers_reports_and_portal_pages(matrix):
	"""ERPNext's whitelisted helpers and reports, asked about another region's company, warehouse,
	account, customer or project, refuse; asked about the login's own, they answer (the control that
	shows each probe is well formed). ERPNext's portal pages and print views of another region's
	documents do not open."""
	probe = matrix.probe
	units = frappe.get_all("DMS Org Unit", fields=["name", "company", "stock_warehouse", "unit_type"])
	fiscal_year = frappe.get_all("Fiscal Year", order_by="year_start_date desc", pluck="name", limit=1)[0]
	controls = defaultdict(int)
	portal_documents = {
		doctype: frappe.get_all(
			doctype, filters={"docstatus": 1}, fields=["name", "customer_name", "dms_org_unit"]
		)
		for doctype in ("Quotation", "Delivery Note", "Sales Order")
	}
	routes = {"Quotation": "quotations", "Delivery Note": "shipments", "Sales Order": "orders"}
	for user, login in matrix.logins.items():
		if login.units is None:
			continue
		own = [unit for unit in units if unit.name in login.units]
		own_companies = {unit.company for unit in own if unit.company}
		foreign = [unit for unit in units if unit.company and unit.company not in own_companies]
		if not own_companies or not foreign:
			continue
		samples = {
			"own": _samples(sorted(own_companies)[0], [u for u in own if u.stock_warehouse]),
			"foreign": _samples(foreign[0].company, [u for u in foreign if u.stock_warehouse]),
		}
		visible = visible_customers(login.units)
		samples["foreign"].customer = next(
			iter(sorted(set(frappe.get_all("Customer", pluck="name")) - visible)), None
		)
		samples["own"].customer = next(iter(sorted(visible)), None)
		for side, sample in samples.items():
			for label, path, params in _helper_calls(sample, fiscal_year):
				if None in params.values():
					continue
				response = probe.get(user, path, **params)
				if side == "foreign" and response.status_code == 200:
					probe.leak(user, f"{label} answered for {params}")
				if side == "own" and response.status_code == 200:
					controls[label] += 1
		for doctype, documents in portal_documents.items():
			for document in documents:
				if document.dms_org_unit in login.units or not document.customer_name:
					continue
				for path, params in (
					(f"/{routes[doctype]}/{document.name}", {}),
					("/printview", {"doctype": doctype, "name": document.name}),
					(
						"/api/method/frappe.utils.print_format.download_pdf",
						{"doctype": doctype, "name": document.name},
					),
				):
					response = probe.get(user, path, **params)
					if response.status_code == 200 and (
						document.customer_name in response.text or response.content.startswith(b"%PDF")
					):
						probe.leak(user, f"{path} of {doctype} {document.name} ({params})")
		projects = records("Project")
		for path, params in (
			(
				"/api/method/erpnext.controllers.queries.get_project_name",
				{
					"doctype": "Project",
					"txt": "",
					"searchfield": "name",
					"start": 0,
					"page_len": 100,
					"filters": {},
				},
			),
			(
				"/api/method/frappe.desk.search.search_widget",
				{
					"doctype": "Project",
					"txt": "",
					"query": "erpnext.controllers.queries.get_project_name",
					"page_length": 100,
				},
			),
		):
			response = probe.get(user, path, **params)
			if response.status_code == 200:
				for row in response.json().get("message") or []:
					name = row[0] if isinstance(row, list) else row.get("name")
					if name in projects and not in_scope(login.units, projects[name]):
						probe.leak(user, f"{path} lists project {name}")
	missing = {label for label, _path, _params in _helper_calls(frappe._dict(), fiscal_year)} - set(controls)
	assert not missing, f"no login got an answer for its own records from: {sorted(missing)}"
	report(matrix, "ERPNext helpers, reports and portal pages")


def _samples(company: str, stock_units: list) -> frappe._dict:
	warehouse = next((u.stock_warehouse for u in stock_units if u.company == company), None)
	bin_row = frappe.get_all("Bin", filters={"warehouse": warehouse or ""}, fields=["item_code"], limit=1)
	account = frappe.get_all(
		"Account",
		filters={"company": company, "account_type": "Receivable", "is_group": 0},
		pluck="name",
		limit=1,
	)
	return frappe._dict(
		company=company,
		warehouse=warehouse,
		item_code=bin_row[0].item_code if bin_row else None,
		account=account[0] if account else None,
	)


def _helper_calls(sample, fiscal_year: str) -> list[tuple[str, str, dict]]:
	method = "/api/method/"
	period = {"from_date": f"{fiscal_year[:4]}-01-01", "to_date": f"{fiscal_year[:4]}-12-31"}
	trends = {"period": "Monthly", "based_on": "Item", "fiscal_year": fiscal_year, "company": sample.company}
	report = method + "frappe.desk.query_report.run"
	return [
		(
			"get_balance_on",
			method + "erpnext.accounts.utils.get_balance_on",
			{"account": sample.account, "company": sample.company},
		),
		(
			"Account tree",
			method + "erpnext.accounts.utils.get_children",
			{"doctype": "Account", "parent": sample.company, "company": sample.company, "is_root": 1},
		),
		(
			"get_stock_balance",
			method + "erpnext.stock.utils.get_stock_balance",
			{"item_code": sample.item_code, "warehouse": sample.warehouse},
		),
		(
			"get_bin_details",
			method + "erpnext.stock.get_item_details.get_bin_details",
			{"item_code": sample.item_code, "warehouse": sample.warehouse, "company": sample.company},
		),
		(
			"get_party_details",
			method + "erpnext.accounts.party.get_party_details",
			{"party": sample.customer, "party_type": "Customer"},
		),
		(
			"Sales Analytics",
			report,
			{
				"report_name": "Sales Analytics",
				"filters": {
					"tree_type": "Customer",
					"doc_type": "Sales Invoice",
					"value_quantity": "Value",
					"range": "Monthly",
					"company": sample.company,
					**period,
				},
			},
		),
		(
			"Stock Analytics",
			report,
			{
				"report_name": "Stock Analytics",
				"filters": {
					"company": sample.company,
					"range": "Monthly",
					"value_quantity": "Value",
					**period,
				},
			},
		),
		("Quotation Trends", report, {"report_name": "Quotation Trends", "filters": trends}),
		("Delivery Note Trends", report, {"report_name": "Delivery Note Trends", "filters": trends}),
	]


def test_contact_details_stay_masked_on_every_copy(matrix):
	"""A masked role reads a customer's phone or email nowhere: not on the Contact, its phone and email
	rows, the Address, the Lead, a sales document's contact fields, ERPNext's helpers that fill a form
	or its mappers, nor the Address And Contacts report. A role that reads them gets them (the control).

	The values looked for are every phone and email stored for the customers the login can see.
	"""
	probe = matrix.probe
	reader_saw = 0
	contacts, addresses = customer_links("Contact"), customer_links("Address")
	quotations = frappe.get_all(
		"Quotation", filters={"contact_mobile": ("is", "set")}, fields=["name", "party_name", "dms_org_unit"]
	)
	for user, login in matrix.logins.items():
		if login.units is None:
			continue
		masked = bool(login.roles & MASKED_ROLES) and not (login.roles & (MANAGING_ROLES | UNRESTRICTED))
		reader = bool(login.roles & MANAGING_ROLES)
		if not (masked or reader):
			continue
		customers = visible_customers(login.units)
		secrets = _secrets(customers, login.units)
		if not secrets:
			continue
		own_company = frappe.db.get_value(
			"DMS Org Unit", {"name": ("in", list(login.units)), "company": ("is", "set")}, "company"
		)
		calls = [
			("/api/resource/Contact", {"fields": ["*"], "limit_page_length": 0}),
			(
				"/api/resource/Contact Phone",
				{"parent": "Contact", "fields": ["phone"], "limit_page_length": 0},
			),
			(
				"/api/resource/Contact Email",
				{"parent": "Contact", "fields": ["email_id"], "limit_page_length": 0},
			),
			("/api/resource/Address", {"fields": ["*"], "limit_page_length": 0}),
			("/api/resource/Lead", {"fields": ["*"], "limit_page_length": 0}),
			(
				"/api/method/frappe.desk.query_report.run",
				{"report_name": "Address And Contacts", "filters": {"party_type": "Customer"}},
			),
		]
		for contact, customer in contacts:
			if customer in customers:
				calls += [
					(f"/api/resource/Contact/{contact}", {}),
					(
						"/api/method/frappe.contacts.doctype.contact.contact.get_contact_details",
						{"contact": contact},
					),
				]
		for address, customer in addresses:
			if customer in customers:
				calls += [
					(f"/api/resource/Address/{address}", {}),
					(
						"/api/method/frappe.contacts.doctype.address.address.get_address_display",
						{"address_dict": address},
					),
				]
		for customer in sorted(customers)[:5]:
			calls += [
				(
					"/api/method/erpnext.accounts.party.get_party_details",
					{
						"party": customer,
						"party_type": "Customer",
						"company": own_company,
						"doctype": "Quotation",
					},
				),
				(
					"/api/method/frappe.model.mapper.make_mapped_doc",
					{
						"method": "erpnext.selling.doctype.customer.customer.make_quotation",
						"source_name": customer,
					},
				),
				(
					"/api/method/erpnext.selling.doctype.customer.customer.make_quotation",
					{"source_name": customer},
				),
			]
		for quotation in quotations:
			if quotation.dms_org_unit in login.units:
				calls.append((f"/api/resource/Quotation/{quotation.name}", {}))
		for path, params in calls:
			response = probe.get(user, path, **params)
			if response.status_code != 200:
				continue
			found = [secret for secret in secrets if secret in response.text]
			if masked and found:
				probe.leak(user, f"{path} {params} shows {found[:2]}")
			reader_saw += bool(reader and found)
	assert reader_saw, "no reader saw a contact detail anywhere: the probes do not look where the details are"
	report(matrix, "contact details on every copy")


def customer_links(parenttype: str) -> list[tuple[str, str]]:
	"""(Contact or Address, a customer it is linked to), every link."""
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": parenttype, "link_doctype": "Customer"},
		fields=["parent", "link_name"],
		as_list=True,
	)


def _secrets(customers: set[str], units: set[str]) -> set[str]:
	"""Every phone and email stored for ``customers``: on the customer, its contacts (and their phone
	and email rows), its addresses and the leads it came from; and those of the leads of ``units``."""
	values = set()
	for row in frappe.get_all(
		"Lead",
		filters={"dms_org_unit": ("in", list(units) or [""])},
		fields=["mobile_no", "email_id", "phone"],
	):
		values |= set(row.values())
	names = list(customers) or [""]
	for row in frappe.get_all(
		"Customer", filters={"name": ("in", names)}, fields=["mobile_no", "email_id", "lead_name"]
	):
		values |= {row.mobile_no, row.email_id}
		if row.lead_name:
			values |= set(
				frappe.db.get_value("Lead", row.lead_name, ["mobile_no", "email_id", "phone"]) or ()
			)
	for parenttype, fields in (
		("Contact", ["email_id", "mobile_no", "phone"]),
		("Address", ["email_id", "phone"]),
	):
		parents = list({parent for parent, customer in customer_links(parenttype) if customer in customers})
		for row in frappe.get_all(parenttype, filters={"name": ("in", parents or [""])}, fields=fields):
			values |= set(row.values())
		if parenttype == "Contact":
			values |= set(
				frappe.get_all("Contact Phone", filters={"parent": ("in", parents or [""])}, pluck="phone")
			)
			values |= set(
				frappe.get_all("Contact Email", filters={"parent": ("in", parents or [""])}, pluck="email_id")
			)
	# masked renderings (138****5678) are not secrets; a value this short would match by chance
	return {value for value in values if value and len(value) >= 6}


def test_customer_access_requests(matrix):
	"""The demo's pending request (Guangzhou asks for a Beijing customer): nobody reads or filters by
	the match, not even the stores it names; only a manager of the owning store (or above it) may
	decide, so every other login, and the portal customer, is refused; a portal customer cannot ask."""
	probe = matrix.probe
	requests_ = frappe.get_all(
		"DMS Customer Access Request",
		filters={"status": "Pending", "owning_unit": ("is", "set")},
		fields=["name", "owner", "customer", "owning_unit", "requesting_unit"],
	)
	assert requests_, "the demo has no pending access request: it is not the expected one"
	deciding_roles = {"DMS Store Manager", "DMS Region Manager", "DMS Group Executive"}
	refused = 0
	for request in requests_:
		# who may decide, from the tree: a deciding role over the owning unit, not the asker
		deciders = {
			user
			for user, login in matrix.logins.items()
			if login.roles & deciding_roles
			and user != request.owner
			and (login.units is None or request.owning_unit in login.units)
		}
		for user in (*matrix.logins, PORTAL_CUSTOMER):
			response = probe.get(user, f"/api/resource/DMS Customer Access Request/{request.name}")
			if response.status_code == 200:
				data = response.json()["data"]
				if data.get("customer") or data.get("owning_unit") or request.customer in response.text:
					probe.leak(user, f"reads the match of {request.name}")
				if data.get("decision") or data.get("decided_by") or data.get("decision_note"):
					probe.leak(user, f"reads the decision on {request.name}")
			for field, values in (
				("owning_unit", (request.owning_unit, "no such unit")),
				("decision", ("", "Refused")),
			):
				answers = [
					_answer(
						probe.get(
							user, "/api/resource/DMS Customer Access Request", filters=[[field, "=", value]]
						)
					)
					for value in values
				]
				if answers[0] != answers[1]:
					probe.leak(user, f"filters access requests by their {field}: {answers}")
			if user in deciders:
				continue  # the matrix writes nothing
			response = probe.post(
				user,
				"/api/method/dms_suite.api.sales.decide_customer_access",
				request=request.name,
				approve=1,
			)
			if response.status_code == 200:
				probe.leak(user, f"decided {request.name} (owning unit {request.owning_unit})")
			else:
				refused += 1
	response = probe.post(
		PORTAL_CUSTOMER,
		"/api/method/dms_suite.api.sales.request_customer_access",
		lookup_type="Phone",
		lookup_value="13910010002",
		reason="portal probe",
	)
	if response.status_code == 200:
		probe.leak(PORTAL_CUSTOMER, f"asked for access: {response.text[:200]}")
	assert refused, "no login was refused a decision: the probe did not try"
	report(matrix, "customer access requests")
