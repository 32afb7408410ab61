"""UI routes of hierarchies: the tree of a party, its lazily loaded children, annotations and
exports."""

from django.urls import path

from verbund.hierarchies import chart_views, group_views, move_views, views

urlpatterns = [
    path("parties/<int:party_id>/hierarchy/", views.hierarchy_view, name="hierarchy"),
    path(
        "parties/<int:party_id>/hierarchy/children/",
        views.hierarchy_children,
        name="hierarchy-children",
    ),
    # The group as an org chart (#17.2) and its SVG download.
    path(
        "parties/<int:party_id>/hierarchy/chart/",
        chart_views.hierarchy_chart,
        name="hierarchy-chart",
    ),
    path(
        "parties/<int:party_id>/hierarchy/chart.svg",
        chart_views.hierarchy_chart_svg,
        name="hierarchy-chart-svg",
    ),
    path(
        "parties/<int:party_id>/hierarchy/export.<str:fmt>",
        views.hierarchy_export,
        name="hierarchy-export",
    ),
    path(
        "parties/<int:party_id>/hierarchy/move/",
        move_views.hierarchy_move,
        name="hierarchy-move",
    ),
    path("hierarchy/annotations/", views.hierarchy_annotations, name="hierarchy-annotations"),
    # The group section on the file (#17).
    path(
        "parties/<int:party_id>/group/contacts/", group_views.group_contacts, name="group-contacts"
    ),
    path(
        "parties/<int:party_id>/hierarchy/changes/", group_views.group_changes, name="group-changes"
    ),
    path("parties/<int:party_id>/ownership/", group_views.group_ownership, name="ownership"),
    path(
        "parties/<int:party_id>/hierarchy/subscription/",
        group_views.group_subscription,
        name="group-subscription",
    ),
]
