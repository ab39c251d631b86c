from . import test_access
from . import test_catalogue
from . import test_demo_tour
from . import test_http
from . import test_i18n
from . import test_invoicing
from . import test_payment
from . import test_split
