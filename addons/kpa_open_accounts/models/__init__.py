from . import kpa_accounts_publication
from . import kpa_cooperative
