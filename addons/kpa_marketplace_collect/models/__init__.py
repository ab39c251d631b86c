from . import delivery_carrier
from . import kpa_cooperative
from . import sale_order
