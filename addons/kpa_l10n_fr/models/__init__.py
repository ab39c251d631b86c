from . import res_company
from . import account_move
from . import account_move_send
from . import account_edi_xml_cii_facturx
from . import account_edi_xml_ubl_bis3
from . import ir_actions_report
