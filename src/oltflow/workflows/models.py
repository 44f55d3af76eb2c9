"""Workflow templates (like Zabbix templates) and their instances on OLTs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.models import Oid, TaskTemplate
from oltflow.catalog.validators import validate_node_key
from oltflow.inventory.models import Olt

PRIORITY_VALIDATORS = [MinValueValidator(1), MaxValueValidator(100)]
PRIORITY_HELP = _("1..100, higher runs first; empty = the default of the OID's kind.")


def _priority_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(priority__isnull=True) | models.Q(priority__gte=1, priority__lte=100),
        name=name,
    )


class WorkflowTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("workflow template")
        verbose_name_plural = _("workflow templates")

    def __str__(self) -> str:
        return self.name


class NodeFields(models.Model):
    """What a template node and a per-OLT node share."""

    key = models.CharField(_("key"), max_length=100, validators=[validate_node_key])
    name = models.CharField(_("name"), max_length=100)
    oid = models.ForeignKey(Oid, on_delete=models.PROTECT, related_name="+")
    task_template = models.ForeignKey(
        TaskTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty = the default task template of the OID's kind."),
    )
    interval_seconds = models.PositiveIntegerField(
        _("interval (s)"), validators=[MinValueValidator(1)]
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        null=True,
        blank=True,
        validators=PRIORITY_VALIDATORS,
        help_text=PRIORITY_HELP,
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        errors = {}
        if not isinstance(self.parameters, dict):
            errors["parameters"] = _("Parameters must be a JSON object.")
        if self.key:
            holders = self._same_key()
            if holders is not None and holders.exclude(pk=self.pk).exists():
                errors["key"] = _("Key %(key)r is already used by another node of %(scope)s.") % {
                    "key": self.key,
                    "scope": self._key_scope(),
                }
        if self.oid_id and self.task_template_id:
            function_kind = self.task_template.function.kind
            if function_kind != self.oid.kind:
                errors["task_template"] = _(
                    "Task template %(name)r runs %(runs)s work, but the OID is a %(kind)s OID."
                ) % {"name": self.task_template.name, "runs": function_kind, "kind": self.oid.kind}
        run_after = getattr(self, "run_after", None)
        if run_after is not None:
            if run_after.pk is not None and run_after.pk == self.pk:
                errors["run_after"] = _("A node cannot run after itself.")
            elif self._owner_id(run_after) != self._owner_id(self):
                errors["run_after"] = _("A node can only run after a node of the same template.")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _owner_id(node: NodeFields) -> int | None:
        raise NotImplementedError

    def _same_key(self) -> models.QuerySet | None:
        """Nodes whose key must differ from this one's (None when the scope is not known yet)."""
        raise NotImplementedError

    def _key_scope(self) -> str:
        raise NotImplementedError


class WorkflowTemplateNode(NodeFields):
    template = models.ForeignKey(WorkflowTemplate, on_delete=models.CASCADE, related_name="nodes")
    run_after = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chained",
        help_text=_("Run right after this node finishes instead of on its own interval."),
    )

    class Meta:
        ordering = ["template", "key"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="template_node_unique_key"),
            _priority_range("template_node_priority_range"),
        ]
        verbose_name = _("template node")
        verbose_name_plural = _("template nodes")

    @staticmethod
    def _owner_id(node: NodeFields) -> int | None:
        return node.template_id

    def _same_key(self) -> models.QuerySet | None:
        if not self.template_id:
            return None
        return WorkflowTemplateNode.objects.filter(template_id=self.template_id, key=self.key)

    def _key_scope(self) -> str:
        return _("template %(name)r") % {"name": self.template.name}


class OltWorkflow(models.Model):
    """A template applied to one OLT (or, with no template, a custom workflow)."""

    olt = models.ForeignKey(Olt, on_delete=models.CASCADE, related_name="workflows")
    template = models.ForeignKey(
        WorkflowTemplate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="olt_workflows",
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["olt", "template"]
        constraints = [
            models.UniqueConstraint(fields=["olt", "template"], name="one_workflow_per_template")
        ]
        verbose_name = _("OLT workflow")
        verbose_name_plural = _("OLT workflows")

    def __str__(self) -> str:
        return f"{self.olt} / {self.template or _('custom')}"


class WorkflowNode(NodeFields):
    """A node as it runs on one OLT; template edits reach it unless the field is overridden."""

    workflow = models.ForeignKey(OltWorkflow, on_delete=models.CASCADE, related_name="nodes")
    template_node = models.ForeignKey(
        WorkflowTemplateNode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instances",
    )
    run_after = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="chained"
    )
    override_interval = models.BooleanField(_("keep own interval"), default=False)
    override_priority = models.BooleanField(_("keep own priority"), default=False)
    override_enabled = models.BooleanField(_("keep own enabled flag"), default=False)
    override_parameters = models.BooleanField(_("keep own parameters"), default=False)

    class Meta:
        ordering = ["workflow", "key"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "key"], name="workflow_node_unique_key"),
            _priority_range("workflow_node_priority_range"),
        ]
        verbose_name = _("workflow node")
        verbose_name_plural = _("workflow nodes")

    @staticmethod
    def _owner_id(node: NodeFields) -> int | None:
        return node.workflow_id

    def _same_key(self) -> models.QuerySet | None:
        # One key per OLT, across its workflows: a key names one piece of work on the OLT.
        if not self.workflow_id:
            return None
        return WorkflowNode.objects.filter(workflow__olt_id=self.workflow.olt_id, key=self.key)

    def _key_scope(self) -> str:
        return _("OLT %(name)r") % {"name": self.workflow.olt.name}
