from datetime import timedelta

import babel.dates

from odoo import api, models
from odoo.tools import date_utils
from odoo.tools.misc import babel_locale_parse, format_date, get_lang


class KpaAccountsPeriod(models.AbstractModel):
    """The periods the accounts are published for: their end, their label,
    and the period that has just ended for a cooperative."""

    _name = "kpa.accounts.period"
    _description = "Periods of the open accounts"

    @api.model
    def _end(self, period_type, date_from, company, date_to=None):
        """The last day of the period of that type starting on ``date_from``
        (a custom period keeps ``date_to``, or ends with the month)."""
        if period_type == "month":
            return date_utils.end_of(date_from, "month")
        if period_type == "quarter":
            return date_utils.end_of(date_from, "quarter")
        if period_type == "year":
            return company.compute_fiscalyear_dates(date_from)["date_to"]
        return date_to or date_utils.end_of(date_from, "month")

    @api.model
    def _label(self, date_from, date_to):
        return self._labeler()(date_from, date_to)

    @api.model
    def _labeler(self):
        """A function (date_from, date_to) -> the period's label in the
        context's language ("March 2025", "Q1 2025", "2025" or a range), that
        labels many periods quickly (a public page lists a hundred)."""
        locale = babel_locale_parse(get_lang(self.env).code)
        months = babel.dates.get_month_names("wide", "stand-alone", locale)

        def label(date_from, date_to):
            if not date_from or not date_to:
                return ""
            if date_from.day == 1:
                if date_to == date_utils.end_of(date_from, "month"):
                    month = months[date_from.month]
                    return f"{month[:1].upper()}{month[1:]} {date_from.year}"
                if date_from == date_utils.start_of(
                    date_from, "quarter"
                ) and date_to == date_utils.end_of(date_from, "quarter"):
                    return self.env._(
                        "Q%(quarter)s %(year)s",
                        quarter=date_utils.get_quarter_number(date_from),
                        year=date_from.year,
                    )
                if date_from.month == 1 and date_to == date_utils.end_of(
                    date_from, "year"
                ):
                    return str(date_from.year)
            return self.env._(
                "%(date_from)s – %(date_to)s",
                date_from=format_date(self.env, date_from),
                date_to=format_date(self.env, date_to),
            )

        return label

    @api.model
    def _ended_period(self, cooperative, today):
        """(period type, start, end) of the cooperative's period that ended
        most recently, when today falls in the month after it; else None."""
        last_month_end = date_utils.start_of(today, "month") - timedelta(days=1)
        kind = cooperative.accounts_period or "month"
        if kind == "month":
            return (
                "month",
                date_utils.start_of(last_month_end, "month"),
                last_month_end,
            )
        if kind == "quarter":
            if last_month_end != date_utils.end_of(last_month_end, "quarter"):
                return None
            return (
                "quarter",
                date_utils.start_of(last_month_end, "quarter"),
                last_month_end,
            )
        fiscal_year = cooperative.company_id.compute_fiscalyear_dates(last_month_end)
        if fiscal_year["date_to"] != last_month_end:
            return None
        return ("year", fiscal_year["date_from"], fiscal_year["date_to"])
