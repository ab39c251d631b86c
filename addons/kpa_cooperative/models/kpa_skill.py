from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError

# What is written on a skill held (the person never changes).
PARTNER_SKILL_FIELDS = frozenset({"skill_id", "level", "note"})
SKILL_LEVELS = [
    ("learning", "Learning"),
    ("practising", "Practising"),
    ("teaching", "Can teach"),
]


class KpaSkill(models.Model):
    _name = "kpa.skill"
    _description = "Skill (savoir-faire)"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    activity_id = fields.Many2one(
        "kpa.activity", string="Activity", ondelete="set null"
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    partner_skill_ids = fields.One2many(
        "kpa.partner.skill", "skill_id", string="People holding it"
    )
    holder_count = fields.Integer(compute="_compute_holder_counts", string="Holders")
    teacher_count = fields.Integer(compute="_compute_holder_counts", string="Can teach")

    _sql_constraints = [
        ("name_unique", "unique(name)", "This skill already exists."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kpa_check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._kpa_check_values(vals)
        refused = set(vals) - self._kpa_writable_fields()
        if refused and not self.env.su:
            raise AccessError(
                self.env._(
                    "Coordinators complete the catalogue of skills (name, "
                    "description, activity); archiving a skill is the network "
                    "managers'."
                )
            )
        return super().write(vals)

    def _kpa_writable_fields(self):
        """What the current user may write on a skill of the catalogue."""
        if self.env.user.has_group("kpa_cooperative.group_kpa_manager"):
            return set(self._fields)
        return {"name", "description", "activity_id"}

    def _compute_holder_counts(self):
        counts = defaultdict(int)
        # Network-wide counts, also for readers who see only part of the directory.
        for skill, level, count in (
            self.env["kpa.partner.skill"]
            .sudo()
            ._read_group(
                [("skill_id", "in", self.ids)], ["skill_id", "level"], ["__count"]
            )
        ):
            counts[skill.id, level] += count
        for skill in self:
            skill.holder_count = sum(
                counts[skill.id, level] for level, _label in SKILL_LEVELS
            )
            skill.teacher_count = counts[skill.id, "teaching"]

    def action_view_teachers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Who can teach %(skill)s", skill=self.name),
            "res_model": "kpa.partner.skill",
            "view_mode": "list,form",
            "domain": [("skill_id", "=", self.id)],
            "context": {"default_skill_id": self.id, "search_default_can_teach": 1},
        }


class KpaPartnerSkill(models.Model):
    _name = "kpa.partner.skill"
    _description = "Skill held by a person"
    _order = "skill_id, level desc, partner_id"
    _rec_names_search = ["partner_id", "skill_id"]

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, ondelete="cascade"
    )
    skill_id = fields.Many2one(
        "kpa.skill", string="Skill", required=True, index=True, ondelete="restrict"
    )
    activity_id = fields.Many2one(related="skill_id.activity_id", store=True)
    level = fields.Selection(SKILL_LEVELS, required=True, default="practising")
    can_teach = fields.Boolean(compute="_compute_can_teach", store=True)
    note = fields.Char()

    _sql_constraints = [
        (
            "partner_skill_unique",
            "unique(partner_id, skill_id)",
            "This person already holds this skill: change its level instead.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kpa_check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._kpa_check_values(vals)
        refused = set(vals) - PARTNER_SKILL_FIELDS
        if refused and not self.env.su:
            raise AccessError(
                self.env._(
                    "Of a skill held, only the skill, its level and the note "
                    "change; the person never does."
                )
            )
        return super().write(vals)

    @api.depends("level")
    def _compute_can_teach(self):
        for partner_skill in self:
            partner_skill.can_teach = partner_skill.level == "teaching"

    @api.depends("partner_id", "skill_id", "level")
    def _compute_display_name(self):
        for partner_skill in self:
            partner_skill.display_name = (
                f"{partner_skill.partner_id.name} · {partner_skill.skill_id.name} "
                f"({partner_skill._selection_label('level')})"
            )
