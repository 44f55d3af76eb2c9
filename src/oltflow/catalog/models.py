"""The catalog: vendors, OLT models, the OIDs they answer and how their answers are decoded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.choices import IndexMode, Kind, Runner, Transform
from oltflow.catalog.validators import validate_dotted_oid, validate_index_suffix

if TYPE_CHECKING:
    from oltflow.snmp.index import IndexLayout


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class IndexFormula(models.Model):
    """How a row index ``<ifIndex>.<onu id>`` maps to frame, slot, port and ONU id.

    Linear mode: ``delta = ifIndex - base``, then frame, slot and port are successive quotients
    by ``frame_step``, ``slot_step`` and ``port_step``. Shift mode: each field is
    ``(delta >> shift) & (2**bits - 1)``. Offsets are added after decoding (vendors that number
    slots or ports from 1).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="index_formulas")
    mode = models.CharField(_("mode"), max_length=10, choices=IndexMode, default=IndexMode.LINEAR)
    base = models.BigIntegerField(_("base"), default=0, validators=[MinValueValidator(0)])
    frame_step = models.BigIntegerField(default=0, validators=[MinValueValidator(0)])
    slot_step = models.BigIntegerField(default=0, validators=[MinValueValidator(0)])
    port_step = models.BigIntegerField(default=0, validators=[MinValueValidator(0)])
    frame_shift = models.PositiveSmallIntegerField(default=0)
    frame_bits = models.PositiveSmallIntegerField(default=0)
    slot_shift = models.PositiveSmallIntegerField(default=0)
    slot_bits = models.PositiveSmallIntegerField(default=0)
    port_shift = models.PositiveSmallIntegerField(default=0)
    port_bits = models.PositiveSmallIntegerField(default=0)
    frame_offset = models.IntegerField(default=0)
    slot_offset = models.IntegerField(default=0)
    port_offset = models.IntegerField(default=0)
    max_onu_id = models.PositiveIntegerField(default=255)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["brand__name", "name"]
        verbose_name = _("index formula")
        verbose_name_plural = _("index formulas")

    def __str__(self) -> str:
        return self.name

    _LAYOUT_FIELDS = (
        "mode",
        "base",
        "frame_step",
        "slot_step",
        "port_step",
        "frame_shift",
        "frame_bits",
        "slot_shift",
        "slot_bits",
        "port_shift",
        "port_bits",
        "frame_offset",
        "slot_offset",
        "port_offset",
        "max_onu_id",
    )

    def layout(self) -> IndexLayout:
        """The pure decoder for this formula (raises ValueError when the numbers do not fit)."""
        from oltflow.snmp.index import IndexLayout

        return IndexLayout(**{name: getattr(self, name) for name in self._LAYOUT_FIELDS})

    def clean(self) -> None:
        try:
            self.layout()
        except ValueError as exc:
            raise ValidationError({"mode": str(exc)}) from None


