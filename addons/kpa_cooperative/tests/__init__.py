from . import test_decision
from . import test_contribution
from . import test_governance_portal
