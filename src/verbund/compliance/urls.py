from django.urls import path

from verbund.compliance import views

app_name = "compliance"

urlpatterns = [
    path("compliance/", views.queue, name="queue"),
    path("compliance/hits/<int:pk>/", views.hit_detail, name="hit"),
    path("compliance/hits/<int:pk>/<str:decision>/", views.hit_review, name="review"),
    path("compliance/lists/", views.lists, name="lists"),
    path("compliance/lists/<int:pk>/", views.list_detail, name="list"),
    path("compliance/lists/uploads/<int:pk>/", views.upload, name="upload"),
    path("compliance/runs/", views.runs, name="runs"),
    path("compliance/runs/<int:pk>/", views.run_detail, name="run"),
    path("compliance/runs/<int:pk>/report.<str:fmt>", views.run_report, name="report"),
    path("compliance/parties/<int:pk>/", views.party, name="party"),
]
