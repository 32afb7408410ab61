"""The privacy API: access export, erasure, legal holds, consents and objections.

``GET parties/{id}/privacy-export/`` (Art. 15), ``POST parties/{id}/erase/`` with ``reason``
(Art. 17; 409 with the reason while a legal hold applies), ``POST parties/{id}/hold/`` with
``until`` and ``reason``, ``POST parties/{id}/hold/lift/`` with ``reason``, and
``GET|POST parties/{id}/consents/`` (channel, purpose, status, date, source).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from verbund.core.api import validation_error_detail
from verbund.core.permissions import RolePermission
from verbund.parties.models import Party
from verbund.privacy import actions
from verbund.privacy.models import Consent
from verbund.privacy.serializers import (
    ConsentSerializer,
    ErasureSerializer,
    HoldSerializer,
    ReasonSerializer,
)


def _party(party_id: int) -> Party:
    return get_object_or_404(Party, pk=party_id)


class PrivacyExportView(APIView):
    """Everything held about a person, as one JSON document (Art. 15 GDPR). Only a person or a
    sole trader is a data subject: for an organisation the answer is 400."""

    permission_classes = [RolePermission]
    required_permission = "privacy.export_personal_data"

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, party_id: int) -> Response:
        document = actions.do_export_party(_party(party_id), actor=request.user)
        return Response(document)


class EraseView(APIView):
    """Anonymise a person (Art. 17 GDPR); 409 while a legal hold applies."""

    permission_classes = [RolePermission]
    required_permission = "privacy.erase_personal_data"
    write_permission = "privacy.erase_personal_data"

    @extend_schema(request=ReasonSerializer, responses=ErasureSerializer)
    def post(self, request: Request, party_id: int) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party = _party(party_id)
        refusal = actions.erasure_refusal(party)
        if refusal:
            return Response({"non_field_errors": [refusal]}, status=status.HTTP_409_CONFLICT)
        plan = actions.do_erase_party(
            party, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(ErasureSerializer(plan.__dict__).data)


class HoldView(APIView):
    """Keep a party's data until a date (a legal hold); erasure is refused meanwhile.
    ``until`` is today or later."""

    permission_classes = [RolePermission]
    required_permission = "privacy.view_legalhold"
    write_permission = "privacy.add_legalhold"

    @extend_schema(request=HoldSerializer, responses={201: HoldSerializer})
    def post(self, request: Request, party_id: int) -> Response:
        data = HoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = actions.do_set_hold(_party(party_id), actor=request.user, **data.validated_data)
        return Response(
            {"until": hold.until.isoformat(), "reason": hold.reason}, status=status.HTTP_201_CREATED
        )


class LiftHoldView(APIView):
    """Lift a party's legal holds on purpose."""

    permission_classes = [RolePermission]
    required_permission = "privacy.view_legalhold"
    write_permission = "privacy.change_legalhold"

    @extend_schema(request=ReasonSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, party_id: int) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        n = actions.do_lift_hold(_party(party_id), actor=request.user, **data.validated_data)
        return Response({"lifted": n})


class ConsentsView(APIView):
    """A person's consents and objections per channel and purpose (all statements, newest
    first); POST records a new one, which is then in force. Only a person or a sole trader
    gives consent: for an organisation POST answers 400."""

    permission_classes = [RolePermission]
    required_permission = "privacy.view_consent"
    write_permission = "privacy.add_consent"

    @extend_schema(responses=ConsentSerializer(many=True))
    def get(self, request: Request, party_id: int) -> Response:
        party = _party(party_id)
        rows = Consent.objects.filter(party=party).order_by("-date", "-id")
        return Response(ConsentSerializer(rows, many=True).data)

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer})
    def post(self, request: Request, party_id: int) -> Response:
        party = _party(party_id)
        data = ConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            consent = actions.do_record_consent(party, actor=request.user, **data.validated_data)
        except ValidationError as exc:
            return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    """No viewsets: the routes below hang off a party."""


urlpatterns = [
    path(
        "parties/<id:party_id>/privacy-export/", PrivacyExportView.as_view(), name="privacy-export"
    ),
    path("parties/<id:party_id>/erase/", EraseView.as_view(), name="privacy-erase"),
    path("parties/<id:party_id>/hold/", HoldView.as_view(), name="privacy-hold"),
    path("parties/<id:party_id>/hold/lift/", LiftHoldView.as_view(), name="privacy-hold-lift"),
    path("parties/<id:party_id>/consents/", ConsentsView.as_view(), name="privacy-consents"),
]
