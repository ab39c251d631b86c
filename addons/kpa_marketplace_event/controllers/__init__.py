from . import cooperative
