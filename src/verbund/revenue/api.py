"""REST API for revenue.

- ``GET /api/v1/parties/{id}/revenue/?from=YYYY-MM&to=YYYY-MM&scope=own|group|subtree|association
  &type=KEY&structure=current|historic&breakdown=N``: totals, months, quarters, years, members.
- ``GET /api/v1/revenue/top-groups/?type=KEY&year=YYYY&limit=N``: the largest groups.
- ``POST /api/v1/revenue/months/``: record (or correct) one monthly figure.
- ``POST /api/v1/parties/{id}/main-address/``: set, change or clear the main address.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from verbund.core.errors import renamed
from verbund.core.schema import conflict_fields, integer
from verbund.core.serializers import StrictFieldsMixin, stored_length
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party
from verbund.relationships.rules import RELINK_PERMISSIONS
from verbund.revenue import actions, analysis, rules, selectors
from verbund.revenue.models import RevenueMonth, RevenueSource
from verbund.revenue.periods import MONTH_PATTERN, YEAR_MAX, YEAR_MIN

READ = rules.READ_PERMISSION
WRITE = "revenue.add_revenuemonth"


# A whole year, as periods.parse_month and the period parameters accept it.
YEAR = integer(YEAR_MIN, YEAR_MAX)
# The most groups one request of top-groups lists.
TOP_GROUPS_MAX = 10_000

PARAMS = [
    OpenApiParameter("from", str, pattern=MONTH_PATTERN, description="YYYY-MM"),
    OpenApiParameter("to", str, pattern=MONTH_PATTERN, description="YYYY-MM"),
    OpenApiParameter("year", YEAR),
    # The keys and what each means: a refusal names the choices as people read them
    # (decision 0053), the schema says which key stands for which.
    OpenApiParameter(
        "scope",
        str,
        enum=list(selectors.SCOPES),
        description="own: this party only; group: the whole group (its ultimate parent's "
        "tree along type); subtree: this party and everything below it; association: settled "
        "through this party",
    ),
    OpenApiParameter(
        "type", str, description="hierarchy type key that rolls up revenue (default group)"
    ),
    OpenApiParameter(
        "structure",
        str,
        enum=list(selectors.STRUCTURES),
        description="current: today's structure for every month; historic: each month's own",
    ),
    OpenApiParameter(
        "breakdown",
        integer(0, selectors.BREAKDOWN_MAX),
        description="members listed, largest first (0: none)",
    ),
]


class PartyRevenueView(APIView):
    """A party's revenue: own, its group or subtree along a hierarchy type, or its association."""

    required_permission = READ

    @extend_schema(parameters=PARAMS, responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        return Response(selectors.figures_from_params(party, request.query_params).as_dict())


class TopGroupsView(APIView):
    """The largest groups by revenue for a period over the whole database (today's structure)."""

    required_permission = READ

    @extend_schema(
        parameters=[
            *PARAMS[:3],
            PARAMS[4],
            OpenApiParameter("limit", integer(1, TOP_GROUPS_MAX)),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        rtype = selectors.hierarchy_type(request.query_params.get("type") or "group")
        period = selectors.period_from_params(request.query_params)
        limit = selectors.int_param(request.query_params, "limit", 100, 1, TOP_GROUPS_MAX) or 100
        rows = selectors.top_groups(rtype, period, limit=limit)
        return Response(
            {
                "type": rtype.key,
                "from": f"{period.first:%Y-%m}",
                "to": f"{period.last:%Y-%m}",
                "groups": [
                    {
                        "party": g.party_id,
                        "number": g.number,
                        "name": g.name,
                        "amount": g.amount,
                        "cents": g.cents,
                    }
                    for g in rows
                ],
            }
        )


TOP_PARAMS = [
    OpenApiParameter(
        "kind",
        str,
        enum=list(analysis.KINDS),
        description="what is ranked: group (groups), chain (chains) or association "
        "(associations); default group",
    ),
    OpenApiParameter(
        "from",
        str,
        pattern=MONTH_PATTERN,
        description="first month, YYYY-MM (default January this year)",
    ),
    OpenApiParameter(
        "to",
        str,
        pattern=MONTH_PATTERN,
        description="last month, YYYY-MM (default December of from's year); a period reaching "
        "into the current month is compared up to the last complete month (see compare)",
    ),
    OpenApiParameter("year", YEAR, description="a whole year (instead of from/to)"),
    OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="a quarter of year"),
    OpenApiParameter(
        "compare",
        str,
        enum=list(analysis.COMPARES),
        description="the period compared with: the same months a year before. A period "
        "that reaches into the current month or beyond is cut, in both years, at the last "
        "complete month (on 2026-12-07 the year 2026 is 2026-01 to 2026-11 against 2025-01 to "
        "2025-11); a past period is compared whole. The answer's from/to and "
        "previous_from/previous_to name the months compared",
    ),
    OpenApiParameter(
        "mode",
        str,
        enum=list(analysis.MODES),
        description="current: today's structure for every month; historic: each month's own",
    ),
    OpenApiParameter(
        "limit",
        integer(1, analysis.MAX_LIMIT),
        description=f"rows returned, 1-{analysis.MAX_LIMIT} (default {analysis.DEFAULT_LIMIT})",
    ),
    OpenApiParameter(
        "head", integer(1, analysis.HEAD_MAX), description="a head's id: rank its members instead"
    ),
]


class RankRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    party = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    amount = serializers.CharField(help_text="EUR, the months compared (from to to)")
    cents = serializers.IntegerField()
    previous_amount = serializers.CharField(
        help_text="EUR, the same months a year before (previous_from to previous_to)"
    )
    previous_cents = serializers.IntegerField()
    change_amount = serializers.CharField()
    change_cents = serializers.IntegerField()
    change_percent = serializers.CharField(
        allow_null=True, help_text="one decimal; null without positive revenue to compare with"
    )
    share_percent = serializers.CharField(allow_null=True, help_text="of the period's total")
    abc = serializers.ChoiceField(choices=["A", "B", "C"])
    member_count = serializers.IntegerField()


class RankingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(analysis.KINDS))
    mode = serializers.ChoiceField(choices=list(analysis.MODES))
    compare = serializers.ChoiceField(choices=list(analysis.COMPARES))
    to = serializers.CharField(
        help_text="YYYY-MM, the last month compared: the last month asked for, or the last "
        "complete month where the period asked for reaches into the current month or beyond"
    )
    previous_from = serializers.CharField(help_text="YYYY-MM, from a year before")
    previous_to = serializers.CharField(help_text="YYYY-MM, to a year before")
    currency = serializers.CharField()
    count = serializers.IntegerField(help_text="entries ranked (rows holds the first limit)")
    total = serializers.CharField()
    total_cents = serializers.IntegerField()
    previous_total = serializers.CharField()
    previous_total_cents = serializers.IntegerField()
    change_percent = serializers.CharField(allow_null=True)
    head = RankRowSerializer(allow_null=True)
    rows = RankRowSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        # "from" is a Python keyword: declared here under its name.
        fields["from"] = serializers.CharField(help_text="YYYY-MM, the first month compared")
        return fields


class RevenueTopView(APIView):
    """Groups, chains or associations ranked by revenue for a period, against the same months a
    year before, with change, ABC class and member count; by today's structure or each month's.
    A period reaching into the current month is compared up to the last complete month, in
    both years (``from``/``to`` of the answer say which months). With ``head``: that head's
    members ranked the same way (the overview's drill-down)."""

    required_permission = READ

    @extend_schema(parameters=TOP_PARAMS, responses={200: RankingSerializer})
    def get(self, request: Request) -> Response:
        return Response(analysis.ranking_from_params(request.query_params).as_dict())


# Longer than any id, party number or SOURCE:EXTERNAL_ID; a longer reference names no party.
PARTY_REF_MAX_LENGTH = 200


class RevenueMonthSerializer(StrictFieldsMixin, serializers.Serializer):
    party = serializers.CharField(
        help_text="id, number or SOURCE:EXTERNAL_ID", max_length=PARTY_REF_MAX_LENGTH
    )
    month = serializers.CharField(help_text="YYYY-MM", max_length=10)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.CharField(
        required=False, default="EUR", max_length=stored_length(RevenueMonth, "currency")
    )
    settled_by = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        max_length=PARTY_REF_MAX_LENGTH,
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=RevenueSource.choices, required=False, default=RevenueSource.ERP
    )
    reference = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=stored_length(RevenueMonth, "reference"),
    )
    # The form periods.parse_month reads (core.schema.StrictRequestSchema).
    request_schema = {"properties": {"month": {"pattern": MONTH_PATTERN}}}


