"""Who may use the revenue API: declarations for the role matrix (core.testing)."""

from verbund.core.testing import WRITERS, Page, Route, World
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue

ROUTES = [
    Route("api-party-revenue", kwargs={"pk": "member"}, query={"year": "2025", "scope": "group"}),
    Route("api-party-main-address", kwargs={"pk": "member"}),
    Route(
        "api-party-main-address",
        "post",
        WRITERS,
        kwargs={"pk": "member"},
        body=lambda w: {"main": str(w["parent"])},
    ),
    Route("api-revenue-top-groups", query={"year": "2025"}),
    Route(
        "api-revenue-top",
        query={"kind": "group", "from": "2025-01", "to": "2025-12", "mode": "historic"},
    ),
    Route(
        "api-revenue-months",
        "post",
        WRITERS,
        body=lambda w: {"party": str(w["member"]), "month": "2025-03", "amount": "100.00"},
        ok=(201,),
    ),
]


def world() -> World:
    parent = do_create_party(actor=None, name="Mutter AG")
    member = do_create_party(actor=None, name="Tochter GmbH")
    do_create_relationship(actor=None, type="group", from_party=member, to_party=parent)
    do_record_revenue(actor=None, party=member, month="2025-01", amount="1000.00")
    return {"parent": parent.pk, "member": member.pk}


ROUTES += [
    Page("revenue-section", kwargs={"party_id": "member"}),
    Page("revenue-export", kwargs=lambda w: {"party_id": w["member"], "fmt": "csv"}, variant="csv"),
    Page(
        "revenue-export", kwargs=lambda w: {"party_id": w["member"], "fmt": "xlsx"}, variant="xlsx"
    ),
]

ROUTES += [
    Page("revenue-overview", query={"year": "2025"}),
    Page(
        "revenue-overview-export",
        kwargs=lambda w: {"fmt": "csv"},
        query={"year": "2025"},
        variant="csv",
    ),
    Page(
        "revenue-overview-export",
        kwargs=lambda w: {"fmt": "xlsx"},
        query={"year": "2025"},
        variant="xlsx",
    ),
    Page("revenue-drilldown", kwargs={"party_id": "parent"}, query={"year": "2025"}),
    Page(
        "revenue-drilldown-export",
        kwargs=lambda w: {"party_id": w["parent"], "fmt": "xlsx"},
        query={"year": "2025"},
        variant="xlsx",
    ),
    Page(
        "revenue-drilldown-export",
        kwargs=lambda w: {"party_id": w["parent"], "fmt": "csv"},
        query={"year": "2025"},
        variant="csv",
    ),
    Page("revenue-settlement", kwargs={"party_id": "parent"}, query={"year": "2025"}),
    Page(
        "revenue-settlement-export",
        kwargs=lambda w: {"party_id": w["parent"], "fmt": "csv"},
        query={"year": "2025"},
        variant="csv",
    ),
    Page(
        "revenue-settlement-export",
        kwargs=lambda w: {"party_id": w["parent"], "fmt": "xlsx"},
        query={"year": "2025"},
        variant="xlsx",
    ),
]
