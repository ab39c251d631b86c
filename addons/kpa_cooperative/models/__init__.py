from . import kpa_activity
from . import kpa_skill
from . import kpa_cooperative
from . import kpa_membership
from . import res_partner
from . import res_company
from . import res_users
