"""Serializers of the REST API. They validate through the models' own ``full_clean()``."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers
from rest_framework.settings import api_settings

from oltflow.catalog.models import Brand, IndexFormula, Oid, OltModel, TaskFunction, TaskTemplate
from oltflow.inventory.models import Olt, Onu, OnuSample, OnuValue
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.workflows.models import WorkflowTemplate, WorkflowTemplateNode


class ModelCleanSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose validation ends with the model's ``full_clean()``.

    The model's rules (``clean()``, field validators, constraints) hold for the API exactly as
    they hold for the admin, and their errors come back as 400 keyed by the field they name.
    """

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            field = model._meta.get_field(name)
            if not field.many_to_many:
                setattr(instance, field.attname if field.is_relation else name, _pk(value))
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            detail = serializers.as_serializer_error(exc)
            if NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            raise serializers.ValidationError(detail) from None
        return attrs


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


# Catalog


class BrandSerializer(ModelCleanSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "description"]


class IndexFormulaSerializer(ModelCleanSerializer):
    class Meta:
        model = IndexFormula
        fields = ["id", "name", "brand", *IndexFormula._LAYOUT_FIELDS, "description"]


class OltModelSerializer(ModelCleanSerializer):
    class Meta:
        model = OltModel
        fields = ["id", "brand", "name", "index_formula", "description"]


class OidSerializer(ModelCleanSerializer):
    class Meta:
        model = Oid
        fields = [
            "id",
            "name",
            "oid",
            "brand",
            "model",
            "kind",
            "target_field",
            "transform",
            "transform_params",
            "index_formula",
            "description",
        ]


class TaskFunctionSerializer(ModelCleanSerializer):
    class Meta:
        model = TaskFunction
        fields = ["id", "name", "kind", "runner", "description"]


class TaskTemplateSerializer(ModelCleanSerializer):
    class Meta:
        model = TaskTemplate
        fields = [
            "id",
            "name",
            "function",
            "is_default",
            "default_interval_seconds",
            "max_retries",
            "retry_delay_seconds",
            "time_limit_seconds",
            "enabled",
        ]


# Inventory

OLT_SECRETS = ("community", "v3_auth_key", "v3_priv_key")


class OltSerializer(ModelCleanSerializer):
    """An OLT. Its secrets can be written but are never returned: ``secrets_set`` names them."""

    secrets_set = serializers.SerializerMethodField(
        help_text="Which of community, v3_auth_key and v3_priv_key hold a value."
    )

    class Meta:
        model = Olt
        fields = [
            "id",
            "name",
            "brand",
            "model",
            "host",
            "snmp_port",
            "snmp_version",
            *OLT_SECRETS,
            "secrets_set",
            "v3_user",
            "v3_auth_protocol",
            "v3_priv_protocol",
            "timeout_seconds",
            "retries",
            "max_repetitions",
            "max_varbinds",
            "request_rate",
            "enabled",
            "description",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            name: {"write_only": True, "style": {"input_type": "password"}} for name in OLT_SECRETS
        }

    def get_secrets_set(self, olt: Olt) -> list[str]:
        return [name for name in OLT_SECRETS if getattr(olt, name)]


class OnuValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnuValue
        fields = ["field", "text", "number", "no_reading", "error", "updated_at"]


class OnuSerializer(serializers.ModelSerializer):
    """An ONU with the values the dashboard singles out, and all its latest values."""

    olt_name = serializers.CharField(source="olt.name", read_only=True)
    serial = serializers.CharField(read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True, allow_null=True)
    run_status = serializers.CharField(read_only=True, allow_null=True)
    rx_power = serializers.FloatField(read_only=True, allow_null=True)
    values = OnuValueSerializer(many=True, read_only=True)

    class Meta:
        model = Onu
        fields = [
            "id",
            "olt",
            "olt_name",
            "raw_index",
            "frame",
            "slot",
            "port",
            "onu_id",
            "present",
            "misses",
            "first_seen_at",
            "last_seen_at",
            "absent_since",
            "serial",
            "description",
            "run_status",
            "rx_power",
            "values",
        ]


class OnuSampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnuSample
        fields = ["field", "number", "sampled_at"]


# Workflows


class WorkflowTemplateNodeSerializer(ModelCleanSerializer):
    class Meta:
        model = WorkflowTemplateNode
        fields = [
            "id",
            "template",
            "key",
            "name",
            "oid",
            "task_template",
            "interval_seconds",
            "priority",
            "enabled",
            "parameters",
            "run_after",
        ]


