from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _serve_fallback(cls):
        """An address with a NUL character is no page nor file: a 404, not
        the server error its look-up in the database would raise (issue 9:
        no 5xx on bad input)."""
        if "\x00" in request.httprequest.path:
            return None
        return super()._serve_fallback()
