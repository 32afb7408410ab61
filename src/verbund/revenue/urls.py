from django.urls import path

from verbund.revenue import views

urlpatterns = [
    path("parties/<int:party_id>/revenue/", views.revenue_section, name="revenue-section"),
    path(
        "parties/<int:party_id>/revenue/export.<str:fmt>",
        views.revenue_export,
        name="revenue-export",
    ),
    path(
        "parties/<int:party_id>/settlement/",
        views.revenue_settlement,
        name="revenue-settlement",
    ),
    path(
        "parties/<int:party_id>/settlement/export.<str:fmt>",
        views.revenue_settlement_export,
        name="revenue-settlement-export",
    ),
    path("revenue/", views.revenue_overview, name="revenue-overview"),
    path("revenue/export.<str:fmt>", views.revenue_overview_export, name="revenue-overview-export"),
    path("revenue/heads/<int:party_id>/", views.revenue_drilldown, name="revenue-drilldown"),
    path(
        "revenue/heads/<int:party_id>/export.<str:fmt>",
        views.revenue_drilldown_export,
        name="revenue-drilldown-export",
    ),
]
