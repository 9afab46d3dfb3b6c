"""The machine line every benchmark prints first."""

import os
import platform


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
