from . import test_invoice_pdf
