import functools
import logging
import subprocess

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)


@functools.cache
def wkhtmltopdf_embeds_web_fonts():
    """Whether the wkhtmltopdf binary is built on its patched Qt.

    The unpatched Qt of the distributions' packages (Debian's, Ubuntu's)
    draws the text of web fonts (CSS @font-face) as vector outlines: the PDF
    then has no text to select, search, extract or read aloud. Only the
    fonts installed on the system are embedded as fonts.
    """
    try:
        output = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    patched = b"patched qt" in output.lower()
    if not patched:
        _logger.info(
            "wkhtmltopdf without patched Qt: PDF reports use the system's fonts "
            "(package fonts-lato) so that their text stays text."
        )
    return patched


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _kpa_pdf_uses_system_fonts(self):
        """Print PDF reports with the system's fonts rather than web fonts."""
        return not wkhtmltopdf_embeds_web_fonts()
