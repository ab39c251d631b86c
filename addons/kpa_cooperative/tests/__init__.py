from . import test_accounts_public
