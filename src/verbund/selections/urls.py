"""UI routes of selections: the list, saving the party list's filters, a selection, its count,
exports and deletion; the white space of a group counted for the customer file."""

from django.urls import path

from verbund.selections import change_views, views

urlpatterns = [
    path("selections/", views.selection_list, name="selection-list"),
    path("selections/new/", views.selection_create, name="selection-create"),
    path("selections/<int:selection_id>/", views.selection_detail, name="selection-detail"),
    path("selections/<int:selection_id>/count/", views.selection_count, name="selection-count"),
    path(
        "selections/<int:selection_id>/export/<str:fmt>/",
        views.selection_export,
        name="selection-export",
    ),
    path("selections/<int:selection_id>/delete/", views.selection_delete, name="selection-delete"),
    path(
        "selections/<int:selection_id>/change/",
        change_views.selection_change,
        name="selection-change",
    ),
    path(
        "selections/change-runs/<int:run_id>/",
        change_views.selection_change_run,
        name="selection-change-run",
    ),
    path(
        "selections/white-space/<int:party_id>/<str:type_key>/",
        views.white_space_count,
        name="selection-white-space",
    ),
]
