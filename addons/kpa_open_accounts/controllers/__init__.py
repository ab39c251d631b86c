from . import accounts
