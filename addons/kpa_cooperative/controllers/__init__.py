from . import cooperative
from . import portal
