"""The access matrix of kpa_open_accounts' models (issue 9): the host's
accountants prepare and publish the statements, which are then frozen. The
engine and the roles are kpa_cooperative's (tests/access_matrix.py)."""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.access_matrix import (
    HOST_OF,
    AccessMatrixCase,
    Call,
    Create,
    ModelSpec,
    Move,
    WriteTarget,
)

# What an accountant gives a draft statement; everything else comes from the
# books or from Publish.
DRAFT_STATEMENT = {"period_type", "date_from", "date_to", "supersedes_id"}


def reads_published(role, coop):
    """A published statement is public (and stays so when the cooperative
    closes): every user of its host reads it; nobody of another host through
    the API (the website shows it to everyone)."""
    return role.reaches(coop)


def reads_statement(role, subject):
    coop = subject.split()[-1]
    if subject.startswith("draft"):
        # A draft: the host's staff, the coordinators who check it and the
        # cooperative's members; no one of another host.
        return role.is_member(coop) or role.is_coordinator(coop) or role.is_staff(coop)
    return reads_published(role, coop)


@tagged("post_install", "-at_install", "kpa_http")
class TestAccessMatrixOpenAccounts(AccessMatrixCase):
    matrix_module = "kpa_open_accounts"

    @classmethod
    def _setup_matrix_records(cls):
        env = cls.env
        Publication = env["kpa.accounts.publication"].sudo()
        cls.published, cls.drafts = {}, {}
        for key in ("A", "B", "P"):
            coop = cls.coops[key]
            invoices = (
                env["account.move"]
                .with_company(coop.company_id)
                .create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": cls.people["B"].id,
                            "kpa_cooperative_id": coop.id,
                            "invoice_date": invoice_date,
                            "invoice_line_ids": [
                                Command.create(
                                    {"name": "Buffet", "quantity": 1, "price_unit": 200}
                                )
                            ],
                        }
                        for invoice_date in (date(2024, 11, 5), date(2024, 12, 5))
                    ]
                )
            )
            invoices.action_post()
            published, draft = Publication.create(
                [
                    {
                        "cooperative_id": coop.id,
                        "company_id": coop.company_id.id,
                        "period_type": "month",
                        "date_from": date(2024, 11, 1),
                    },
                    {
                        "cooperative_id": coop.id,
                        "company_id": coop.company_id.id,
                        "period_type": "month",
                        "date_from": date(2024, 12, 1),
                    },
                ]
            )
            published.action_publish()
            cls.published[key] = published.with_env(env)
            cls.drafts[key] = draft.with_env(env)

    def test_access_matrix(self):
        self._run_matrix()

    def test_fuzz_bad_inputs(self):
        self._run_fuzz()

    def test_closed_cooperative_accounts_stay_public(self):
        """A closed cooperative's published accounts stay public: a
        publication is a promise."""
        self.coops["A"].sudo().action_close()
        slug = self.coops["A"].slug
        self.assertEqual(
            self.url_open(f"/cooperatives/{slug}/accounts").status_code, 200
        )
        response = self.url_open(f"/cooperatives/{slug}/accounts.json")
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            self.published["A"].content_hash,
            [item["content_hash"] for item in response.json()["publications"]],
        )
        response = self.url_open(f"/cooperatives/{slug}/accounts.csv")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.published["A"].content_hash, response.text)
        network = self.url_open("/cooperatives/accounts.json").json()
        self.assertIn(
            slug, [item["cooperative"]["slug"] for item in network["cooperatives"]]
        )
        # Its page says it is closed.
        page = self.url_open(f"/cooperatives/{slug}/accounts").text
        self.assertIn("o_kpa_accounts_closed", page)

    def matrix_specs(self):
        return [self._spec_publication(), self._spec_line()]

    def _spec_publication(self):
        def record(subject):
            coop = subject.split()[-1]
            if subject.startswith("draft"):
                return lambda case, role: case.drafts[coop]
            return lambda case, role: case.published[coop]

        return ModelSpec(
            "kpa.accounts.publication",
            records={
                subject: record(subject)
                for subject in ("A", "B", "P", "draft A", "draft P")
            },
            read=reads_statement,
            # A published statement is never deleted; a draft is the host
            # accountants'.
            unlink=lambda role, subject: subject.startswith("draft")
            and role.is_accountant(subject.split()[-1]),
            creates=[
                *(
                    Create(
                        f"draft of {where} cooperative",
                        lambda case, role, where=where: {
                            "cooperative_id": case.coops[getattr(role, where)].id,
                            "company_id": case.coops[
                                getattr(role, where)
                            ].company_id.id,
                            "period_type": "month",
                            "date_from": "2024-10-01",
                        },
                        # The host's accountants prepare the statements; the
                        # coordinators check them (they read the drafts).
                        lambda role, where=where: role.is_accountant(
                            getattr(role, where)
                        ),
                    )
                    for where in ("home", "other", "foreign")
                ),
                # Published only by Publish, which freezes and hashes it.
                Create(
                    "published, of own cooperative",
                    lambda case, role: {
                        "cooperative_id": case.coops[role.home].id,
                        "company_id": case.coops[role.home].company_id.id,
                        "period_type": "month",
                        "date_from": "2024-09-01",
                        "state": "published",
                        "revenue": 1000000.0,
                        "content_hash": "0" * 64,
                    },
                    lambda role: False,
                ),
            ],
            writes=[
                WriteTarget(
                    "draft",
                    lambda case, role: case.drafts[role.home],
                    lambda role: DRAFT_STATEMENT
                    if role.is_accountant(role.home)
                    else set(),
                ),
                WriteTarget(
                    "published",
                    lambda case, role: case.published[role.home],
                    lambda role: set(),
                ),
            ],
            # A statement comes from the books of its host: it goes to another
            # cooperative of the same host only, by the accountants.
            moves={
                "cooperative_id": Move(
                    lambda role, destination: role.is_accountant(role.home)
                    and role.is_accountant(destination)
                    and HOST_OF[destination] == HOST_OF[role.home],
                    record=lambda case, role: case.drafts[role.home],
                )
            },
            values={
                "date_from": lambda case, record, role: "2024-12-02",
                "date_to": lambda case, record, role: "2024-12-30",
                "period_type": lambda case, record, role: "custom",
                "supersedes_id": lambda case, record, role: case.published[
                    role.home
                ].id,
                "company_id": lambda case, record, role: case.coops[
                    role.foreign
                ].company_id.id,
                "state": lambda case, record, role: "published"
                if record.state == "draft"
                else "draft",
                "content_hash": lambda case, record, role: "f" * 64,
                "published_content_hash": lambda case, record, role: "f" * 64,
                "content_json": lambda case, record, role: '{"revenue": "1.00"}',
                "superseded_by_id": lambda case, record, role: case.drafts[
                    role.home
                ].id,
            },
            calls=[
                Call(
                    "compute a draft of A",
                    lambda case, role: case.drafts["A"],
                    "action_compute",
                    lambda role: role.is_accountant("A"),
                    lambda case, publication: bool(publication.computed_date),
                ),
                Call(
                    "publish a draft of A",
                    lambda case, role: case.drafts["A"],
                    "action_publish",
                    lambda role: role.is_accountant("A"),
                    lambda case, publication: publication.state == "published",
                ),
                Call(
                    "prepare the correction of a statement of A",
                    lambda case, role: case.published["A"],
                    "action_supersede",
                    lambda role: role.is_accountant("A"),
                    lambda case, publication: bool(
                        case.env["kpa.accounts.publication"]
                        .sudo()
                        .search([("supersedes_id", "=", publication.id)])
                    ),
                ),
            ],
        )

    def _spec_line(self):
        return ModelSpec(
            "kpa.accounts.publication.line",
            records={
                key: (lambda case, role, key=key: case.published[key].line_ids[:1])
                for key in ("A", "B", "P")
            },
            read=reads_published,
            # The lines come from the books: nobody writes them.
            unlink=lambda role, coop: False,
            creates=[
                Create(
                    "in a draft of own cooperative",
                    lambda case, role: {
                        "publication_id": case.drafts[role.home].id,
                        "section": "revenue",
                        "category": "revenue.sales",
                        "label": "Invented revenue",
                        "amount": 1000000.0,
                    },
                    lambda role: False,
                )
            ],
            writes=[
                WriteTarget(
                    "published",
                    lambda case, role: case.published[role.home].line_ids[:1],
                    lambda role: set(),
                ),
                WriteTarget(
                    "draft",
                    lambda case, role: case.drafts[role.home].line_ids[:1],
                    lambda role: set(),
                ),
            ],
            values={
                "publication_id": lambda case, record, role: case.drafts[role.home].id,
                "section": lambda case, record, role: "expenses",
            },
        )