class WorkflowTemplateSerializer(ModelCleanSerializer):
    nodes = WorkflowTemplateNodeSerializer(many=True, read_only=True)

    class Meta:
        model = WorkflowTemplate
        fields = ["id", "name", "description", "enabled", "created_at", "updated_at", "nodes"]


class ApplyRequestSerializer(serializers.Serializer):
    olts = serializers.PrimaryKeyRelatedField(
        queryset=Olt.objects.all(), many=True, allow_empty=False
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Report what applying would change without changing it."
    )


class UnapplyRequestSerializer(serializers.Serializer):
    olts = serializers.PrimaryKeyRelatedField(
        queryset=Olt.objects.all(), many=True, allow_empty=False
    )


# Jobs


class JobHostSerializer(serializers.ModelSerializer):
    job_name = serializers.CharField(source="job.name", read_only=True)
    kind = serializers.CharField(source="job.kind", read_only=True)
    priority = serializers.IntegerField(source="job.priority", read_only=True)
    interval_seconds = serializers.IntegerField(source="job.interval_seconds", read_only=True)
    olt_name = serializers.CharField(source="olt.name", read_only=True)

    class Meta:
        model = SnmpJobHost
        fields = [
            "id",
            "job",
            "job_name",
            "kind",
            "priority",
            "interval_seconds",
            "olt",
            "olt_name",
            "enabled",
            "next_run_at",
            "retry_at",
            "retry_attempt",
            "last_run_at",
            "last_success_at",
            "last_failure_at",
            "consecutive_failures",
            "missed_runs",
        ]
        read_only_fields = fields


class ExecutionSerializer(serializers.ModelSerializer):
    job_name = serializers.CharField(source="job_host.job.name", read_only=True, allow_null=True)
    olt_name = serializers.CharField(source="olt.name", read_only=True)

    class Meta:
        model = Execution
        fields = [
            "id",
            "job_host",
            "job_name",
            "olt",
            "olt_name",
            "kind",
            "status",
            "attempt",
            "queue",
            "due_at",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "time_limit_seconds",
            "worker",
            "error",
            "summary",
        ]
        read_only_fields = fields


# The coordinator's queue view (dataclasses, read only)


class QueueEntrySerializer(serializers.Serializer):
    job_host_id = serializers.IntegerField()
    job_name = serializers.CharField()
    kind = serializers.CharField()
    priority = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    waiting_since = serializers.DateTimeField(allow_null=True)
    reason = serializers.ChoiceField(
        choices=["next", "olt_busy", "saturated", "min_gap", "chained", "retry_wait"]
    )


class OltQueueSerializer(serializers.Serializer):
    olt_id = serializers.IntegerField()
    olt_name = serializers.CharField()
    current = ExecutionSerializer(allow_null=True)
    entries = QueueEntrySerializer(many=True)


# Service reports


class SkippedNodeSerializer(serializers.Serializer):
    key = serializers.CharField()
    reason = serializers.CharField()


class OltApplyReportSerializer(serializers.Serializer):
    olt = serializers.IntegerField(source="olt.pk")
    olt_name = serializers.CharField(source="olt.name")
    workflow_created = serializers.BooleanField()
    created = serializers.ListField(child=serializers.CharField())
    linked = serializers.ListField(child=serializers.CharField())
    synced = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    skipped = SkippedNodeSerializer(many=True)
    jobs_changed = serializers.IntegerField()
    changed = serializers.BooleanField()


class ApplyReportSerializer(serializers.Serializer):
    """What applying a template did, or with dry_run would do, per OLT (node keys)."""

    template_name = serializers.CharField()
    dry_run = serializers.BooleanField()
    summary = serializers.SerializerMethodField()
    created = serializers.IntegerField()
    linked = serializers.IntegerField()
    synced = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    jobs_changed = serializers.IntegerField()
    changed = serializers.BooleanField()
    olts = OltApplyReportSerializer(many=True)

    def get_summary(self, report: Any) -> str:
        return report.summary()


class RemoveReportSerializer(serializers.Serializer):
    """Node keys removed, per OLT name."""

    template_name = serializers.CharField()
    summary = serializers.SerializerMethodField()
    nodes = serializers.IntegerField()
    removed = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    def get_summary(self, report: Any) -> str:
        return report.summary()


class RunNowSerializer(serializers.Serializer):
    """The answer to run-now: the execution started at once, or why the job waits."""

    job_host = serializers.IntegerField()
    started = serializers.BooleanField(help_text="False: it waits for its OLT or its kind.")
    execution = serializers.IntegerField(allow_null=True)
    queue = serializers.CharField(allow_null=True)
