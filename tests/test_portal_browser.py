"""End to end in a real headless Chromium: a customer logs in to the service portal, books an
appointment, and sees its status change live when the advisor checks the unit in.

The web server (``bench serve``) is its own process and sees only committed data, so this test
commits: through separate processes (``run_on_site``), never through the suite's connection. It
uses the demo's portal customer (Zhang Wei, ``bench --site S dms-demo``), gives him a password for
the test and puts his old one back, and deletes the order it booked. Screenshots go to
``DMS_ARTEFACTS`` (default ``artefacts/``).
"""

import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

import frappe
from frappe.utils import now_datetime

from .conftest import BENCH, SITE
from .test_http import server

PORTAL_USER = "zhang.wei@demo-dms.example"
ADVISOR = "north.service@demo-dms.example"
ARTEFACTS = Path(os.environ.get("DMS_ARTEFACTS", Path(__file__).parent.parent / "artefacts"))
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def run_on_site(code: str, **values) -> dict:
	"""Run ``code`` against the site in a process of its own and commit; ``result`` comes back."""
	script = f"""
import json, sys, frappe
frappe.init(site={SITE!r}, sites_path={str(BENCH / "sites")!r})
frappe.connect()
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
		timeout=120,
	)
	assert done.returncode == 0, done.stderr[-3000:]
	return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def browser():
	try:
		from selenium import webdriver
		from selenium.webdriver.chrome.service import Service
	except ImportError:
		webdriver = None
	if webdriver is None or not (CHROMIUM and CHROMEDRIVER):
		message = "needs chromium, chromedriver (Debian) and selenium (pip install -e '.[test]')"
		if os.environ.get("CI"):
			pytest.fail(message)
		pytest.skip(message)
	options = webdriver.ChromeOptions()
	options.binary_location = CHROMIUM
	for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
		options.add_argument(argument)
	driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
	driver.set_page_load_timeout(60)
	yield driver
	driver.quit()


@pytest.fixture
def customer_login():
	"""The demo's portal customer with a password known to the test; the old one is put back."""
	if not frappe.db.exists("User", PORTAL_USER) or not frappe.db.get_value(
		"Portal User", {"user": PORTAL_USER, "parenttype": "Customer"}
	):
		message = f"needs the demo group on {SITE}: bench --site {SITE} dms-demo"
		if os.environ.get("CI"):
			pytest.fail(message)
		pytest.skip(message)
	password = frappe.generate_hash(length=16)
	saved = run_on_site(
		"""
row = frappe.db.sql("select password from `__Auth` where doctype='User' and name=%s and fieldname='password'",
	values["user"])
result["hash"] = row[0][0] if row else None
from frappe.utils.password import update_password
update_password(values["user"], values["password"])
""",
		user=PORTAL_USER,
		password=password,
	)
	yield password
	run_on_site(
		"""
if values["hash"]:
	frappe.db.sql("update `__Auth` set password=%s where doctype='User' and name=%s and fieldname='password'",
		(values["hash"], values["user"]))
else:
	frappe.db.sql("delete from `__Auth` where doctype='User' and name=%s and fieldname='password'", values["user"])
""",
		user=PORTAL_USER,
		hash=saved["hash"],
	)


@pytest.mark.committed
def test_customer_books_and_sees_the_check_in_live(server, browser, customer_login):  # noqa: F811
	from selenium.webdriver.common.by import By
	from selenium.webdriver.support import expected_conditions as ready
	from selenium.webdriver.support.ui import Select, WebDriverWait

	ARTEFACTS.mkdir(parents=True, exist_ok=True)
	wait = WebDriverWait(browser, 30)
	appointment = (now_datetime() + timedelta(days=1)).replace(
		hour=15, minute=random.randrange(60), second=0, microsecond=0
	)
	booked = None
	try:
		browser.get(f"{server}/login?redirect-to=/service/book")
		wait.until(ready.visibility_of_element_located((By.ID, "login_email"))).send_keys(PORTAL_USER)
		browser.find_element(By.ID, "login_password").send_keys(customer_login)
		browser.find_element(By.CSS_SELECTOR, ".btn-login").click()

		wait.until(ready.visibility_of_element_located((By.ID, "svc-submit")))
		Select(browser.find_element(By.ID, "svc-store")).select_by_value("N-BJ")
		Select(browser.find_element(By.ID, "svc-category")).select_by_value("Maintenance")
		browser.execute_script(
			"document.getElementById('svc-appointment').value = arguments[0];",
			appointment.strftime("%Y-%m-%dT%H:%M"),
		)
		browser.find_element(By.ID, "svc-description").send_keys("Browser test: 10,000 km service")
		browser.find_element(By.ID, "svc-submit").click()

		wait.until(ready.url_contains("/service?booked="))
		booked = browser.current_url.split("booked=")[1]
		badge = (By.CSS_SELECTOR, f'.svc-status[data-order="{booked}"]')
		assert wait.until(ready.visibility_of_element_located(badge)).text == "Booked"
		browser.save_screenshot(str(ARTEFACTS / "portal-service-booked.png"))

		# the advisor checks the unit in (another process, committed); the page polls without a reload
		marker = browser.execute_script("return window.__dms_marker = Math.random();")
		run_on_site(
			"""
from frappe.model.workflow import apply_workflow
frappe.set_user(values["advisor"])
result["status"] = apply_workflow(frappe.get_doc("Service Order", values["order"]), "Check In").status
""",
			advisor=ADVISOR,
			order=booked,
		)
		WebDriverWait(browser, 30).until(ready.text_to_be_present_in_element(badge, "Checked In"))
		assert browser.execute_script("return window.__dms_marker;") == marker  # no reload happened
		browser.save_screenshot(str(ARTEFACTS / "portal-service-checked-in.png"))
		browser.set_window_size(390, 844)  # a phone
		browser.save_screenshot(str(ARTEFACTS / "portal-service-mobile.png"))
		assert (
			browser.execute_script("return document.documentElement.scrollWidth") <= 400
		)  # no sideways scroll

		stored = run_on_site(
			"result.update(frappe.db.get_value('Service Order', values['order'],"
			" ['customer', 'booked_via', 'status', 'checked_in_on'], as_dict=True))",
			order=booked,
		)
		assert (stored["customer"], stored["booked_via"], stored["status"]) == (
			"Zhang Wei",
			"Portal",
			"Checked In",
		)
		assert stored["checked_in_on"]
	finally:
		browser.set_window_size(1280, 900)
		orders = run_on_site(
			"""
names = frappe.get_all("Service Order", filters={"dealer_unit": ("in", frappe.get_all("Dealer Unit",
	filters={"customer": "Zhang Wei"}, pluck="name")), "appointment": values["appointment"]}, pluck="name")
for name in names:
	frappe.db.delete("Workflow Action", {"reference_doctype": "Service Order", "reference_name": name})
	frappe.delete_doc("Service Order", name, force=True, ignore_permissions=True, delete_permanently=True)
result["deleted"] = names
""",
			appointment=str(appointment),
		)
		assert booked is None or orders["deleted"] == [booked]
