"""What installing dms_suite leaves on a site, and a clean uninstall on a throwaway site."""

import ast
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

import frappe

from dms_suite import permissions
from dms_suite.dms_org.document_unit import ERPNEXT_TRANSACTION_DOCTYPES
from dms_suite.dms_org.user_permissions import ERPNEXT_LEDGER_DOCTYPES, ERPNEXT_MASTER_DOCTYPES
from dms_suite.setup import DMS_ROLES, ERPNEXT_ROLES

from .conftest import BENCH

DMS_MODULES = ("DMS Org", "DMS Stock", "DMS Sales", "DMS Service", "DMS Projects")

# the group's shared catalogues: every unit reads them (tests/test_doctype_walk.py keeps the reasons)
GROUP_WIDE = {"DMS Service Category"}

DMS_DOCTYPES = ("DMS Org Unit", "DMS Org Unit Policy", "DMS Org Unit Warehouse", "DMS Org Assignment")


def test_roles_and_role_profiles_exist():
	assert set(frappe.get_all("Role", filters={"name": ("in", DMS_ROLES)}, pluck="name")) == set(DMS_ROLES)
	for role, erpnext_roles in ERPNEXT_ROLES.items():
		profile_roles = set(
			frappe.get_all("Has Role", filters={"parent": role, "parenttype": "Role Profile"}, pluck="role")
		)
		assert profile_roles >= {role, *erpnext_roles}


def test_desk_workspace():
	workspace = frappe.get_doc("Workspace", "DMS")
	assert workspace.module == "DMS Org" and workspace.public
	assert {s.link_to for s in workspace.shortcuts} == {
		"DMS Org Unit",
		"DMS Org Assignment",
		"DMS Org Unit Policies",
		"Cross Region Transfer",
		"Lead",
	}
	links = [link for link in workspace.links if link.type == "Link"]
	assert {"Cross Region Transfer", "DMS Stock Availability", "DMS Stock Settings"} <= {
		link.link_to for link in links
	}
	for link in links:  # every card link leads somewhere
		assert frappe.db.exists(link.link_type, link.link_to), link.link_to


def test_custom_field_on_user_permission():
	assert frappe.get_meta("User Permission").has_field("dms_managed")


def test_every_dms_doctype_is_tracked_and_isolated():
	dms_doctypes = frappe.get_all(
		"DocType",
		filters={"module": ("in", DMS_MODULES), "istable": 0, "issingle": 0},
		pluck="name",
	)
	assert {"DMS Org Unit", "DMS Org Assignment", "Cross Region Transfer", "Service Order"} <= set(
		dms_doctypes
	)
	settings = frappe.get_all("DocType", filters={"module": ("in", DMS_MODULES), "issingle": 1}, pluck="name")
	assert "DMS Stock Settings" in settings
	for doctype in settings:  # group-wide: tracked, and only the group's administrators change them
		assert frappe.get_meta(doctype).track_changes, doctype
		writers = {perm.role for perm in frappe.get_meta(doctype).permissions if perm.write}
		assert writers <= {"System Manager", "DMS Group Executive"}, (doctype, writers)
	registered = permissions.rules()
	for doctype in dms_doctypes:
		assert frappe.get_meta(doctype).track_changes, doctype
		if doctype not in GROUP_WIDE:
			assert doctype in registered, f"{doctype} holds DMS data but no domain registers a rule for it"
	for doctype in ERPNEXT_TRANSACTION_DOCTYPES:
		assert frappe.get_meta(doctype).has_field("dms_org_unit"), doctype
		assert doctype in registered, doctype
		assert (
			"dms_suite.dms_org.document_unit.set_org_unit"
			in frappe.get_hooks("doc_events")[doctype]["validate"]
		)
	for doctype in ERPNEXT_MASTER_DOCTYPES + ERPNEXT_LEDGER_DOCTYPES:
		assert not registered[doctype].anchor, doctype  # User Permissions narrow what hangs off them


def test_permission_core_is_one_star_entry_and_imports_nothing_of_the_app():
	# Frappe reaches the core through one "*" entry of each hook; doctypes come from the registry
	assert frappe.get_hooks("permission_query_conditions", app_name="dms_suite") == {
		"*": ["dms_suite.permissions.get_permission_query_conditions"]
	}
	assert frappe.get_hooks("has_permission", app_name="dms_suite") == {
		"*": ["dms_suite.permissions.has_permission"]
	}
	tree = ast.parse(Path(permissions.__file__).read_text())
	imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
	imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
	assert "frappe" in imported
	assert not [name for name in imported if name.split(".")[0] == "dms_suite"]
	# a doctype registered twice (two domains claiming it) is refused, not silently overridden
	with pytest.raises(ValueError, match="DMS Safety Level has two permission rules"):
		permissions._collect_rules(("dms_suite.dms_stock.permissions.rules",) * 2)


