from django.urls import path

from verbund.quality import views

urlpatterns = [
    path("quality/", views.queue, name="quality-queue"),
    path("quality/runs/", views.start_run, name="quality-start-run"),
    path("quality/runs/<int:pk>/", views.run_detail, name="quality-run"),
    path("quality/similar/", views.similar, name="quality-similar"),
    path("quality/candidates/<int:candidate_id>/", views.candidate, name="quality-candidate"),
    path("quality/compare/<int:a>/<int:b>/", views.compare, name="quality-compare"),
    path("quality/compare/<int:a>/<int:b>/merge/", views.merge, name="quality-merge-do"),
    path(
        "quality/compare/<int:a>/<int:b>/not-duplicate/",
        views.not_duplicate,
        name="quality-not-duplicate",
    ),
    path("quality/compare/<int:a>/<int:b>/reopen/", views.reopen_pair, name="quality-reopen-pair"),
    path("quality/clusters/<int:number>/", views.cluster, name="quality-cluster"),
    path("quality/compare/", views.compare_cluster, name="quality-cluster-compare"),
    path("quality/compare/merge/", views.merge_cluster, name="quality-cluster-merge"),
    path("quality/merges/<int:merge_id>/", views.merge_detail, name="quality-merge"),
    path("quality/merges/<int:merge_id>/undo/", views.undo, name="quality-undo"),
]