def _party_ref(value: str, field: str) -> Party:
    try:
        return resolve_party(str(value))
    except (Party.DoesNotExist, ValidationError, ValueError):
        raise ValidationError({field: [_("No party %(ref)s.") % {"ref": value}]}) from None


class RevenueMonthView(APIView):
    """Record or correct one party's revenue for one month (same key replaces)."""

    required_permission = READ
    write_permission = WRITE

    @extend_schema(request=RevenueMonthSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        body = RevenueMonthSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        party = _party_ref(data["party"], "party")
        settled = _party_ref(data["settled_by"], "settled_by") if data.get("settled_by") else None
        row = actions.do_record_revenue(
            actor=request.user,
            party=party,
            month=data["month"],
            amount=data["amount"],
            currency=data["currency"],
            settled_by=settled,
            source=data["source"],
            reference=data["reference"],
        )
        return Response(
            {
                "id": row.pk,
                "party": row.party_id,
                "month": f"{row.month:%Y-%m}",
                "amount": selectors.cents_str(row.amount_cents),
                "currency": row.currency,
                "amount_original": str(row.amount_original),
                "settled_by": row.settled_by_id,
            },
            status=status.HTTP_201_CREATED,
        )


class MainAddressSerializer(StrictFieldsMixin, serializers.Serializer):
    main = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        max_length=PARTY_REF_MAX_LENGTH,
        help_text="settlement party (id, number, SOURCE:ID); null clears",
    )
    on = serializers.DateField(required=False, allow_null=True, default=None)


