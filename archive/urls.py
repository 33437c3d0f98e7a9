"""URL map: the public site, the admin, the API and its documentation."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("articles.api.urls")),
    path("", include("articles.urls")),
]
