"""``/metrics``: the Prometheus text exposition of oltflow's collector."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from oltflow.metrics.collector import OltflowCollector

registry = CollectorRegistry(auto_describe=False)
registry.register(OltflowCollector())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