def test_hooks_are_a_plain_declaration():
	"""hooks.py names its handlers: no imports, helper functions, loops or computed values."""
	tree = ast.parse(Path(frappe.get_app_path("dms_suite", "hooks.py")).read_text())
	computed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.For, ast.Call)
	computed += (ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.BinOp, ast.Subscript)
	found = [(type(node).__name__, node.lineno) for node in ast.walk(tree) if isinstance(node, computed)]
	assert not found
	for node in tree.body:
		assert isinstance(node, ast.Assign | ast.Expr), ast.dump(node)[:80]


def test_changes_leave_a_version_trail(org):
	unit = frappe.get_doc("DMS Org Unit", "TN1")
	unit.unit_name = "Tianjin flagship"
	unit.save(ignore_version=False)  # Frappe skips versions under flags.in_test unless asked
	version = frappe.get_last_doc("Version", filters={"ref_doctype": "DMS Org Unit", "docname": "TN1"})
	changed = frappe.parse_json(version.data)["changed"]
	assert ["unit_name", "Unit TN1", "Tianjin flagship"] in changed
	assert version.owner == "Administrator"


def bench(*args, timeout=900):
	exe = shutil.which("bench")
	if not exe:
		pytest.fail("the 'bench' command is not on PATH: it is needed to create the throwaway site")
	result = subprocess.run(
		[exe, *args], cwd=BENCH, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
	)
	assert result.returncode == 0, (
		f"bench {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
	)
	return result.stdout


def site_python(site, code):
	"""Run Python against ``site`` in a fresh process (this session stays on the test site)."""
	script = f"import frappe\nfrappe.init(site={site!r}, sites_path='.')\nfrappe.connect()\n{code}\n"
	result = subprocess.run(
		[str(BENCH / "env" / "bin" / "python"), "-c", script],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		timeout=300,
	)
	assert result.returncode == 0, result.stderr[-2000:]
	return result.stdout.strip()


@pytest.mark.lifecycle
def test_install_and_uninstall_on_a_throwaway_site():
	password = os.environ.get("DMS_DB_ROOT_PASSWORD", "root")
	site = f"dms-lifecycle-{uuid.uuid4().hex[:6]}.localhost"
	db = ["--db-root-username", "root", "--db-root-password", password]
	bench("new-site", site, *db, "--admin-password", "admin", "--install-app", "erpnext")
	try:
		# ERPNext's doctypes keep their standard rules: the copies Frappe makes when a rule is added go
		custom_rules = "print(sorted(frappe.get_all('Custom DocPerm', pluck='parent', distinct=True)))"
		rules_before = site_python(site, custom_rules)
		bench("--site", site, "install-app", "dms_suite")
		installed = site_python(
			site,
			"print(frappe.db.table_exists('DMS Org Unit'), frappe.db.exists('Role', 'DMS Region Manager') is not None,"
			" frappe.get_meta('User Permission').has_field('dms_managed'), frappe.db.has_column('Stock Entry', 'dms_org_unit'))",
		)
		assert installed == "True True True True"
		assert "Customer" in site_python(site, custom_rules) and "Customer" not in rules_before

		bench("--site", site, "uninstall-app", "dms_suite", "--yes", "--no-backup", "--force")
		left = site_python(
			site,
			"print(frappe.db.table_exists('DMS Org Unit'), frappe.db.exists('Role', 'DMS Region Manager') is not None,"
			" frappe.db.has_column('User Permission', 'dms_managed'), frappe.db.has_column('Sales Invoice', 'dms_org_unit'),"
			" frappe.db.count('DocType', {'module': ('in', ('DMS Org', 'DMS Stock', 'DMS Sales', 'DMS Service', 'DMS Projects'))}), frappe.db.exists('Module Def', 'DMS Org') is not None,"
			" 'dms_suite' in frappe.get_installed_apps(), frappe.db.exists('Workspace', 'DMS') is not None)",
		)
		assert left == "False False False False 0 False False False"
		assert site_python(site, custom_rules) == rules_before
	finally:
		bench("drop-site", site, *db, "--force", "--no-backup")
