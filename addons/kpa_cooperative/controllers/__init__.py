from . import cooperative
from . import portal
from . import rules
from . import accounts
