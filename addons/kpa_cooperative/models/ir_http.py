from werkzeug.exceptions import NotFound

from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _match(cls, path):
        """A record of id 0 in an address (/shop/category/0) is no record: no
        route matches it, a 404 (Odoo would fail to write the address of its
        page back, with a server error)."""
        rule, args = super()._match(path)
        for value in args.values():
            if isinstance(value, models.BaseModel) and not value:
                raise NotFound()
        return rule, args

    @classmethod
    def _serve_fallback(cls):
        """No page, attachment or redirection lives at an address holding a
        NUL character, which the database cannot even search for: such an
        address is a plain 404 (Odoo would answer it with a server error)."""
        if "\x00" in request.httprequest.path:
            return None
        return super()._serve_fallback()
