"""Isolation over real HTTP: /api/resource and /api/method through Frappe's WSGI stack.

The web server runs in its own process (``bench serve`` on a loopback port), so it sees only
committed data: these tests use the demo dealer group that ``bench --site S dms-demo`` builds (CI
builds it before the suite). They write nothing: each demo user gets a session in Redis only,
removed afterwards.
"""

import json

import pytest
import requests

import frappe

from .conftest import SITE
from .test_attack_matrix import write_sessions

DEMO_USERS = ("group.exec@demo-dms.example", "north.manager@demo-dms.example", "south.store@demo-dms.example")
NORTH_UNITS = {"NORTH", "N-BJ", "N-TJ", "N-SJZ"}
PORTAL_CUSTOMER = "zhang.wei@demo-dms.example"  # the demo's service scene


@pytest.fixture(scope="module")
def server(web_server):
	if not all(frappe.db.exists("User", user) for user in DEMO_USERS) or not frappe.db.exists(
		"DMS Org Unit", "N-BJ"
	):
		pytest.skip(f"needs the demo group on {SITE}: bench --site {SITE} dms-demo")
	return web_server


@pytest.fixture
def sessions(server):
	"""A Redis-only session per demo user (no database write, so nothing to roll back). Per test:
	the suite clears Frappe's caches, sessions included, after every test."""
	sids = {user: frappe.generate_hash() for user in (*DEMO_USERS, PORTAL_CUSTOMER)}
	write_sessions(sids)
	yield sids
	for sid in sids.values():
		frappe.cache.hdel("session", sid)


def get(server, sessions, user, path, **params):
	response = requests.get(
		f"{server}{path}",
		params={k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()},
		cookies={"sid": sessions[user]},
		headers={"Host": SITE, "Accept": "application/json"},
		timeout=30,
	)
	return response


def names(response):
	assert response.status_code == 200, response.text[:500]
	return {row["name"] for row in response.json()["data"]}


def test_session_is_the_demo_user(server, sessions):
	response = get(
		server, sessions, "north.manager@demo-dms.example", "/api/method/frappe.auth.get_logged_user"
	)
	assert response.json()["message"] == "north.manager@demo-dms.example"


def test_rest_list_of_org_units(server, sessions):
	all_units = names(
		get(
			server, sessions, "group.exec@demo-dms.example", "/api/resource/DMS Org Unit", limit_page_length=0
		)
	)
	assert {"DAG", "NORTH", "EAST", "SOUTH", "N-BJ", "S-GZ"} <= all_units
	north = names(
		get(
			server,
			sessions,
			"north.manager@demo-dms.example",
			"/api/resource/DMS Org Unit",
			limit_page_length=0,
		)
	)
	assert north == NORTH_UNITS
	store = names(
		get(
			server,
			sessions,
			"south.store@demo-dms.example",
			"/api/resource/DMS Org Unit",
			limit_page_length=0,
		)
	)
	assert store == {"S-GZ"}


def test_rest_get_of_another_regions_record_is_refused(server, sessions):
	assert (
		get(server, sessions, "north.manager@demo-dms.example", "/api/resource/DMS Org Unit/N-TJ").status_code
		== 200
	)
	denied = get(server, sessions, "north.manager@demo-dms.example", "/api/resource/DMS Org Unit/S-SZ")
	assert denied.status_code == 403
	assert "S-SZ" not in denied.text or "Shenzhen" not in denied.text


def test_rest_and_client_paths_for_stock_entries(server, sessions):
	opening = {
		row[0]: row[1]
		for row in frappe.get_all(
			"Stock Entry",
			filters={"remarks": ("like", "DMS demo opening stock %")},
			fields=["name", "dms_org_unit"],
			as_list=True,
		)
	}
	for user, units in (
		("north.manager@demo-dms.example", NORTH_UNITS),
		("south.store@demo-dms.example", {"S-GZ"}),
	):
		expected = {name for name, unit in opening.items() if unit in units}
		listed = names(get(server, sessions, user, "/api/resource/Stock Entry", limit_page_length=0)) & set(
			opening
		)
		assert listed == expected
		count = get(server, sessions, user, "/api/method/frappe.client.get_count", doctype="Stock Entry",
					filters={"name": ["in", sorted(opening)]})  # fmt: skip
		assert count.json()["message"] == len(expected)
		for name, unit in opening.items():
			status = get(server, sessions, user, f"/api/resource/Stock Entry/{name}").status_code
			assert status == (200 if unit in units else 403), (user, name)


def test_link_search_and_policy_api(server, sessions):
	found = get(server, sessions, "south.store@demo-dms.example", "/api/method/frappe.desk.search.search_link",
				doctype="Warehouse", txt="", page_length=50)  # fmt: skip
	assert {row["value"] for row in found.json()["message"]} == {
		"Guangzhou Vehicles - DAS",
		"Guangzhou Parts - DAS",
	}
	policy = "/api/method/dms_suite.api.org.get_effective_policy"
	assert (
		get(server, sessions, "south.store@demo-dms.example", policy, unit="S-GZ").json()["message"][
			"safety_stock_days"
		]
		== 14
	)
	assert get(server, sessions, "south.store@demo-dms.example", policy, unit="N-BJ").status_code == 403


def test_portal_customer_gets_403_on_desk_resources_and_only_their_orders_from_the_portal_api(
	server, sessions
):
	"""A customer's portal login reaches service records only through the portal API, which answers
	with their own orders; the desk REST resources refuse it."""
	own = set(frappe.get_all("Service Order", filters={"customer": "Zhang Wei"}, pluck="name"))
	assert own, "the demo's service scene"
	for path in (
		"/api/resource/Service Order",
		"/api/resource/Dealer Unit",
		f"/api/resource/Service Order/{min(own)}",
	):
		assert get(server, sessions, PORTAL_CUSTOMER, path).status_code == 403, path
	response = get(server, sessions, PORTAL_CUSTOMER, "/api/method/dms_suite.api.portal.get_service_status")
	assert response.status_code == 200, response.text[:300]
	assert {row["name"] for row in response.json()["message"]} <= own
	assert {row["name"] for row in response.json()["message"]}
	other = get(
		server,
		sessions,
		"north.manager@demo-dms.example",
		"/api/method/dms_suite.api.portal.get_service_status",
	)
	assert other.status_code == 403  # a desk user of no customer
