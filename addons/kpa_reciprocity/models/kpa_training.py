from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.kpa_cooperative.models.kpa_skill import SKILL_LEVELS

from .kpa_contribution import check_writable_fields

LEVEL_RANK = {level: rank for rank, (level, _label) in enumerate(SKILL_LEVELS)}
# What the coordinators write as data (a positive list); its state is its
# buttons'.
TRAINING_FIELDS = {
    "name",
    "cooperative_id",
    "skill_id",
    "teacher_partner_id",
    "learner_partner_ids",
    "date",
    "hours",
    "level_reached",
    "description",
}


class KpaTraining(models.Model):
    _name = "kpa.training"
    _description = "Peer training session"
    _inherit = ["kpa.cooperative.mixin", "mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(string="Title", required=True, tracking=True)
    cooperative_id = fields.Many2one(string="Organised by")
    skill_id = fields.Many2one(
        "kpa.skill", string="Skill", required=True, tracking=True, ondelete="restrict"
    )
    teacher_partner_id = fields.Many2one(
        "res.partner",
        string="Teacher",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="A member of the network who can teach the skill.",
    )
    learner_partner_ids = fields.Many2many(
        "res.partner",
        "kpa_training_learner_rel",
        "training_id",
        "partner_id",
        string="Learners",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    hours = fields.Float(digits=(16, 2), required=True, default=2.0, tracking=True)
    level_reached = fields.Selection(
        SKILL_LEVELS,
        string="Level reached",
        required=True,
        default="learning",
        help="When the session is done, each learner holds the skill at least at "
        "this level (a higher level is kept).",
    )
    state = fields.Selection(
        [("draft", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    contribution_ids = fields.One2many(
        "kpa.contribution", "training_id", string="Contributions"
    )
    description = fields.Text()

    # === CONSTRAINT METHODS === #

    @api.constrains("hours")
    def _check_hours(self):
        for training in self:
            if training.hours <= 0:
                raise ValidationError(
                    self.env._(
                        "The training “%(training)s” needs a positive number of "
                        "hours.",
                        training=training.name,
                    )
                )

    @api.constrains("teacher_partner_id", "learner_partner_ids")
    def _check_teacher_not_learner(self):
        for training in self:
            if training.teacher_partner_id in training.learner_partner_ids:
                raise ValidationError(
                    self.env._(
                        "%(person)s teaches “%(training)s”: they cannot be one of its "
                        "learners too.",
                        person=training.teacher_partner_id.name,
                        training=training.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_writable_fields(self, vals, TRAINING_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        # A training recorded or cancelled stays in the ledger as it was.
        check_writable_fields(
            self,
            vals,
            TRAINING_FIELDS if not self.filtered(lambda t: t.state != "draft") else (),
        )
        return super().write(vals)

    # === ACTION METHODS === #

    def action_done(self):
        """Record the session: the teacher gives the hours to each learner, and
        the learners hold the skill at least at the level reached."""
        self.check_access("write")
        todo = self.filtered(lambda t: t.state == "draft")
        cancelled = self.filtered(lambda t: t.state == "cancelled")
        if cancelled:
            raise UserError(
                self.env._(
                    "The training “%(training)s” was cancelled.",
                    training=cancelled[0].name,
                )
            )
        todo._check_can_be_done()
        today = fields.Date.context_today(self)
        self.env["kpa.contribution"].sudo().create(
            [
                {
                    "name": self.env._(
                        "Training: %(training)s", training=training.name
                    ),
                    "cooperative_id": training.cooperative_id.id,
                    "giver_partner_id": training.teacher_partner_id.id,
                    "receiver_partner_id": learner.id,
                    "contribution_type": "skill",
                    "quantity": training.hours,
                    "date": training.date,
                    "training_id": training.id,
                    "state": "validated",
                    "validated_by_id": self.env.user.id,
                    "date_validated": today,
                }
                for training in todo
                for learner in training.learner_partner_ids
            ]
        )
        todo._raise_learner_levels()
        todo.sudo().write({"state": "done"})
        return True

    def action_cancel(self):
        self.check_access("write")
        done = self.filtered(lambda t: t.state == "done")
        if done:
            raise UserError(
                self.env._(
                    "The training “%(training)s” took place: it stays in the "
                    "reciprocity ledger.",
                    training=done[0].name,
                )
            )
        self.sudo().write({"state": "cancelled"})
        return True

    # === BUSINESS METHODS === #

    def _check_can_be_done(self):
        teachers = {
            (partner.id, skill.id)
            for partner, skill in self.env["kpa.partner.skill"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.teacher_partner_id.ids),
                    ("skill_id", "in", self.skill_id.ids),
                    ("level", "=", "teaching"),
                ],
                ["partner_id", "skill_id"],
            )
        }
        for training in self:
            if not training.learner_partner_ids:
                raise UserError(
                    self.env._(
                        "Add the learners of “%(training)s” before recording it.",
                        training=training.name,
                    )
                )
            if (training.teacher_partner_id.id, training.skill_id.id) not in teachers:
                raise UserError(
                    self.env._(
                        "%(person)s cannot teach %(skill)s yet: their skill level must "
                        "be “can teach”.",
                        person=training.teacher_partner_id.name,
                        skill=training.skill_id.name,
                    )
                )

    def _raise_learner_levels(self):
        PartnerSkill = self.env["kpa.partner.skill"].sudo()
        held = {
            (line.partner_id.id, line.skill_id.id): line
            for line in PartnerSkill.search(
                [
                    ("partner_id", "in", self.learner_partner_ids.ids),
                    ("skill_id", "in", self.skill_id.ids),
                ]
            )
        }
        to_raise, to_create = {}, {}
        for training in self:
            target = training.level_reached
            for learner in training.learner_partner_ids:
                key = (learner.id, training.skill_id.id)
                line = held.get(key)
                current = to_raise.get(line) or (line.level if line else None)
                current = to_create.get(key, {}).get("level", current)
                if current and LEVEL_RANK[current] >= LEVEL_RANK[target]:
                    continue
                if line:
                    to_raise[line] = target
                else:
                    to_create[key] = {
                        "partner_id": learner.id,
                        "skill_id": training.skill_id.id,
                        "level": target,
                    }
        for level in {level for level in to_raise.values()}:
            PartnerSkill.union(
                *(line for line, target in to_raise.items() if target == level)
            ).write({"level": level})
        PartnerSkill.create(list(to_create.values()))
