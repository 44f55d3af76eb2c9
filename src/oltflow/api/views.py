"""REST API views. They validate input, call the services of each app and shape the answer."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import ProtectedError, QuerySet, RestrictedError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from oltflow.api import filters
from oltflow.api import serializers as s
from oltflow.api.pagination import Pagination
from oltflow.api.permissions import ModelPermissions
from oltflow.catalog.models import Brand, IndexFormula, Oid, OltModel, TaskFunction, TaskTemplate
from oltflow.inventory.models import Olt, Onu, OnuSample
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.web import queries
from oltflow.workflows.models import WorkflowTemplate, WorkflowTemplateNode

logger = logging.getLogger(__name__)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class ServiceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "This part of oltflow is not installed."
    default_code = "unavailable"


# Token first: a script with a bad token gets 401 with a WWW-Authenticate header, not 403.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class ModelViewSet(viewsets.ModelViewSet):
    """CRUD with oltflow's permission rule; deleting a row still in use answers 409."""

    authentication_classes = AUTHENTICATION
    permission_classes = [ModelPermissions]
    pagination_class = Pagination
    action_permissions: dict[str, list[str]] = {}

    def perform_destroy(self, instance: Any) -> None:
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            used_by = sorted({str(obj) for obj in exc.protected_objects if obj is not None})
            raise Conflict(
                {"detail": f"{instance} is still in use.", "used_by": used_by[:20]}
            ) from None


class ReadOnlyModelViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = AUTHENTICATION
    permission_classes = [ModelPermissions]
    pagination_class = Pagination
    action_permissions: dict[str, list[str]] = {}


# Catalog


class BrandViewSet(ModelViewSet):
    queryset = Brand.objects.all()
    serializer_class = s.BrandSerializer
    filterset_fields = ["name"]


class IndexFormulaViewSet(ModelViewSet):
    queryset = IndexFormula.objects.select_related("brand")
    serializer_class = s.IndexFormulaSerializer
    filterset_fields = ["brand", "mode"]


class OltModelViewSet(ModelViewSet):
    queryset = OltModel.objects.select_related("brand")
    serializer_class = s.OltModelSerializer
    filterset_fields = ["brand"]


class OidViewSet(ModelViewSet):
    queryset = Oid.objects.select_related("brand", "model")
    serializer_class = s.OidSerializer
    filterset_fields = ["brand", "model", "kind", "target_field"]


class TaskFunctionViewSet(ModelViewSet):
    queryset = TaskFunction.objects.all()
    serializer_class = s.TaskFunctionSerializer
    filterset_fields = ["kind", "runner"]


class TaskTemplateViewSet(ModelViewSet):
    queryset = TaskTemplate.objects.select_related("function")
    serializer_class = s.TaskTemplateSerializer
    filterset_fields = ["function", "is_default", "enabled"]


# Inventory


