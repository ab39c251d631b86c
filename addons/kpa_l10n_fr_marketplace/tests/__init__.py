from . import test_chorus_pro_orders
from . import test_i18n
