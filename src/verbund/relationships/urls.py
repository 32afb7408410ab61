"""UI routes of relationships: add, correct, end and reopen on the customer file, a party's
full list of one type, and the relationship types."""

from django.urls import path

from verbund.relationships import type_views, views

urlpatterns = [
    path(
        "parties/<int:party_id>/relationships/new/",
        views.relationship_add,
        name="relationship-add",
    ),
    path(
        "parties/<int:party_id>/relationships/<slug:type_key>/",
        views.party_relationship_list,
        name="party-relationships",
    ),
    path(
        "relationships/<int:relationship_id>/end/",
        views.relationship_end,
        name="relationship-end",
    ),
    path(
        "relationships/<int:relationship_id>/correct/",
        views.relationship_correct,
        name="relationship-correct",
    ),
    path(
        "relationships/<int:relationship_id>/reopen/",
        views.relationship_reopen,
        name="relationship-reopen",
    ),
    path("relationship-types/", type_views.type_list, name="type-list"),
    path("relationship-types/new/", type_views.type_create, name="type-create"),
    path("relationship-types/<int:type_id>/edit/", type_views.type_edit, name="type-edit"),
    path("relationship-types/<int:type_id>/toggle/", type_views.type_toggle, name="type-toggle"),
]
