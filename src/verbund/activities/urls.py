from django.urls import path

from verbund.activities import group_views, views

urlpatterns = [
    path("parties/<int:party_id>/activities/new/", views.activity_create, name="activity-create"),
    path(
        "parties/<int:party_id>/activities/contacts/",
        views.contact_pick,
        name="activity-contact-pick",
    ),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:activity_id>/delete/", views.activity_delete, name="activity-delete"),
    # The group section on the file (#17).
    path(
        "parties/<int:party_id>/group/activities/",
        group_views.group_activities,
        name="group-activities",
    ),
    path("parties/<int:party_id>/group/members/", group_views.group_members, name="group-members"),
]
