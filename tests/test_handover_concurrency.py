"""Identical customer access requests at once (two users of a store, a double click that reaches two
workers) make one request: each caller runs in its own thread and database connection and commits.

It asks as the demo's Guangzhou store user (committed data), for a phone number made up for the
test, and deletes what it made afterwards in a connection of its own.
"""

import random
import threading

import pytest

import frappe

from .test_transfer_concurrency import in_own_connection

CALLERS = 6
ASKER = "south.store@demo-dms.example"
pytestmark = pytest.mark.committed


def ask(phone: str) -> str:
	from dms_suite.dms_sales import handover

	frappe.set_user(ASKER)
	return handover.request_access("Phone", phone, "Walk-in, asked twice at once", None)["request"]


def made_for(phone_key: str) -> list[str]:
	return frappe.get_all(
		"DMS Customer Access Request", filters={"owner": ASKER, "lookup_value": phone_key}, pluck="name"
	)


def delete(names: list[str]) -> None:
	for name in names:
		frappe.delete_doc("DMS Customer Access Request", name, ignore_permissions=True, force=True)


def test_identical_requests_at_once_make_one():
	if not frappe.db.exists("User", ASKER):
		pytest.skip(f"needs the demo group: {ASKER}")
	from dms_suite.dms_sales.leads import normalise_phone

	phone = f"+86139{random.randint(10**7, 10**8 - 1)}"
	key = normalise_phone(phone)
	barrier = threading.Barrier(CALLERS)
	outcomes = [None] * CALLERS

	def caller(index):
		outcomes[index] = in_own_connection(ask, phone, barrier=barrier)

	threads = [threading.Thread(target=caller, args=(index,)) for index in range(CALLERS)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=300)
	status, made = in_own_connection(made_for, key)
	try:
		assert status == "ok", made
		assert all(status == "ok" for status, _value in outcomes), outcomes
		assert len(made) == 1, made
		assert {value for _status, value in outcomes} == set(made)
	finally:
		in_own_connection(delete, made if status == "ok" else [])
