from . import cooperative
from . import shop
