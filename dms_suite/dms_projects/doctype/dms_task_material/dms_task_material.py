from frappe.model.document import Document


class DMSTaskMaterial(Document):
	pass
