from . import portal
from . import rules
