from . import test_decision
from . import test_i18n
from . import test_portal
