from django.urls import path

from verbund.interfaces import views

urlpatterns = [
    path("imports/", views.import_page, name="import-page"),
    path("imports/<int:run_id>/", views.run_detail, name="import-run"),
    path("imports/<int:run_id>/progress/", views.run_progress, name="import-run-progress"),
    path("imports/<int:run_id>/confirm/", views.run_confirm, name="import-run-confirm"),
]
