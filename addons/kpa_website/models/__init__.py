from . import crm_lead
from . import website
