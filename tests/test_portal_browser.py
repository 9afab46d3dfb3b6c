"""End to end in a real headless Chromium: a customer logs in to the service portal, books an
appointment, and sees its status change live when the advisor checks the unit in.

The web server (``bench serve`` on a loopback port) is its own process and sees only committed data,
so this test commits: its setup and cleanup run in separate processes (``run_on_site``), never
through the suite's connection (which stays rolled back). It makes a throwaway customer with a
portal login and a unit, books at the first store of the site, and deletes all of it afterwards.
Screenshots (desktop and phone) go to ``DMS_ARTEFACTS`` (default ``artefacts/``).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BENCH, SITE

ARTEFACTS = Path(os.environ.get("DMS_ARTEFACTS", Path(__file__).parent.parent / "artefacts"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def skip_or_fail(message: str):
	"""Missing tools or data skip on a developer's machine; in CI they fail."""
	if os.environ.get("CI"):
		pytest.fail(message)
	pytest.skip(message)


def run_on_site(code: str, **values) -> dict:
	"""Run ``code`` against the site in a process of its own and commit; ``result`` comes back."""
	script = f"""
import json, sys, frappe
frappe.init(site={SITE!r}, sites_path={str(BENCH / "sites")!r})
frappe.connect()
frappe.flags.mute_emails = True
frappe.set_user("Administrator")
values = json.loads(sys.argv[1])
result = {{}}
{code}
frappe.db.commit()
frappe.destroy()
print(json.dumps(result, default=str))
"""
	done = subprocess.run(
		[sys.executable, "-c", script, json.dumps(values)],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		timeout=180,
	)
	assert done.returncode == 0, done.stderr[-3000:]
	return json.loads(done.stdout.strip().splitlines()[-1])


SETUP = """
import random
from frappe.utils import add_days, getdate
from frappe.utils.password import update_password
tag = frappe.generate_hash(length=8).upper()
stores = frappe.get_all("DMS Org Unit", filters={"unit_type": "Store", "company": ("is", "set"),
	"stock_warehouse": ("is", "set")}, pluck="name", order_by="lft")
if stores:
	store = stores[0]
	category = frappe.get_all("DMS Service Category", pluck="name", order_by="name", limit=1)
	result["created_category"] = None
	if not category:
		category = [frappe.get_doc({"doctype": "DMS Service Category", "category_name": "E2E " + tag}).insert().name]
		result["created_category"] = category[0]
	customer = frappe.get_doc({"doctype": "Customer", "customer_name": "E2E Portal " + tag,
		"dms_org_unit": store}).insert()
	email = f"e2e.portal.{tag.lower()}@example.com"
	frappe.get_doc({"doctype": "User", "email": email, "first_name": "E2E", "last_name": tag,
		"user_type": "Website User", "send_welcome_email": 0, "roles": [{"role": "Customer"}]}).insert()
	update_password(email, values["password"])
	customer.append("portal_users", {"user": email})
	customer.save()
	unit = frappe.get_doc({"doctype": "Dealer Unit", "vin": "E2E-" + tag, "unit_type": "Equipment",
		"customer": customer.name}).insert()
	result.update(store=store, category=category[0], customer=customer.name, user=email, unit=unit.name,
		appointment=str(add_days(getdate(), 1)) + " 10:00:00")
"""

TEARDOWN = """
names = frappe.get_all("Service Order", filters={"dealer_unit": values["unit"]}, pluck="name")
for name in names:
	for doctype in ("Workflow Action", "Comment", "Version", "Communication"):
		key = "reference_name" if doctype != "Version" else "docname"
		table = "reference_doctype" if doctype != "Version" else "ref_doctype"
		frappe.db.delete(doctype, {table: "Service Order", key: name})
	frappe.delete_doc("Service Order", name, force=True, ignore_permissions=True, delete_permanently=True)
for doctype, name in (("Dealer Unit", values["unit"]), ("Customer", values["customer"]),
		("User", values["user"]), ("DMS Service Category", values.get("created_category"))):
	if name and frappe.db.exists(doctype, name):
		frappe.db.delete("Version", {"ref_doctype": doctype, "docname": name})
		frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": name})
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
for contact in frappe.get_all("Contact", filters={"user": values["user"]}, pluck="name"):
	frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True, delete_permanently=True)
frappe.db.delete("Activity Log", {"user": values["user"]})
frappe.db.delete("Sessions", {"user": values["user"]})
frappe.db.delete("Deleted Document", {"deleted_name": values["user"]})  # the user's Notification Settings
result["deleted"] = names
"""


@pytest.fixture(scope="module")
def browser():
	try:
		from selenium import webdriver
		from selenium.webdriver.chrome.service import Service
	except ImportError:
		webdriver = None
	if webdriver is None or not (CHROMIUM and CHROMEDRIVER):
		skip_or_fail("needs chromium, chromedriver (Debian packages) and selenium (pip install -e '.[test]')")
	options = webdriver.ChromeOptions()
	options.binary_location = CHROMIUM
	for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
		options.add_argument(argument)
	driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
	driver.set_page_load_timeout(60)
	yield driver
	driver.quit()


