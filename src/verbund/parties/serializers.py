"""API representations of parties."""

from typing import Any

from django.core.validators import EmailValidator, MaxLengthValidator
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from verbund.core.countries import ISO_COUNTRIES
from verbund.core.schema import one_of
from verbund.core.serializers import RuleChoiceField, StrictFieldsMixin, rule_checked
from verbund.core.serializers_fast import FastReadMixin
from verbund.parties import rules
from verbund.parties.models import Party, PartyKind, PartyStatus, Tag


class PartyRefSerializer(FastReadMixin, serializers.ModelSerializer):
    """A party as others refer to it: id, number, name, city."""

    class Meta:
        model = Party
        fields = ["id", "number", "name", "city", "kind"]
        read_only_fields = fields


# Lists send these by the fifty: rendered by a plan made once (core.serializers_fast).
class PartySerializer(FastReadMixin, StrictFieldsMixin, serializers.ModelSerializer):
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    tag_names = serializers.ListField(
        child=serializers.CharField(max_length=64), write_only=True, required=False
    )
    number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    erp_key = serializers.CharField(read_only=True)
    merged_into: serializers.PrimaryKeyRelatedField[Party] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    # The action checks kind, status, e-mail and lengths with the rules' messages (the same as
    # an import's or the sync API's); the serializer only documents them.
    kind = RuleChoiceField(choices=PartyKind.choices, default=PartyKind.ORGANISATION)
    status = RuleChoiceField(choices=PartyStatus.choices, required=False)
    # The rules' checks as the request schema states them (core.schema.StrictRequestSchema):
    # the codes and forms they accept (in their normal form: upper case, no spaces; the LEI's
    # check digits are beyond a pattern), and rules.name_error: a name, or a person's last name.
    request_schema = {
        "properties": {
            "country": {"enum": sorted(ISO_COUNTRIES)},
            "vat_id": {"pattern": f"^$|{rules.VAT_ID_FORM.pattern}"},
            "lei": {"pattern": f"^$|{rules.LEI_FORM.pattern}"},
        },
        "anyOf": [
            {"required": ["name"], "properties": {"name": {"pattern": r"\S"}}},
            {
                "required": ["kind", "last_name"],
                "properties": {
                    "kind": one_of(PartyKind.PERSON.value),
                    "last_name": {"pattern": r"\S"},
                },
            },
        ],
    }

    class Meta:
        model = Party
        fields = [
            "id", "kind", "number", "name", "name2", "name3", "legal_form", "salutation", "title",
            "first_name", "last_name", "position", "organisation", "birth_date", "street", "postcode",
            "city", "country", "vat_id", "lei", "register_number", "phone", "email", "website", "status",
            "responsible", "tags", "tag_names", "archived", "erp_source", "erp_id", "erp_key",
            "merged_into", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "archived", "created_at", "updated_at"]
        # Uniqueness is checked by the actions module, with field-named messages.
        validators: list[Any] = []

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for name in ("erp_source", "erp_id"):
            # The key's uniqueness is the action's to check; NUL and lone surrogates stay
            # refused (PostgreSQL cannot store a NUL: it was a 500).
            rule_checked(fields[name], UniqueValidator)
        for name in set(rules.CHAR_LIMITS) | set(rules.FIELD_ERRORS):
            if name in fields:
                rule_checked(fields[name], MaxLengthValidator, EmailValidator)
        return fields
