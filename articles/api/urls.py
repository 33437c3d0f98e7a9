"""API URLs, under /api/ (archive/urls.py): v1 of the API, its OpenAPI schema and docs.

    /api/v1/articles/ entities/ claims/ sources/   lists and {id}/ details
    /api/v1/entities/{id}/merge/                    POST, editors
    /api/v1/export/                                 the whole archive as JSON Lines
    /api/schema/  /api/docs/                        OpenAPI 3, Swagger UI (local assets)
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.APIRootView = views.RootView
router.include_format_suffixes = False  # one address per resource; ?format=json still works
router.register("articles", views.ArticleViewSet, basename="article")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    path("v1/export/", views.ExportView.as_view(), name="export"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", views.NotFoundView.as_view()),
]
