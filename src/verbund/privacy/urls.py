from django.urls import path

from verbund.privacy import views

urlpatterns = [
    path("privacy/parties/<int:party_id>/export/", views.export_page, name="privacy-export-page"),
    path(
        "privacy/parties/<int:party_id>/export.json", views.export_json, name="privacy-export-json"
    ),
    path(
        "privacy/parties/<int:party_id>/letter/", views.export_letter, name="privacy-export-letter"
    ),
    path("privacy/parties/<int:party_id>/erase/", views.erase_page, name="privacy-erase-page"),
    path("privacy/parties/<int:party_id>/hold/", views.hold_create, name="privacy-hold-page"),
    path(
        "privacy/parties/<int:party_id>/hold/lift/", views.hold_lift, name="privacy-hold-lift-page"
    ),
    path(
        "privacy/parties/<int:party_id>/consents/",
        views.consent_create,
        name="privacy-consent-page",
    ),
    path("privacy/advertising/", views.advertising, name="privacy-advertising"),
    path("privacy/advertising.csv", views.advertising_csv, name="privacy-advertising-csv"),
    path("privacy/log/", views.privacy_log, name="privacy-log"),
    path("privacy/retention/", views.retention, name="privacy-retention"),
    path("privacy/retention/apply/", views.retention_apply, name="privacy-retention-apply"),
    path(
        "privacy/retention/runs/<int:run_id>/",
        views.retention_run,
        name="privacy-retention-run",
    ),
]
