from django.urls import path

from verbund.followups import views

urlpatterns = [
    path("follow-ups/", views.follow_up_list, name="follow-up-page"),
    path("follow-ups/reminder-mail/", views.reminder_mail, name="follow-up-reminder-mail"),
    path(
        "parties/<int:party_id>/follow-ups/new/",
        views.follow_up_create,
        name="follow-up-create",
    ),
    path("follow-ups/<int:follow_up_id>/edit/", views.follow_up_edit, name="follow-up-edit"),
    path(
        "follow-ups/<int:follow_up_id>/complete/",
        views.follow_up_complete,
        name="follow-up-done",
    ),
    path(
        "follow-ups/<int:follow_up_id>/reopen/",
        views.follow_up_reopen,
        name="follow-up-undone",
    ),
    path("follow-ups/<int:follow_up_id>/delete/", views.follow_up_delete, name="follow-up-delete"),
]
