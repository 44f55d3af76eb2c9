"""Geometry of the inline SVG charts: an OLT's execution timeline and an ONU value's history.

These functions only compute coordinates; the templates draw them, so every chart is plain
server-rendered markup that needs no script and no asset from outside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from oltflow.jobs.models import Execution

# Plot area margins inside the SVG viewBox, in SVG units.
LEFT = 72
RIGHT = 12
TOP = 10
BOTTOM = 22


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    kind: str
    status: str
    title: str
    execution_id: int


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    lane_y: float
    lane_height: float
    bars: list[Bar]
    ticks: list[Tick]
    plot_left: float
    plot_right: float

    @property
    def plot_width(self) -> float:
        return self.plot_right - self.plot_left

    @property
    def axis_y(self) -> float:
        return self.lane_y + self.lane_height + 4

    @property
    def label_y(self) -> float:
        return self.height - 4


def timeline(
    executions: Sequence[Execution],
    start: datetime,
    end: datetime,
    *,
    width: int = 960,
    height: int = 64,
    min_bar_width: float = 2.0,
) -> Timeline:
    """One lane from ``start`` to ``end`` with a bar per execution, clipped to the window.

    A running or pending execution lasts until ``end``; a bar is never narrower than
    ``min_bar_width`` so that a short run stays visible and clickable.
    """
    scale = _Scale(start, end, LEFT, width - RIGHT)
    bars = []
    for execution in executions:
        began = execution.started_at or execution.created_at
        ended = execution.finished_at or end
        if ended < start or began > end:
            continue
        x0, x1 = scale.x(max(began, start)), scale.x(min(ended, end))
        bars.append(
            Bar(
                x=round(x0, 2),
                width=round(max(x1 - x0, min_bar_width), 2),
                kind=execution.kind,
                status=execution.status,
                title=_bar_title(execution),
                execution_id=execution.pk,
            )
        )
    lane_height = height - TOP - BOTTOM
    return Timeline(
        width=width,
        height=height,
        lane_y=TOP,
        lane_height=lane_height,
        bars=bars,
        ticks=scale.time_ticks(_time_step(end - start)),
        plot_left=LEFT,
        plot_right=width - RIGHT,
    )


def _bar_title(execution: Execution) -> str:
    began = timezone.localtime(execution.started_at or execution.created_at)
    job = execution.job_host.job.name if execution.job_host_id else execution.kind
    duration = (
        f" {execution.duration_seconds:.1f} s" if execution.duration_seconds is not None else ""
    )
    return f"{job} {execution.status} {began:%H:%M:%S}{duration}"


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: str
    dots: list[tuple[float, float, str]]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    empty: bool


def line_chart(
    series: Sequence[tuple[datetime, float]],
    start: datetime,
    end: datetime,
    *,
    width: int = 960,
    height: int = 240,
    unit: str = "",
    max_points: int = 1500,
) -> LineChart:
    """A polyline of ``series`` over ``[start, end]`` with a padded value axis and time ticks."""
    series = _thin(list(series), max_points)
    top, bottom = TOP, height - BOTTOM
    time_scale = _Scale(start, end, LEFT, width - RIGHT)
    if series:
        low = min(value for _, value in series)
        high = max(value for _, value in series)
    else:
        low, high = 0.0, 1.0
    step = _nice_step((high - low) or abs(high) or 1.0)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if high - low < step:
        low, high = low - step, high + step

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    coordinates = [(round(time_scale.x(t), 2), round(y(v), 2), v, t) for t, v in series]
    y_ticks = []
    value = low
    while value <= high + step / 2:
        y_ticks.append(Tick(round(y(value), 2), f"{value:g}{unit}"))
        value += step
    return LineChart(
        width=width,
        height=height,
        points=" ".join(f"{x},{yy}" for x, yy, _, _ in coordinates),
        dots=[
            (x, yy, f"{timezone.localtime(t):%Y-%m-%d %H:%M:%S} {v:g}{unit}")
            for x, yy, v, t in coordinates[-200:]
        ],
        x_ticks=time_scale.time_ticks(_time_step(end - start)),
        y_ticks=y_ticks,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        plot_top=top,
        plot_bottom=bottom,
        empty=not series,
    )


class _Scale:
    """Maps times in ``[start, end]`` to x coordinates in ``[left, right]``."""

    def __init__(self, start: datetime, end: datetime, left: float, right: float) -> None:
        self.start, self.end, self.left, self.right = start, end, left, right
        self.span = max((end - start).total_seconds(), 1.0)

    def x(self, moment: datetime) -> float:
        seconds = (moment - self.start).total_seconds()
        return self.left + seconds / self.span * (self.right - self.left)

    def time_ticks(self, step: timedelta) -> list[Tick]:
        local_start = timezone.localtime(self.start)
        seconds = step.total_seconds()
        midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = (local_start - midnight).total_seconds()
        moment = midnight + timedelta(seconds=math.ceil(elapsed / seconds) * seconds)
        label = "%H:%M" if step < timedelta(days=1) else "%m-%d"
        ticks = []
        while moment <= self.end:
            ticks.append(Tick(round(self.x(moment), 2), moment.strftime(label)))
            moment += step
        return ticks


def _nice_step(span: float) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about five ticks over ``span``."""
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _time_step(span: timedelta) -> timedelta:
    for minutes in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440):
        if span / timedelta(minutes=minutes) <= 8:
            return timedelta(minutes=minutes)
    return timedelta(days=math.ceil(span / timedelta(days=8)))


def _thin(series: list[tuple[datetime, float]], max_points: int) -> list[tuple[datetime, float]]:
    """Keep every n-th point (and the last) so a long history stays a light polyline."""
    if len(series) <= max_points:
        return series
    stride = math.ceil(len(series) / max_points)
    thinned = series[::stride]
    if thinned[-1] is not series[-1]:
        thinned.append(series[-1])
    return thinned
