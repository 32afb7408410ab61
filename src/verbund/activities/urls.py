from django.urls import path

from verbund.activities import views

urlpatterns = [
    path("parties/<int:party_id>/activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity-edit"),
]
