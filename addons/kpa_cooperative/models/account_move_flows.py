"""The flows that may write a posted invoice of a cooperative (issue 9: a
posted invoice changes by its flows only; through the API, its accountants
only annotate it).

A flag of the running code, not of the context: a client can send any
context key, never this flag."""

import contextvars
from contextlib import contextmanager

from odoo import models

_POSTED_INVOICE_FLOW = contextvars.ContextVar("kpa_posted_invoice_flow", default=False)


@contextmanager
def posted_invoice_flow():
    """Inside: Odoo's flows write the posted invoices they handle."""
    token = _POSTED_INVOICE_FLOW.set(True)
    try:
        yield
    finally:
        _POSTED_INVOICE_FLOW.reset(token)


def in_posted_invoice_flow():
    return _POSTED_INVOICE_FLOW.get()


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    def _generate_and_send_invoices(self, moves, *args, **kwargs):
        with posted_invoice_flow():
            return super()._generate_and_send_invoices(moves, *args, **kwargs)


class AccountMoveSendBatchWizard(models.TransientModel):
    _inherit = "account.move.send.batch.wizard"

    def action_send_and_print(self, *args, **kwargs):
        with posted_invoice_flow():
            return super().action_send_and_print(*args, **kwargs)


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        with posted_invoice_flow():
            return super()._create_payments()


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def action_post(self):
        with posted_invoice_flow():
            return super().action_post()
