from odoo import api, models


class Website(models.Model):
    _inherit = "website"

    def _kpa_published_cooperatives(self, limit=None):
        """The published cooperatives of this website's host structure, for its
        public pages. Visitors have no rights on cooperatives: the records are
        read with sudo, through this explicit published domain only."""
        self.ensure_one()
        return (
            self.env["kpa.cooperative"]
            .sudo()
            .search(
                [
                    ("is_published", "=", True),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=limit,
            )
        )

    def _kpa_latest_statements(self, limit=None):
        """The latest published statement of each published cooperative of
        this website, as the public pages show it (never a draft, never a
        superseded one): [{"cooperative", "publication"}], most recent first.
        """
        self.ensure_one()
        cooperatives_sudo = self._kpa_published_cooperatives()
        publications_sudo = (
            self.env["kpa.accounts.publication"]
            .sudo()
            .search_fetch(
                [
                    ("cooperative_id", "in", cooperatives_sudo.ids),
                    ("state", "=", "published"),
                ],
                [
                    "cooperative_id",
                    "date_from",
                    "date_to",
                    "period_label",
                    "published_on",
                    "revenue",
                    "expenses",
                    "host_fee",
                    "result",
                    "currency_id",
                ],
                order="date_to desc, published_date desc, id desc",
            )
        )
        latest = {}
        for publication in publications_sudo:
            latest.setdefault(publication.cooperative_id, publication)
        statements = [
            {"cooperative": cooperative, "publication": publication}
            for cooperative, publication in latest.items()
        ]
        return statements[:limit] if limit else statements

    @api.model
    def _kpa_describe_pages(self):
        """Describe the home and contact pages of every website for search
        engines, in every active language, instead of Odoo's example text."""
        descriptions = {
            "website.homepage": lambda env: env._(
                "KPA-Cité: open cooperatives in the heart of our neighbourhoods. "
                "Everyone puts their know-how to work, together."
            ),
            "website.contactus": lambda env: env._(
                "Write to the KPA-Cité network: a question, an idea, a cooperative "
                "to start."
            ),
        }
        views = (
            self.env["ir.ui.view"]
            .sudo()
            .with_context(active_test=False)
            .search([("key", "in", list(descriptions))])
        )
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for view in views:
            describe = descriptions[view.key]
            view.update_field_translations(
                "website_meta_description",
                {lang: describe(self.with_context(lang=lang).env) for lang in langs},
            )
