from . import test_loyalty_split
