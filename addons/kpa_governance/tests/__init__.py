from . import test_access_matrix
from . import test_decision
from . import test_i18n
from . import test_portal
from . import test_readonly_routes
from . import test_server_rules
