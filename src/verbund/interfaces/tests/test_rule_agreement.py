"""One rule, one message: every rule that an action and a bulk path both enforce refuses its
bad case with the same field and the same words through all four ways in.

For each rule the expected message is taken once, from the rule itself (``parties.rules``,
``relationships.rules``, ``hierarchies.rules``); the four answers come from the four real
paths: the action (ValidationError), the REST API (400 naming the field; 409 where stored data
refuses, decision 0038), the command line
import (``verbund import parties|relationships FILE``: row, field and message on stdout) and the
sync API (the ERP batch endpoint: field and reason per record). A message copied into one path
and changed there makes that path's test fail.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from verbund.core.errors import Conflict
from verbund.hierarchies import rules as hierarchy_rules
from verbund.interfaces.mapping import RELATIONSHIP_MODEL_FIELDS
from verbund.parties import rules as party_rules
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships import rules as relationship_rules
from verbund.relationships.actions import do_create_relationship, do_deactivate_relationship_type
from verbund.relationships.models import MIN_DATE, RelationshipType

pytestmark = pytest.mark.django_db

World = dict[str, Party]
PATHS = ["action", "api", "cli", "sync"]


@dataclass
class Case:
    """A rule's bad case. ``values``: the bad party or link in the import's field names (the
    action and the API get the same values under the model's names); ``expected``: the field
    (model name) and the rule's message."""

    name: str
    kind: str  # parties | relationships
    values: dict[str, str]
    expected: Callable[[World], tuple[str, str]]
    setup: Callable[[World], None] = lambda world: None
    # Paths that answer before the action does, with their own message (a known gap).
    gaps: dict[str, str] = field(default_factory=dict)
    # Stored data refuses it, not the request: the action's Conflict, the API's 409 (decision
    # 0038, revision 2); the bulk paths report it per row as any other.
    conflict: bool = False


def _type_name(key: str) -> str:
    return RelationshipType.objects.get(key=key).name


def _deactivate(key: str) -> Callable[[World], None]:
    def go(world: World) -> None:
        do_deactivate_relationship_type(RelationshipType.objects.get(key=key), actor=None)

    return go


def _link(child: str, parent: str) -> Callable[[World], None]:
    def go(world: World) -> None:
        do_create_relationship(
            actor=None, type="group", from_party=world[child], to_party=world[parent]
        )

    return go


CASES = [
    Case(
        "a person needs a last name",
        "parties",
        {"kind": "person", "first_name": "Erika"},
        lambda w: party_rules.name_error("person", "", "") or ("", ""),
    ),
    Case(
        "an organisation needs a name",
        "parties",
        {"city": "Köln"},
        lambda w: party_rules.name_error("organisation", "", "") or ("", ""),
    ),
    Case(
        "a country is an ISO code",
        "parties",
        {"name": "Alpha Neu AG", "country": "XX"},
        lambda w: ("country", party_rules.country_error("XX") or ""),
    ),
    Case(
        "a VAT id has a country prefix",
        "parties",
        {"name": "Alpha Neu AG", "vat_id": "12345"},
        lambda w: ("vat_id", party_rules.vat_id_error("12345") or ""),
    ),
    Case(
        "an LEI carries check digits",
        "parties",
        {"name": "Alpha Neu AG", "lei": "529900T8BM49AURSDO56"},
        lambda w: ("lei", party_rules.lei_error("529900T8BM49AURSDO56") or ""),
    ),
    Case(
        "an e-mail address is one",
        "parties",
        {"name": "Alpha Neu AG", "email": "nicht-erreichbar"},
        lambda w: ("email", party_rules.email_error("nicht-erreichbar") or ""),
    ),
    Case(
        "a text fits its column",
        "parties",
        {"name": "A" * 201},
        lambda w: ("name", party_rules.length_error("A" * 201, 200) or ""),
    ),
    Case(
        "a kind is organisation or person",
        "parties",
        {"name": "Alpha Neu AG", "kind": "roboter"},
        lambda w: ("kind", party_rules.kind_error("roboter") or ""),
    ),
    Case(
        "a status is a known one",
        "parties",
        {"name": "Alpha Neu AG", "status": "vip"},
        lambda w: ("status", party_rules.status_error("vip") or ""),
    ),
    Case(
        "a party is not related to itself",
        "relationships",
        {"type": "supplier", "from": "K1", "to": "K1"},
        lambda w: ("to_party", relationship_rules.self_link_error(1, 1) or ""),
    ),
    Case(
        "a link ends on or after its start",
        "relationships",
        {
            "type": "supplier",
            "from": "K1",
            "to": "K2",
            "valid_from": "2025-06-01",
            "valid_to": "2025-01-01",
        },
        lambda w: (
            "valid_to",
            relationship_rules.dates_error(dt.date(2025, 6, 1), dt.date(2025, 1, 1)) or "",
        ),
    ),
    Case(
        "a share is more than 0 and at most 100",
        "relationships",
        {"type": "group", "from": "K2", "to": "K1", "share": "150"},
        lambda w: ("share", relationship_rules.share_error(Decimal(150), True, "") or ""),
    ),
    Case(
        "only a type that carries shares takes one",
        "relationships",
        {"type": "supplier", "from": "K1", "to": "K2", "share": "50"},
        lambda w: (
            "share",
            relationship_rules.share_error(Decimal(50), False, _type_name("supplier")) or "",
        ),
    ),
    Case(
        "an inactive type takes no new links",
        "relationships",
        {"type": "consultant", "from": "K1", "to": "K2"},
        lambda w: (
            "type",
            relationship_rules.inactive_type_error(False, _type_name("consultant")) or "",
        ),
        setup=_deactivate("consultant"),
    ),
    Case(
        "a type key names a type",
        "relationships",
        {"type": "bekanntschaft", "from": "K1", "to": "K2"},
        lambda w: ("type", relationship_rules.unknown_type("bekanntschaft")),
    ),
    Case(
        "a side takes only the kind of party its type allows",
        "relationships",
        {"type": "supplier", "from": "P1", "to": "K1"},
        lambda w: (
            "from_party",
            relationship_rules.side_kind_error("organisation", "person", _type_name("supplier"))
            or "",
        ),
    ),
    Case(
        "a party has one parent at a time",
        "relationships",
        {"type": "group", "from": "K3", "to": "K2"},
        lambda w: (
            "to_party",
            hierarchy_rules.second_parent(
                "Gamma KG (K3)", _type_name("group"), None, None, "Alpha AG (K1)"
            ),
        ),
        setup=_link("K3", "K1"),
        conflict=True,
    ),
    Case(
        "a hierarchy never closes a cycle",
        "relationships",
        {"type": "group", "from": "K1", "to": "K2"},
        lambda w: (
            "to_party",
            hierarchy_rules.cycle(MIN_DATE, ["Alpha AG (K1)", "Beta GmbH (K2)", "Alpha AG (K1)"]),
        ),
        setup=_link("K2", "K1"),
        conflict=True,
    ),
]


@pytest.fixture
def world(db: Any) -> World:
    """Parties the cases refer to, as the ERP source ``erp`` knows them."""
    made = {
        key: do_create_party(actor=None, kind="organisation", name=name, erp_source="erp", erp_id=key)
        for key, name in (("K1", "Alpha AG"), ("K2", "Beta GmbH"), ("K3", "Gamma KG"))
    }  # fmt: skip
    made["P1"] = do_create_party(
        actor=None, kind="person", first_name="Erika", last_name="Muster", erp_source="erp",
        erp_id="P1",
    )  # fmt: skip
    return made


def _model_values(case: Case, world: World) -> dict[str, Any]:
    """The bad case under the names of the model's fields, parties as objects."""
    data: dict[str, Any] = {}
    for name, value in case.values.items():
        if name in RELATIONSHIP_MODEL_FIELDS:
            data[RELATIONSHIP_MODEL_FIELDS[name]] = world[value]
        else:
            data[name] = value
    return data


def _import_field(model_field: str) -> str:
    return {v: k for k, v in RELATIONSHIP_MODEL_FIELDS.items()}.get(model_field, model_field)


def via_action(case: Case, world: World, **_: Any) -> list[tuple[str, str]]:
    data = _model_values(case, world)
    with pytest.raises(ValidationError) as err:
        if case.kind == "parties":
            do_create_party(actor=None, **data)
        else:
            do_create_relationship(actor=None, **data)
    assert isinstance(err.value, Conflict) == case.conflict, err.value
    return [(f, m) for f, messages in err.value.message_dict.items() for m in messages]


def via_api(case: Case, world: World, api_for: Callable[[str], APIClient], **_: Any) -> list[tuple[str, str]]:  # fmt: skip
    body = {k: (v.pk if isinstance(v, Party) else v) for k, v in _model_values(case, world).items()}
    url = "/api/v1/parties/" if case.kind == "parties" else "/api/v1/relationships/"
    response = api_for("editor").post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == (409 if case.conflict else 400), response.content
    return [(f, m) for f, messages in response.json().items() for m in messages]


def via_cli(case: Case, world: World, tmp_path: Path, **_: Any) -> list[tuple[str, str]]:
    values = dict(case.values)
    if case.kind == "parties" and not {"name", "last_name"} & set(values):
        # A party file without a name column is refused as a whole (one error for the file):
        # the row rule is reached with the column there and the cell empty.
        values["last_name" if values.get("kind") == "person" else "name"] = ""
    header = ["id", *values] if case.kind == "parties" else list(values)
    row = ["N1", *values.values()] if case.kind == "parties" else list(values.values())
    path = tmp_path / "bad.csv"
    path.write_text(";".join(header) + "\n" + ";".join(row) + "\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", case.kind, str(path), verbosity=0, stdout=out, stderr=io.StringIO())
    found = []
    for line in out.getvalue().splitlines():
        # error: bad.csv, row 2, FIELD = 'VALUE': MESSAGE  (the value only when there is one)
        match = re.match(r"\s*error: bad\.csv, row 2, (\w+)(?: = '.*?')?: (.*)$", line)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def via_sync(case: Case, world: World, api_for: Callable[[str], APIClient], **_: Any) -> list[tuple[str, str]]:  # fmt: skip
    record = {"external_id": "N1", **case.values} if case.kind == "parties" else case.values
    response = api_for("steward").post(
        f"/api/v1/sync/{case.kind}",
        {"source": "erp", "records": [record]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    return [(e["field"], e["reason"]) for e in result["errors"]]


PATH_RUNNERS = {"action": via_action, "api": via_api, "cli": via_cli, "sync": via_sync}


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for path in PATHS:
            marks = []
            if path in case.gaps:
                marks.append(pytest.mark.xfail(strict=True, reason=case.gaps[path]))
            params.append(pytest.param(case, path, id=f"{case.name} / {path}", marks=marks))
    return params


@pytest.mark.parametrize(("case", "path"), _params())
def test_every_path_refuses_with_the_rules_field_and_message(
    case: Case,
    path: str,
    world: World,
    api_for: Callable[[str], APIClient],
    tmp_path: Path,
) -> None:
    case.setup(world)
    field_name, message = case.expected(world)
    assert message, "the bad case must break the rule"
    if path in ("cli", "sync"):
        field_name = _import_field(field_name)
    got = PATH_RUNNERS[path](case, world, api_for=api_for, tmp_path=tmp_path)
    assert (field_name, message) in got, got