class OltViewSet(ModelViewSet):
    queryset = Olt.objects.select_related("brand", "model__brand")
    serializer_class = s.OltSerializer
    filterset_fields = ["brand", "model", "enabled", "snmp_version"]

    @extend_schema(
        summary="The OLT's queue",
        description="Its running execution and its due jobs in run order, each with why it waits.",
        responses=s.OltQueueSerializer,
    )
    @action(detail=True, methods=["get"])
    def queue(self, request: Request, pk: str | None = None) -> Response:
        olt = self.get_object()
        snapshot = queries.queue_snapshot([olt.pk])
        if snapshot is None:
            raise ServiceUnavailable("The coordinator's queue view is not installed.")
        olt_queue = next((q for q in snapshot.olts if q.olt_id == olt.pk), None)
        if olt_queue is None:
            return Response(
                {"olt_id": olt.pk, "olt_name": olt.name, "current": None, "entries": []}
            )
        return Response(s.OltQueueSerializer(olt_queue).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Part of the serial or the description."
            )
        ]
    )
)
class OnuViewSet(ReadOnlyModelViewSet):
    serializer_class = s.OnuSerializer
    filterset_class = filters.OnuFilter

    def get_queryset(self) -> QuerySet[Onu]:
        return queries.onu_table().prefetch_related("values")

    @extend_schema(summary="The ONU's latest values", responses=s.OnuValueSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def values(self, request: Request, pk: str | None = None) -> Response:
        onu = self.get_object()
        return Response(s.OnuValueSerializer(onu.values.order_by("field"), many=True).data)

    @extend_schema(
        summary="The ONU's history of one numeric field",
        parameters=[
            OpenApiParameter("field", OpenApiTypes.STR, description="Default: rx_power."),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Oldest sample."),
        ],
        responses=s.OnuSampleSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def samples(self, request: Request, pk: str | None = None) -> Response:
        onu = self.get_object()
        query = SampleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = OnuSample.objects.filter(onu=onu, field=query.validated_data["field"])
        if query.validated_data.get("since"):
            found = found.filter(sampled_at__gte=query.validated_data["since"])
        page = self.paginate_queryset(found.order_by("-sampled_at"))
        return self.get_paginated_response(s.OnuSampleSerializer(page, many=True).data)


class SampleQuerySerializer(serializers.Serializer):
    field = serializers.SlugField(default=queries.RX_POWER_FIELD)
    since = serializers.DateTimeField(required=False)


# Workflows


class WorkflowTemplateViewSet(ModelViewSet):
    queryset = WorkflowTemplate.objects.prefetch_related("nodes")
    serializer_class = s.WorkflowTemplateSerializer
    filterset_fields = ["enabled", "name"]
    action_permissions = {
        "apply": ["workflows.add_oltworkflow", "workflows.change_oltworkflow"],
        "unapply": ["workflows.delete_oltworkflow"],
    }

    @extend_schema(
        summary="Apply the template to OLTs",
        description=(
            "Creates or syncs each OLT's workflow and nodes and schedules their jobs. With "
            "dry_run the answer tells what would change and nothing is written."
        ),
        request=s.ApplyRequestSerializer,
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        body = s.ApplyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services = _workflow_services()
        try:
            report = services.apply_template(
                template, body.validated_data["olts"], dry_run=body.validated_data["dry_run"]
            )
        except services.WorkflowError as exc:
            raise serializers.ValidationError({"olts": [str(exc)]}) from None
        return Response(_plain(report))

    @extend_schema(
        summary="Remove the template's workflow from OLTs",
        request=s.UnapplyRequestSerializer,
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["post"])
    def unapply(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        body = s.UnapplyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services = _workflow_services()
        try:
            report = services.unapply_template(template, body.validated_data["olts"])
        except services.WorkflowError as exc:
            raise serializers.ValidationError({"olts": [str(exc)]}) from None
        return Response(_plain(report))


class WorkflowTemplateNodeViewSet(ModelViewSet):
    queryset = WorkflowTemplateNode.objects.select_related("template", "oid")
    serializer_class = s.WorkflowTemplateNodeSerializer
    filterset_class = filters.TemplateNodeFilter


def _workflow_services() -> Any:
    try:
        from oltflow.workflows import services
    except ImportError:
        raise ServiceUnavailable("The workflow services are not installed.") from None
    return services


# Jobs


class JobHostViewSet(ReadOnlyModelViewSet):
    queryset = SnmpJobHost.objects.select_related("job", "olt")
    serializer_class = s.JobHostSerializer
    filterset_class = filters.JobHostFilter
    action_permissions = {"run_now": ["jobs.change_snmpjobhost"]}

    @extend_schema(
        summary="Run the job on its OLT now",
        description="Makes the job due at once and first in its OLT's queue.",
        request=None,
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["post"], url_path="run-now")
    def run_now(self, request: Request, pk: str | None = None) -> Response:
        job_host = self.get_object()
        try:
            from oltflow.coordinator.services import run_now
        except ImportError:
            raise ServiceUnavailable("The coordinator is not installed.") from None
        result = run_now(job_host)
        logger.info(
            "Run now of job host %s on OLT %s requested by user %s",
            job_host.pk,
            job_host.olt_id,
            request.user.pk,
        )
        return Response(_plain(result), status=status.HTTP_202_ACCEPTED)


class ExecutionViewSet(ReadOnlyModelViewSet):
    queryset = Execution.objects.select_related("olt", "job_host__job")
    serializer_class = s.ExecutionSerializer
    filterset_class = filters.ExecutionFilter


def _plain(value: Any) -> Any:
    """A service's answer as JSON-ready data (dataclasses, model rows, dates)."""
    import dataclasses
    from datetime import date, datetime

    from django.db import models

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Execution):
        return s.ExecutionSerializer(value).data
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
