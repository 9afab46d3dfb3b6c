from frappe.model.document import Document


class DMSProjectEquipment(Document):
	pass
