from . import test_shop_pages
