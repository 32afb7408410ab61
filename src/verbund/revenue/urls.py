from django.urls import path

from verbund.revenue import views

urlpatterns = [
    path("parties/<int:party_id>/revenue/", views.revenue_section, name="revenue-section"),
    path(
        "parties/<int:party_id>/revenue/export.<str:fmt>",
        views.revenue_export,
        name="revenue-export",
    ),
]