@pytest.fixture
def portal_customer():
	"""A committed throwaway customer with a portal login and one unit; all deleted afterwards."""
	import frappe

	password = frappe.generate_hash(length=16) + "Aa1!"
	scene = run_on_site(SETUP, password=password)
	if not scene.get("store"):
		skip_or_fail(
			f"needs a store (DMS Org Unit of type Store with a company and stock warehouse) on {SITE}:"
			f" bench --site {SITE} dms-demo"
		)
	try:
		yield frappe._dict(scene, password=password)
	finally:
		run_on_site(TEARDOWN, **scene)


@pytest.mark.committed
def test_customer_books_and_sees_the_check_in_live(web_server, browser, portal_customer):
	from selenium.webdriver.common.by import By
	from selenium.webdriver.support import expected_conditions as ready
	from selenium.webdriver.support.ui import Select, WebDriverWait

	scene = portal_customer
	ARTEFACTS.mkdir(parents=True, exist_ok=True)
	wait = WebDriverWait(browser, 30)

	browser.get(f"{web_server}/login?redirect-to=/service/book")
	wait.until(ready.visibility_of_element_located((By.ID, "login_email"))).send_keys(scene.user)
	browser.find_element(By.ID, "login_password").send_keys(scene.password)
	browser.find_element(By.CSS_SELECTOR, ".btn-login").click()

	wait.until(ready.visibility_of_element_located((By.ID, "svc-submit")))
	set_appointment = "document.getElementById('svc-appointment').value = arguments[0];"
	Select(browser.find_element(By.ID, "svc-unit")).select_by_value(scene.unit)
	Select(browser.find_element(By.ID, "svc-store")).select_by_value(scene.store)
	Select(browser.find_element(By.ID, "svc-category")).select_by_value(scene.category)
	browser.find_element(By.ID, "svc-description").send_keys("Browser test: 10,000 km service")

	# a time in the past: the server's message appears under the form and nothing is booked
	browser.execute_script(set_appointment, "2020-01-01T10:00")  # datetime-local is set by script
	browser.find_element(By.ID, "svc-submit").click()
	wait.until(ready.text_to_be_present_in_element((By.ID, "svc-result"), "in the past"))
	assert "/service/book" in browser.current_url
	browser.save_screenshot(str(ARTEFACTS / "portal-book-refused.png"))

	browser.execute_script(set_appointment, scene.appointment[:16].replace(" ", "T"))
	browser.find_element(By.ID, "svc-submit").click()

	wait.until(ready.url_contains("/service?booked="))
	booked = browser.current_url.split("booked=")[1]
	badge = (By.CSS_SELECTOR, f'.svc-status[data-order="{booked}"]')
	assert wait.until(ready.visibility_of_element_located(badge)).text == "Booked"
	stored = run_on_site(
		"result.update(frappe.db.get_value('Service Order', values['order'],"
		" ['customer', 'dealer_unit', 'dms_org_unit', 'booked_via', 'status', 'appointment'], as_dict=True))",
		order=booked,
	)
	assert (stored["customer"], stored["dealer_unit"], stored["dms_org_unit"]) == (
		scene.customer,
		scene.unit,
		scene.store,
	)
	assert (stored["booked_via"], stored["status"]) == ("Portal", "Booked")
	assert run_on_site(
		"result['orders'] = frappe.get_all('Service Order', filters={'dealer_unit': values['unit']}, pluck='name')",
		unit=scene.unit,
	)["orders"] == [booked]  # the refused attempt wrote nothing
	assert stored["appointment"].startswith(scene.appointment[:16])
	browser.save_screenshot(str(ARTEFACTS / "portal-service-booked.png"))

	# the advisor checks the unit in (another process, committed); the page polls without a reload
	marker = browser.execute_script("return window.__dms_marker = Math.random();")
	checked_in = run_on_site(
		"""
from frappe.model.workflow import apply_workflow
result["status"] = apply_workflow(frappe.get_doc("Service Order", values["order"]), "Check In").status
""",
		order=booked,
	)
	assert checked_in["status"] == "Checked In"
	WebDriverWait(browser, 30).until(ready.text_to_be_present_in_element(badge, "Checked In"))
	assert browser.execute_script("return window.__dms_marker;") == marker  # no reload happened
	browser.save_screenshot(str(ARTEFACTS / "portal-service-desktop.png"))

	browser.set_window_size(390, 844)  # a phone
	try:
		browser.refresh()
		wait.until(ready.visibility_of_element_located(badge))
		browser.save_screenshot(str(ARTEFACTS / "portal-service-mobile.png"))
		assert (
			browser.execute_script("return document.documentElement.scrollWidth") <= 400
		)  # no sideways scroll
	finally:
		browser.set_window_size(1280, 900)
