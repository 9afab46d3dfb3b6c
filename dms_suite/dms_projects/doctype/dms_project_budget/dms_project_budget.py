from frappe.model.document import Document


class DMSProjectBudget(Document):
	pass
