from . import test_home_shop
from . import test_i18n
from . import test_shop_pages
