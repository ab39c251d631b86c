from . import test_contribution
from . import test_i18n
from . import test_portal
