from odoo import Command, models

KPA_SELF_FIELDS = ["kpa_public_profile"]
MEMBER_GROUP = "kpa_cooperative.group_kpa_member"
COORDINATOR_GROUP = "kpa_cooperative.group_kpa_coordinator"
MANAGER_GROUP = "kpa_cooperative.group_kpa_manager"


class ResUsers(models.Model):
    _inherit = "res.users"

    # A member gives or withdraws their consent to a public profile themselves,
    # from their preferences.
    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + KPA_SELF_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + KPA_SELF_FIELDS

    # === BUSINESS METHODS === #

    def _kpa_sync_coordinator_role(self):
        """The coordinator role follows coordination: these users get it when
        they coordinate a cooperative, and lose it when they coordinate none
        any more (network managers keep it: their role includes it). Then
        their member role follows their memberships."""
        users = self.sudo().exists()
        coordinating = (
            self.env["kpa.cooperative"]
            .sudo()
            .with_context(active_test=False)
            .search([("coordinator_ids", "in", users.ids)])
            .coordinator_ids
        )
        role = self.env.ref(COORDINATOR_GROUP).sudo()
        manager = self.env.ref(MANAGER_GROUP)
        missing = (users & coordinating).filtered(lambda u: role not in u.groups_id)
        gone = (users - coordinating).filtered(
            lambda u: role in u.groups_id and manager not in u.groups_id
        )
        commands = [Command.link(u.id) for u in missing]
        commands += [Command.unlink(u.id) for u in gone]
        if commands:
            role.write({"users": commands})
        if gone:
            gone._kpa_sync_member_role()

    def _kpa_sync_member_role(self):
        """The member role follows membership: it goes from these users when
        they have no open membership (candidacy or current membership) left,
        unless a role of theirs includes it (coordinators, network
        managers)."""
        users = self.sudo().exists()
        role = self.env.ref(MEMBER_GROUP).sudo()
        coordinator = self.env.ref(COORDINATOR_GROUP)
        holders = users.filtered(
            lambda u: role in u.groups_id and coordinator not in u.groups_id
        )
        if not holders:
            return
        open_partners = (
            self.env["kpa.membership"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", holders.partner_id.ids),
                    ("is_open", "=", True),
                ]
            )
            .partner_id
        )
        leavers = holders.filtered(lambda u: u.partner_id not in open_partners)
        if leavers:
            role.write({"users": [Command.unlink(u.id) for u in leavers]})
