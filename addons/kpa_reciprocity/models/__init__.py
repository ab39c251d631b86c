from . import kpa_contribution
from . import kpa_resource
from . import kpa_training
from . import kpa_cooperative
from . import kpa_membership
from . import res_partner
from . import res_company
