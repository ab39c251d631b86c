from . import kpa_cooperative
from . import product_product
from . import sale_order
from . import website
