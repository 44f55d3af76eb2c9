"""Top-level URL map: the admin, the dashboard, the REST API and the metrics endpoint."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from oltflow.metrics.views import metrics

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("oltflow.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("oltflow.web.urls")),
]
