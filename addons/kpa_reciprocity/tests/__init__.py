from . import test_access_matrix
from . import test_contribution
from . import test_i18n
from . import test_portal
from . import test_server_rules
