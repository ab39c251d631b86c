from . import test_accounts_public
from . import test_accounts_publication
from . import test_i18n
from . import test_open_data
