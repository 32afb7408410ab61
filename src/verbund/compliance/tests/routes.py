"""Who may use the compliance API: declarations for the role matrix (core.testing)."""

from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from verbund.compliance.actions import do_confirm_hit, do_import_list, do_screen_parties
from verbund.compliance.models import Hit, OwnershipFlag
from verbund.compliance.tests import fixtures
from verbund.compliance.uploads import do_queue_list_upload
from verbund.core.testing import COMPLIANCE, EVERYONE, FORM_OK, Page, Route, World
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship

ROUTES = [
    Route("compliance-list-list", allowed=COMPLIANCE),
    Route("compliance-list-detail", allowed=COMPLIANCE, kwargs={"pk": "list"}),
    Route(
        "compliance-list-import-list",
        "post",
        COMPLIANCE,
        body=lambda w: {
            "format": "un-xml",
            "files": [SimpleUploadedFile("un.xml", fixtures.UN_XML)],
        },
        format="multipart",
        ok=(202,),  # queued as a background job (#22 walk, point 9)
    ),
    Route("compliance-upload-list", allowed=COMPLIANCE),
    Route("compliance-upload-detail", allowed=COMPLIANCE, kwargs={"pk": "upload"}),
    Route("compliance-hit-list", allowed=COMPLIANCE),
    Route("compliance-hit-detail", allowed=COMPLIANCE, kwargs={"pk": "hit"}),
    Route(
        "compliance-hit-confirm",
        "post",
        COMPLIANCE,
        kwargs={"pk": "hit"},
        body=lambda w: {"reason": "gleiche Bank"},
    ),
    Route(
        "compliance-hit-dismiss",
        "post",
        COMPLIANCE,
        kwargs={"pk": "hit"},
        body=lambda w: {"reason": "andere Bank"},
    ),
    Route("compliance-run-list", allowed=COMPLIANCE),
    Route("compliance-run-list", "post", COMPLIANCE, ok=(202,)),
    Route("compliance-run-detail", allowed=COMPLIANCE, kwargs={"pk": "run"}),
    Route("compliance-run-findings", allowed=COMPLIANCE, kwargs={"pk": "run"}),
    Route("compliance-run-report-csv", allowed=COMPLIANCE, kwargs={"pk": "run"}),
    Route("compliance-run-report-pdf", allowed=COMPLIANCE, kwargs={"pk": "run"}),
    # Everyone sees that a party is blocked through its owners (the badge), not the hits.
    Route("compliance-ownership-list", allowed=EVERYONE),
    Route("compliance-ownership-detail", allowed=EVERYONE, kwargs={"pk": "flag"}),
    Route("compliance-screen-party", "post", COMPLIANCE, kwargs={"party_id": "party"}),
]


def world() -> World:
    from verbund.compliance import screening

    screening.forget_index()
    lst = do_import_list(
        "ofac-csv",
        [
            ("sdn.csv", fixtures.OFAC_SDN),
            ("alt.csv", fixtures.OFAC_ALT),
            ("add.csv", fixtures.OFAC_ADD),
        ],
        actor=None,
    ).list
    bank = do_create_party(actor=None, name="Banco Nacional de Cuba")
    airline = do_create_party(actor=None, name="Aerocaribbean Airlines")
    owned = do_create_party(actor=None, name="Karibik Handel GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=owned, to_party=airline, share=Decimal("60")
    )
    run = do_screen_parties(actor=None, party_ids=[bank.pk, airline.pk])
    reviewer = User.objects.create_user("world-reviewer")
    reviewer.groups.add(Group.objects.get(name="compliance"))
    for hit in Hit.objects.filter(party=airline):
        do_confirm_hit(hit, actor=reviewer)
    return {
        "list": lst.pk,
        "hit": Hit.objects.filter(party=bank).order_by("id").first().pk,  # type: ignore[union-attr]
        "run": run.pk,
        "flag": OwnershipFlag.objects.filter(party=owned).first().pk,  # type: ignore[union-attr]
        "party": bank.pk,
        "upload": do_queue_list_upload("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN)], actor=None).pk,
    }


ROUTES += [
    Page("compliance:queue", allowed=COMPLIANCE),
    Page("compliance:hit", allowed=COMPLIANCE, kwargs={"pk": "hit"}),
    Page(
        "compliance:review",
        "post",
        COMPLIANCE,
        kwargs=lambda w: {"pk": w["hit"], "decision": "dismiss"},
        body=lambda w: {"reason": "andere Bank"},
        ok=FORM_OK,
    ),
    Page("compliance:lists", allowed=COMPLIANCE),
    Page("compliance:lists", "post", COMPLIANCE, body=lambda w: {"format": "un-xml"}, ok=FORM_OK),
    Page("compliance:list", allowed=COMPLIANCE, kwargs={"pk": "list"}),
    Page("compliance:upload", allowed=COMPLIANCE, kwargs={"pk": "upload"}),
    Page("compliance:runs", allowed=COMPLIANCE),
    Page("compliance:runs", "post", COMPLIANCE, ok=FORM_OK),
    Page("compliance:run", allowed=COMPLIANCE, kwargs={"pk": "run"}),
    Page(
        "compliance:report",
        allowed=COMPLIANCE,
        kwargs=lambda w: {"pk": w["run"], "fmt": "csv"},
        variant="csv",
    ),
    Page(
        "compliance:report",
        allowed=COMPLIANCE,
        kwargs=lambda w: {"pk": w["run"], "fmt": "pdf"},
        variant="pdf",
    ),
    # The party's screening page: its ownership flags for everyone (the API's ownership list),
    # its hits only for compliance.
    Page("compliance:party", kwargs={"pk": "party"}),
]
