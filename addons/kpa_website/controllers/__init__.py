from . import accounts
from . import launch
