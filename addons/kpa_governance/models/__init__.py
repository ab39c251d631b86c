from . import kpa_rule
from . import kpa_decision
from . import kpa_decision_position
from . import kpa_cooperative
from . import kpa_membership
