"""URL map: the public site, the admin, the API and its documentation, the health check."""

from django.contrib import admin
from django.urls import include, path

from .health import healthz

# Django's own 400 and 500 (before or around any view) answer the API in JSON too
handler400 = "articles.api.errors.bad_request"
handler500 = "articles.api.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # no slash: SECURE_REDIRECT_EXEMPT names it so
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("articles.api.urls")),
    path("", include("articles.urls")),
]
