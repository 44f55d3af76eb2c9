"""REST API views. They validate input, call the services of each app and shape the answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from oltflow.api import filters
from oltflow.api import serializers as s
from oltflow.api.pagination import Pagination
from oltflow.api.permissions import ModelPermissions
from oltflow.catalog.models import Brand, IndexFormula, Oid, OltModel, TaskFunction, TaskTemplate
from oltflow.coordinator.queue import OltQueue, queue_snapshot
from oltflow.coordinator.services import run_now
from oltflow.inventory.models import Olt, Onu, OnuSample
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.web import queries
from oltflow.workflows import services as workflows
from oltflow.workflows.models import WorkflowTemplate, WorkflowTemplateNode

logger = logging.getLogger(__name__)

# Token first: a script with a bad token gets 401 with a WWW-Authenticate header, not 403.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


@contextmanager
def workflow_errors_as_400(field: str = api_settings.NON_FIELD_ERRORS_KEY) -> Iterator[None]:
    """Answer a WorkflowError (its message names the objects at fault) with 400."""
    try:
        yield
    except workflows.WorkflowError as exc:
        raise serializers.ValidationError({field: [str(exc)]}) from None


class ModelViewSet(viewsets.ModelViewSet):
    """CRUD with oltflow's permission rule.

    Writes run in one transaction through ``write`` and ``remove``, which subclasses point at
    the workflow services that keep jobs in step with the configuration; a WorkflowError
    rolls the write back and answers 400. Deleting a row still in use answers 409.
    """

    authentication_classes = AUTHENTICATION
    permission_classes = [ModelPermissions]
    pagination_class = Pagination
    action_permissions: dict[str, list[str]] = {}

    def write(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save()

    def remove(self, instance: Any) -> None:
        instance.delete()

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        with workflow_errors_as_400(), transaction.atomic():
            self.write(serializer)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        with workflow_errors_as_400(), transaction.atomic():
            self.write(serializer)

    def perform_destroy(self, instance: Any) -> None:
        try:
            with workflow_errors_as_400(), transaction.atomic():
                self.remove(instance)
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
    """Catalog OIDs; an edit is refused where the OID no longer fits an OLT that polls it."""

    queryset = Oid.objects.select_related("brand", "model")
    serializer_class = s.OidSerializer
    filterset_fields = ["brand", "model", "kind", "target_field"]

    def write(self, serializer: serializers.BaseSerializer) -> None:
        workflows.sync_oid(serializer.save())


class TaskFunctionViewSet(ModelViewSet):
    queryset = TaskFunction.objects.all()
    serializer_class = s.TaskFunctionSerializer
    filterset_fields = ["kind", "runner"]


class TaskTemplateViewSet(ModelViewSet):
    queryset = TaskTemplate.objects.select_related("function")
    serializer_class = s.TaskTemplateSerializer
    filterset_fields = ["function", "is_default", "enabled"]

    def write(self, serializer: serializers.BaseSerializer) -> None:
        workflows.sync_task_template(serializer.save())


# Inventory


class OltViewSet(ModelViewSet):
    """OLTs; an edit reaches their jobs at once, and is refused if a node no longer fits."""

    queryset = Olt.objects.select_related("brand", "model__brand")
    serializer_class = s.OltSerializer
    filterset_fields = ["brand", "model", "enabled", "snmp_version"]

    def write(self, serializer: serializers.BaseSerializer) -> None:
        workflows.sync_olt(serializer.save())

    @extend_schema(
        summary="The OLT's queue",
        description="Its running execution and its due jobs in run order, each with why it waits.",
        responses=s.OltQueueSerializer,
    )
    @action(detail=True, methods=["get"])
    def queue(self, request: Request, pk: str | None = None) -> Response:
        olt = self.get_object()
        snapshot = queue_snapshot(olt_ids=[olt.pk])
        olt_queue = next(
            (q for q in snapshot.olts if q.olt_id == olt.pk), OltQueue(olt.pk, olt.name, None, [])
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
    """Templates; an edit reaches every OLT they are applied to, deleting unapplies first."""

    queryset = WorkflowTemplate.objects.prefetch_related("nodes")
    serializer_class = s.WorkflowTemplateSerializer
    filterset_fields = ["enabled", "name"]
    action_permissions = {
        "apply": ["workflows.add_oltworkflow", "workflows.change_oltworkflow"],
        "unapply": ["workflows.delete_oltworkflow"],
    }

    def write(self, serializer: serializers.BaseSerializer) -> None:
        created = serializer.instance is None
        template = serializer.save()
        if not created:
            workflows.sync_template(template)

    def remove(self, instance: WorkflowTemplate) -> None:
        workflows.delete_template(instance)

    @extend_schema(
        summary="Apply the template to OLTs",
        description=(
            "Creates or syncs each OLT's workflow and nodes and schedules their jobs, all or "
            "nothing. With dry_run the answer tells what would change and nothing is written."
        ),
        request=s.ApplyRequestSerializer,
        responses=s.ApplyReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        body = s.ApplyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        olts, dry_run = body.validated_data["olts"], body.validated_data["dry_run"]
        with workflow_errors_as_400("olts"):
            report = workflows.apply_template(template, olts, dry_run=dry_run)
        logger.info(
            "Template %s applied to OLTs %s by user %s%s",
            template.pk,
            [olt.pk for olt in olts],
            request.user.pk,
            " (dry run)" if dry_run else "",
        )
        return Response(s.ApplyReportSerializer(report).data)

    @extend_schema(
        summary="Remove the template's workflow from OLTs",
        description="Deletes the OLTs' nodes of this template with their jobs; history stays.",
        request=s.UnapplyRequestSerializer,
        responses=s.RemoveReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def unapply(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        body = s.UnapplyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        olts = body.validated_data["olts"]
        with workflow_errors_as_400("olts"):
            report = workflows.unapply_template(template, olts)
        logger.info(
            "Template %s removed from OLTs %s by user %s",
            template.pk,
            [olt.pk for olt in olts],
            request.user.pk,
        )
        return Response(s.RemoveReportSerializer(report).data)


class WorkflowTemplateNodeViewSet(ModelViewSet):
    """Template nodes; every change reaches the OLTs their template is applied to."""

    queryset = WorkflowTemplateNode.objects.select_related("template", "oid")
    serializer_class = s.WorkflowTemplateNodeSerializer
    filterset_class = filters.TemplateNodeFilter

    def write(self, serializer: serializers.BaseSerializer) -> None:
        node = serializer.instance or WorkflowTemplateNode()
        for name, value in serializer.validated_data.items():
            setattr(node, name, value)
        workflows.save_template_node(node)
        serializer.instance = node

    def remove(self, instance: WorkflowTemplateNode) -> None:
        workflows.delete_template_node(instance)


# Jobs


class JobHostViewSet(ReadOnlyModelViewSet):
    queryset = SnmpJobHost.objects.select_related("job", "olt")
    serializer_class = s.JobHostSerializer
    filterset_class = filters.JobHostFilter
    action_permissions = {"run_now": ["jobs.change_snmpjobhost"]}

    @extend_schema(
        summary="Run the job on its OLT now",
        description=(
            "Makes the job due at once and first in its OLT's line, and starts it when its OLT "
            "and its kind have room; otherwise it starts as soon as they do."
        ),
        request=None,
        responses={202: s.RunNowSerializer},
    )
    @action(detail=True, methods=["post"], url_path="run-now")
    def run_now(self, request: Request, pk: str | None = None) -> Response:
        job_host = self.get_object()
        claimed = run_now(job_host)
        logger.info(
            "Run now of job host %s on OLT %s requested by user %s: %s",
            job_host.pk,
            job_host.olt_id,
            request.user.pk,
            f"execution {claimed.execution_id}" if claimed else "waiting",
        )
        answer = {
            "job_host": job_host.pk,
            "started": claimed is not None,
            "execution": claimed.execution_id if claimed else None,
            "queue": claimed.queue if claimed else None,
        }
        return Response(s.RunNowSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


class ExecutionViewSet(ReadOnlyModelViewSet):
    queryset = Execution.objects.select_related("olt", "job_host__job")
    serializer_class = s.ExecutionSerializer
    filterset_class = filters.ExecutionFilter
