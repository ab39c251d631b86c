from . import kpa_membership_end
