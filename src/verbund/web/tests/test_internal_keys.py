"""Pages show no internal key as bare text: where a user needs one (the key of a sanctions
list, typed into the list import and the command line), it is labelled as what it is."""

import re

import pytest
from django.urls import reverse

from verbund.compliance.actions import do_import_list
from verbund.compliance.tests import fixtures

pytestmark = pytest.mark.django_db


def text_of(body: str, testid: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", m).strip()
        for m in re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</span>', body, re.S)
    ]


def test_the_sanctions_lists_label_each_lists_key_as_its_key(client_for):
    version = do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT)], actor=None)  # fmt: skip
    c = client_for("compliance")
    lists = c.get(reverse("compliance:lists")).content.decode()
    assert text_of(lists, "list-key") == ["Listenschlüssel: ofac-sdn"]
    # The key appears nowhere else as text of the list's row (only in the labelled line).
    row = re.search(r'data-testid="lists".*?</table>', lists, re.S).group(0)
    assert re.sub(r"<[^>]+>", " ", row).count("ofac-sdn") == 1
    detail = c.get(reverse("compliance:list", args=[version.list_id])).content.decode()
    assert text_of(detail, "list-key") == ["Listenschlüssel: ofac-sdn"]
    english = c.get(reverse("compliance:lists"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert text_of(english, "list-key") == ["List key: ofac-sdn"]
