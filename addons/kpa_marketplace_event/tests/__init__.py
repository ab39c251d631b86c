from . import test_http
from . import test_i18n
from . import test_workshops
