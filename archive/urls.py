"""URL map: the public site, the admin, the API and its documentation."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
