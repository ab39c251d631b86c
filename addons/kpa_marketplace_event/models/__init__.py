from . import event_event
from . import product_template
from . import sale_order
from . import website
