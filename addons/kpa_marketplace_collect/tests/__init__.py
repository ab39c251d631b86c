from . import test_collect
from . import test_i18n
