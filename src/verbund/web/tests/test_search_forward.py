"""A search for the number of a record merged away says where it went."""

import pytest

from verbund.quality.actions import do_merge

pytestmark = pytest.mark.django_db


def test_searching_a_merged_records_number_leads_to_the_record_it_was_merged_into(org, client_for):
    kept = org("Müller Bau GmbH")
    gone = org("Mueller Bau GmbH", erp_source="SAP", erp_id="4711")
    do_merge(gone, kept, actor=None)
    c = client_for("viewer")
    for query in (gone.number, "SAP:4711"):
        page = c.get("/", {"q": query}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        assert 'data-testid="search-forwarded"' in page, query
        assert f"Der Datensatz {query} wurde in" in page
        assert f'href="/parties/{kept.pk}/"' in page and f"({kept.number})" in page
    page = c.get("/", {"q": "999999"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'data-testid="search-forwarded"' not in page and "Nichts gefunden" in page
