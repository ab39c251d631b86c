from . import test_demo_site
from . import test_i18n
from . import test_launch_request
from . import test_network_pages
from . import test_public_face
from . import test_fuzz