class MainAddressAnswerSerializer(serializers.Serializer):
    party = serializers.IntegerField()
    main = serializers.IntegerField(allow_null=True, help_text="the settlement party's id")
    since = serializers.DateField(allow_null=True)


# The settlement link's fields as the request names them.
MAIN_ADDRESS_FIELDS = {"to_party": "main", "valid_from": "on"}
# Stored settlement links refuse the new main address (decision 0038, revision 2).
MAIN_ADDRESS_CONFLICT = OpenApiResponse(
    response=conflict_fields("main", "on"),
    description="Stored settlement links refuse the main address: `main` when the party would "
    "have a second one at some date or the settlement would close a cycle (the message names "
    "the path); `on` when the same link is stored over some of the new link's days. The same "
    "body as a 400's.",
)


class MainAddressView(APIView):
    """The party's main address (settlement party): read, or set / change / clear from a date."""

    required_permission = READ
    write_permission = RELINK_PERMISSIONS

    @extend_schema(responses=MainAddressAnswerSerializer)
    def get(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        rel = actions.main_address_relationship(party)
        return Response(
            {
                "party": party.pk,
                "main": rel.to_party_id if rel else None,
                "since": rel.valid_from if rel else None,
            }
        )

    @extend_schema(
        request=MainAddressSerializer,
        responses={200: MainAddressAnswerSerializer, 409: MAIN_ADDRESS_CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        party = get_object_or_404(Party, pk=pk)
        body = MainAddressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ref = body.validated_data["main"]
        main = _party_ref(ref, "main") if ref else None
        on: dt.date | None = body.validated_data["on"]
        try:
            rel = actions.do_set_main_address(party, main, actor=request.user, on=on)
        except ValidationError as exc:
            # The action names the settlement link's fields; the caller sent ``main``, ``on``.
            raise renamed(exc, MAIN_ADDRESS_FIELDS) from None
        return Response(
            {
                "party": party.pk,
                "main": rel.to_party_id if rel else None,
                "since": rel.valid_from if rel else None,
            }
        )


urlpatterns = [
    path("parties/<id:pk>/revenue/", PartyRevenueView.as_view(), name="api-party-revenue"),
    path("parties/<id:pk>/main-address/", MainAddressView.as_view(), name="api-party-main-address"),
    path("revenue/top-groups/", TopGroupsView.as_view(), name="api-revenue-top-groups"),
    path("revenue/months/", RevenueMonthView.as_view(), name="api-revenue-months"),
    path("revenue/top/", RevenueTopView.as_view(), name="api-revenue-top"),
]
