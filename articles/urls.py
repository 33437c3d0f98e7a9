"""Public site URLs (placeholder until the reader website lands)."""

from django.urls import path
from django.views.generic import RedirectView

app_name = "articles"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
    path("articles/<str:slug>/", RedirectView.as_view(url="/admin/"), name="article"),
    path("entities/<int:pk>/", RedirectView.as_view(url="/admin/"), name="entity"),
    path("sources/<int:pk>/", RedirectView.as_view(url="/admin/"), name="source"),
    path("claims/<int:pk>/", RedirectView.as_view(url="/admin/"), name="claim"),
]
