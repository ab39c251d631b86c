from . import cooperative
from . import accounts
