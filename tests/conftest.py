"""pytest against a real Frappe site.

The site is named by ``DMS_SITE`` (the bench by ``DMS_BENCH``, default /home/frappe/frappe-bench).
Each test runs inside a savepoint that is rolled back afterwards, and the whole session inside one
transaction that is rolled back at the end, so the suite leaves the database as it found it.
Caches that live outside the transaction (Redis) are cleared after every test.
"""

import os
from pathlib import Path

import pytest

BENCH = Path(os.environ.get("DMS_BENCH", "/home/frappe/frappe-bench"))
SITE = os.environ.get("DMS_SITE")


def pytest_configure(config):
	if not SITE:
		raise pytest.UsageError("Set DMS_SITE to the site to test against (see README: Tests).")
	if not (BENCH / "sites" / SITE / "site_config.json").exists():
		raise pytest.UsageError(f"No site {SITE!r} in bench {BENCH} (set DMS_BENCH / DMS_SITE).")


def pytest_collection_modifyitems(config, items):
	"""Tests that commit their own data in separate connections (marked ``committed``) run first,
	before the session transaction holds row locks they need; lifecycle tests (install/uninstall on
	a throwaway site) run last."""

	def order(item):
		if item.get_closest_marker("committed"):
			return 0
		return 2 if item.get_closest_marker("lifecycle") else 1

	items.sort(key=order)


@pytest.fixture(scope="session", autouse=True)
def frappe_site():
	import frappe

	os.chdir(BENCH / "sites")
	frappe.init(site=SITE, sites_path=str(BENCH / "sites"))
	frappe.connect()
	frappe.flags.in_test = True
	frappe.flags.mute_emails = True
	frappe.set_user("Administrator")

	from dms_suite.overrides.db_query import install

	install()  # as the before_request and before_job hooks do in web and worker processes

	from dms_suite.demo.setup import ensure_erpnext_setup

	# one-time site bootstrap (ERPNext's setup wizard), committed like ERPNext's own before_tests
	ensure_erpnext_setup()
	frappe.db.commit()

	# from here on nothing may commit: everything the suite writes is rolled back
	real_commit = frappe.db.commit
	frappe.db.commit = _forbidden_commit
	yield frappe
	frappe.db.commit = real_commit
	frappe.db.rollback()
	_clear_dms_caches()
	frappe.destroy()


def _forbidden_commit(*args, **kwargs):
	raise AssertionError("a test path called frappe.db.commit(); tests must leave the database as found")


@pytest.fixture(scope="session")
def org(frappe_site):
	"""The test dealer group (tests/org_fixture.py), rolled back with the session."""
	from .org_fixture import build_org

	return build_org()


@pytest.fixture(scope="session")
def web_server(frappe_site):
	"""``bench serve`` for the site on a free loopback port (its own process: it sees committed data only)."""
	import socket
	import subprocess
	import sys
	import time

	import requests

	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		port = sock.getsockname()[1]
	process = subprocess.Popen(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, "serve", "--port", str(port),
		 "--noreload", "--nothreading"],
		cwd=BENCH / "sites",
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
		env={**os.environ, "PYTHONUNBUFFERED": "1"},
	)  # fmt: skip
	base = f"http://127.0.0.1:{port}"
	try:
		for _ in range(120):
			try:
				requests.get(f"{base}/api/method/ping", timeout=2, headers={"Host": SITE})
				break
			except requests.ConnectionError:
				time.sleep(0.25)
		else:
			pytest.fail("bench serve did not answer within 30 s")
		yield base
	finally:
		process.terminate()
		process.wait(timeout=20)


@pytest.fixture
def shop(org):
	"""TN1's workshop for the service tests (tests/service_fixture.py)."""
	from .service_fixture import build_shop

	return build_shop(org)


@pytest.fixture
def site(org):
	"""A dealer project at TN1 for the project tests (tests/project_fixture.py)."""
	from .project_fixture import build_site

	return build_site(org)


@pytest.fixture(autouse=True)
def rollback(frappe_site):
	"""Every test leaves the database as it found it."""
	import frappe

	frappe.set_user("Administrator")
	frappe.db.savepoint("dms_test")
	yield
	frappe.set_user("Administrator")
	frappe.db.rollback(save_point="dms_test")
	frappe.local.form_dict = frappe._dict()
	_clear_dms_caches()


def _clear_dms_caches():
	import frappe

	from dms_suite.dms_org.doctype.dms_org_unit.dms_org_unit import clear_tree_caches

	clear_tree_caches()
	frappe.cache.delete_value("user_permissions")
	frappe.clear_cache()
