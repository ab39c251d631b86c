from . import test_invoice_pdf
from . import test_facturx
from . import test_chorus_pro
from . import test_fec
from . import test_management_ledger
from . import test_i18n
