from odoo import models


class Base(models.AbstractModel):
    """Helpers every model of the project reads its selection labels with,
    cooperative-bound or not (cooperatives, skills, publications), and the
    controllers too."""

    _inherit = "base"

    def _selection_labels(self, field_name):
        """{value: label} of the selection field ``field_name``, in the
        language of the environment, in the order of the selection."""
        return dict(self._fields[field_name]._description_selection(self.env))

    def _selection_label(self, field_name, value=None):
        """The label of ``value`` in the selection field ``field_name``, in the
        language of the environment; by default the label of the record's own
        value. An empty string for no value."""
        if value is None:
            value = self.ensure_one()[field_name]
        return self._selection_labels(field_name).get(value, "")
