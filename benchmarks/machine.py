"""What every benchmark shares: connecting to the site, the machine line it prints first, median / p95."""

import os
import platform
import statistics
from pathlib import Path

BENCH = Path(os.environ.get("DMS_BENCH", "/home/frappe/frappe-bench"))


def connect():
	"""Connect to ``DMS_SITE`` of the bench as Administrator, emails muted; returns the frappe module."""
	import frappe

	os.chdir(BENCH / "sites")
	frappe.init(site=os.environ["DMS_SITE"], sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	return frappe


def median_p95(samples) -> tuple[float, float]:
	ordered = sorted(samples)
	return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def describe(frappe) -> str:
	cpu = next(
		(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
		"?",
	)
	mem = (
		int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))) // 1024**2
	)
	import erpnext

	return (
		f"{platform.node()} | {os.cpu_count()} cores {cpu} | {mem} GiB | Python {platform.python_version()} | "
		f"MariaDB {frappe.db.sql('select version()')[0][0]} | frappe {frappe.__version__} | erpnext {erpnext.__version__}"
	)
