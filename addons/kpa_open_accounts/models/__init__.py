from . import kpa_accounts_period
from . import kpa_accounts_statement
from . import kpa_accounts_publication
from . import kpa_accounts_publication_line
from . import kpa_accounts_publication_cron
from . import kpa_cooperative
