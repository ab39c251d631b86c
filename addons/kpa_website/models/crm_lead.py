from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "kpa_cooperative.group_kpa_manager"


class CrmLead(models.Model):
    """A request to launch a KPA-Cité, sent from the network's website, is a
    lead of the "KPA-Cité launches" team. Only network managers see these
    leads (record rule); they turn one into a cooperative being launched."""

    _inherit = "crm.lead"

    kpa_launch_request = fields.Boolean(
        string="KPA-Cité launch request",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Sent from the form “Envie de démarrer un KPA-Cité ?” of the "
        "network's website. Only network managers see these requests.",
    )
    kpa_neighbourhood = fields.Char(
        string="Neighbourhood",
        help="The neighbourhood where the person wants to start a KPA-Cité.",
    )
    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative created",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The cooperative created from this launch request.",
    )

    # === CRUD METHODS === #

    def write(self, vals):
        if (
            "kpa_launch_request" in vals
            and not self.env.su
            and not self.env.user.has_group(MANAGER_GROUP)
        ):
            raise AccessError(
                self.env._("Only network managers may handle launch requests.")
            )
        if "kpa_cooperative_id" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "The cooperative of a launch request is set by the button "
                    "“Create the cooperative”, not by hand."
                )
            )
        return super().write(vals)

    # === ACTION METHODS === #

    def action_kpa_create_cooperative(self):
        """Create the cooperative asked for, in the "launching" state, under
        the host of the request, and open it."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only network managers may turn a launch request into a "
                    "cooperative."
                )
            )
        if not self.kpa_launch_request:
            raise UserError(
                self.env._(
                    "“%(lead)s” is not a request to launch a KPA-Cité.", lead=self.name
                )
            )
        if self.kpa_cooperative_id:
            raise UserError(
                self.env._(
                    "The cooperative %(cooperative)s was already created from this "
                    "launch request.",
                    cooperative=self.kpa_cooperative_id.display_name,
                )
            )
        cooperative = self.env["kpa.cooperative"].create(
            self._kpa_prepare_cooperative_vals()
        )
        # The requester was checked above: a network manager, on a launch request
        # they may read.
        self.sudo().kpa_cooperative_id = cooperative
        self.message_post(
            body=self.env._(
                "Cooperative %(cooperative)s created, in the launching state.",
                cooperative=cooperative.name,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "kpa.cooperative",
            "res_id": cooperative.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_kpa_open_cooperative(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "kpa.cooperative",
            "res_id": self.kpa_cooperative_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # === BUSINESS METHODS === #

    def _kpa_prepare_cooperative_vals(self):
        place = self.kpa_neighbourhood or self.city or self.contact_name
        return {
            "name": self.env._("KPA-Cité %(place)s", place=place),
            "company_id": (self.company_id or self.env.company).id,
            "state": "launching",
            "city": self.city,
        }

    def _kpa_notify_launch_request(self):
        """A to-do for the leader of the launch team: answer the request."""
        for lead in self.filtered(lambda lead: lead.team_id.user_id):
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=lead.team_id.user_id.id,
                summary=self.env._("Answer this request to launch a KPA-Cité"),
            )

    @api.model
    def _kpa_launch_request_vals(self, values, website):
        """Values of a lead for a launch request sent from `website`, from the
        checked values of its form."""
        team = self.env.ref("kpa_website.crm_team_launch", raise_if_not_found=False)
        return {
            "name": self.env._(
                "Launch a KPA-Cité in %(neighbourhood)s (%(town)s)",
                neighbourhood=values["neighbourhood"],
                town=values["town"],
            ),
            "type": "opportunity",
            "kpa_launch_request": True,
            "kpa_neighbourhood": values["neighbourhood"],
            "city": values["town"],
            "contact_name": values["contact_name"],
            "email_from": values["email"],
            "phone": values["phone"],
            "description": values["motivation_html"],
            "team_id": team.id if team else False,
            "user_id": False,
            "company_id": website.company_id.id,
            "lang_id": self.env["res.lang"]._get_data(code=self.env.lang).id,
        }