class OltModel(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(_("name"), max_length=64)
    index_formula = models.ForeignKey(
        IndexFormula,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="olt_models",
        help_text=_("Decodes ONU row indexes unless an OID names its own formula."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["brand__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="olt_model_unique_per_brand")
        ]
        verbose_name = _("OLT model")
        verbose_name_plural = _("OLT models")

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"

    def clean(self) -> None:
        if self.index_formula_id and self.index_formula.brand_id != self.brand_id:
            raise ValidationError({"index_formula": _("The formula belongs to another brand.")})


class Oid(models.Model):
    """One SNMP object an OLT model answers, and what oltflow does with it."""

    name = models.CharField(_("name"), max_length=100)
    oid = models.CharField(_("OID"), max_length=255, validators=[validate_dotted_oid])
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="oids")
    model = models.ForeignKey(
        OltModel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="oids",
        help_text=_("Leave empty when every model of the brand answers this OID."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    target_field = models.SlugField(
        _("target field"),
        max_length=64,
        blank=True,
        help_text=_("The ONU value a get fills, e.g. rx_power or serial."),
    )
    transform = models.CharField(
        _("transform"), max_length=16, choices=Transform, default=Transform.TEXT
    )
    transform_params = models.JSONField(_("transform parameters"), default=dict, blank=True)
    index_formula = models.ForeignKey(
        IndexFormula,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oids",
        help_text=_("Overrides the model's formula for this table family."),
    )
    index_suffix = models.CharField(
        _("index suffix"),
        max_length=32,
        blank=True,
        validators=[validate_index_suffix],
        help_text=_(
            "Appended to an ONU's row index when the table has more index parts, e.g. 1 for "
            "ZTE tables indexed by <ifIndex>.<ONU id>.<ANI port>."
        ),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["brand__name", "name"]
        constraints = [
            # One entry per OID and kind: a column may be walked for discovery and also read
            # per ONU (a serial column, say), each with its own entry.
            models.UniqueConstraint(
                fields=["brand", "model", "oid", "kind"],
                condition=models.Q(model__isnull=False),
                name="oid_unique_per_model_kind",
                violation_error_message=_("This model already has an entry for this OID and kind."),
            ),
            models.UniqueConstraint(
                fields=["brand", "oid", "kind"],
                condition=models.Q(model__isnull=True),
                name="oid_unique_per_brand_kind",
                violation_error_message=_("This brand already has an entry for this OID and kind."),
            ),
        ]
        verbose_name = _("OID")
        verbose_name_plural = _("OIDs")

    def __str__(self) -> str:
        scope = self.model.name if self.model_id else _("any model")
        return f"{self.name} ({self.brand.name} {scope})"

    def clean(self) -> None:
        from oltflow.snmp.transforms import validate_params

        errors = {}
        if self.model_id and self.brand_id and self.model.brand_id != self.brand_id:
            errors["model"] = _("The model belongs to another brand.")
        if self.index_formula_id and self.brand_id and self.index_formula.brand_id != self.brand_id:
            errors["index_formula"] = _("The formula belongs to another brand.")
        if self.kind == Kind.GET and not self.target_field:
            errors["target_field"] = _("A get OID must name the ONU field it fills.")
        if not isinstance(self.transform_params, dict):
            errors["transform_params"] = _("Transform parameters must be a JSON object.")
        else:
            try:
                validate_params(self.transform, self.transform_params)
            except ValueError as exc:
                errors["transform_params"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def fits(self, brand_id: int, model_id: int | None) -> bool:
        """Whether an OLT of this brand and model answers this OID."""
        return self.brand_id == brand_id and (self.model_id is None or self.model_id == model_id)

    def formula_for(self, olt_model: OltModel | None) -> IndexFormula | None:
        """The formula that decodes this OID's rows: the OID's own, else the model's."""
        if self.index_formula_id:
            return self.index_formula
        return olt_model.index_formula if olt_model else None


class TaskFunction(models.Model):
    """Which Python runner does the work for one kind of OID."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    runner = models.CharField(_("runner"), max_length=32, choices=Runner)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("task function")
        verbose_name_plural = _("task functions")

    def __str__(self) -> str:
        return self.name


class TaskTemplate(models.Model):
    """A TaskFunction with its defaults: interval, retries and time limit.

    Priority is not here on purpose: a node's own priority, else its kind's default, is the
    only scale (see coordinator.policy.effective_priority).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    function = models.ForeignKey(TaskFunction, on_delete=models.PROTECT, related_name="templates")
    is_default = models.BooleanField(
        _("default for its kind"),
        default=False,
        help_text=_("Used by template nodes of this kind that do not name a task template."),
    )
    default_interval_seconds = models.PositiveIntegerField(
        _("default interval (s)"), default=300, validators=[MinValueValidator(1)]
    )
    max_retries = models.PositiveSmallIntegerField(_("retries"), default=2)
    retry_delay_seconds = models.PositiveIntegerField(_("retry delay (s)"), default=30)
    time_limit_seconds = models.PositiveIntegerField(
        _("time limit (s)"), default=600, validators=[MinValueValidator(1)]
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("task template")
        verbose_name_plural = _("task templates")

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        return self.function.kind

    def clean(self) -> None:
        # One enabled default per kind: nodes without a task template must find exactly one.
        if not (self.is_default and self.enabled and self.function_id):
            return
        others = TaskTemplate.objects.filter(
            is_default=True, enabled=True, function__kind=self.function.kind
        ).exclude(pk=self.pk)
        other = others.first()
        if other is not None:
            raise ValidationError(
                {
                    "is_default": _(
                        "Task template %(name)r is already the default for %(kind)s OIDs."
                    )
                    % {"name": other.name, "kind": self.function.kind}
                }
            )
