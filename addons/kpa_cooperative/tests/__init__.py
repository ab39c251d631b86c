from . import test_access
from . import test_account_move
from . import test_bad_inputs
from . import test_cooperative
from . import test_membership
from . import test_public_pages
from . import test_views
