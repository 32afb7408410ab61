"""UI routes of parties: the list, the customer file (with its lazily loaded sections), create
and edit."""

from django.urls import path

from verbund.parties import tag_views, views

urlpatterns = [
    path("parties/", views.party_list, name="party-list"),
    path("parties/filters/", views.party_more_filters, name="party-more-filters"),
    path("parties/new/", views.party_create, name="party-create"),
    path("parties/<int:party_id>/", views.party_detail, name="party-detail"),
    path(
        "parties/<int:party_id>/sections/<slug:app>/",
        views.party_sections,
        name="party-sections",
    ),
    path("parties/<int:party_id>/edit/", views.party_edit, name="party-edit"),
    path("tags/", tag_views.tag_list, name="tag-list"),
    path("tags/<int:tag_id>/rename/", tag_views.tag_rename, name="tag-rename"),
    path("tags/<int:tag_id>/delete/", tag_views.tag_delete, name="tag-delete"),
]
