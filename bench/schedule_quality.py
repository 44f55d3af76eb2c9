"""Scheduling quality on the original system's measured workload, in either executor.

    .venv/bin/python bench/schedule_quality.py [--executor local|celery] [--duration 12 | --quick]
        [--kill-at MIN] [--olts 50] [--database-url URL]

The workload (issue 6): N OLTs (50 by default) with one template of three nodes (discovery
every 180 s, get every 60 s, get every 300 s), every execution the ``simulate`` runner with a
duration uniform in 0.5..8 s and outcomes 80 % success, 15 % failure (retryable, 2 retries 30 s
apart) and 5 % interrupted. Every job host first runs one interval after the start, on its grid
point. Durations stay the same at every fleet size; slots grow with it (one thread per OLT for
each queue, the retry queues included).

``--executor local`` runs ``oltflow run`` (tick loop and thread pools in one process);
``--executor celery`` runs ``oltflow worker`` processes (threads pool: one for the discovery
queues, one for ``get_main``, one for ``get_retry``; each doubled from 251 OLTs on)
and ``oltflow coordinator`` on the local Redis, database OLTFLOW_BENCH_REDIS_DB (default 13),
which is flushed first. ``--kill-at M`` sends SIGKILL to the worker process trees at minute M (the
``oltflow run`` process, or every Celery worker) and starts them again 30 s later.

At the end of the duration the job hosts are disabled, so nothing new starts; running
executions finish (the reaper ends what a kill left), the processes are stopped, and every
measure is computed from the Execution rows by ``schedule_measures``. Tick times and the tick
thread's CPU come from the DEBUG line the tick loop logs after each tick. With a kill, the
lateness, delay and idle-gap figures are printed once more without the outage (from the kill
until 65 s after it: the restart, the reaper's heartbeat timeout and the workers' start-up).

By default the database is created next to ``--admin-url`` and dropped at the end; with
``--database-url`` that (empty or migrated) database is used and the rows stay.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import schedule_measures as measures  # noqa: E402
from scratch_db import add_admin_url, scratch_database  # noqa: E402

# The original's figures (issue 6), printed beside ours.
NODES = (("discovery", "discovery", 180), ("get", "get-60", 60), ("get", "get-300", 300))
DRAIN_TIMEOUT = 150.0
RESTART_AFTER = 30.0
HEARTBEAT_TIMEOUT = 30.0  # the reaper's default, left unchanged here
PERCENTILES = ("p50", "p95", "p99", "max")

# Starts a management command with the tick loop's DEBUG timing line enabled and nothing else
# below WARNING, so the process spends no CPU on per-execution log lines.
LAUNCH = (
    "import logging, sys, django; django.setup(); "
    "logging.getLogger('oltflow.coordinator.runtime').setLevel(logging.DEBUG); "
    "from django.core.management import call_command; call_command(*sys.argv[1:])"
)
TICK_LINE = re.compile(r"Tick (\d+) took ([\d.]+) ms, ([\d.]+) ms CPU; loop CPU ([\d.]+) s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executor", choices=("local", "celery"), default="local")
    parser.add_argument("--duration", type=float, default=12.0, help="minutes (default 12)")
    parser.add_argument("--quick", action="store_true", help="3 minutes")
    parser.add_argument("--kill-at", type=float, default=None, help="minute of the SIGKILL")
    parser.add_argument("--olts", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="use it and keep the rows")
    add_admin_url(parser)
    parser.add_argument("--logs", default=None, help="directory for the processes' logs")
    args = parser.parse_args()
    if args.quick:
        args.duration = 3.0
    if args.kill_at is not None and not 0 < args.kill_at < args.duration:
        parser.error("--kill-at must fall inside the duration")
    # SIGTERM (or SIGINT, which a shell's background job ignores) stops the run cleanly: the
    # processes are stopped and the database dropped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    print("command:", shlex.join([Path(sys.executable).name, *sys.argv]), flush=True)

    if args.database_url:
        run(args, args.database_url)
        return
    with scratch_database(args.admin_url, "oltflow_quality") as url:
        run(args, url)


@dataclass
class Sizing:
    """Durations, slots, capacity and Celery worker processes for a fleet size."""

    duration_min: float
    duration_max: float
    concurrency: dict[str, int]
    capacity: int
    worker_processes: int  # Celery worker processes per queue group

    @classmethod
    def for_olts(cls, olts: int) -> Sizing:
        # The same durations at every size, and slots that grow with the fleet: a runner holds
        # no database connection while it works, so a slot is a thread, one per OLT and queue.
        # Every OLT's get is due on the same second, and after a kill the lost executions of a
        # whole burst come due as retries on the same second too.
        return cls(
            duration_min=0.5,
            duration_max=8.0,
            concurrency={
                queue: olts
                for queue in ("discovery_main", "discovery_retry", "get_main", "get_retry")
            },
            capacity=olts,
            # One Python process runs at most one thread at a time: a burst of starts on one
            # second spreads over a process per 250 OLTs.
            worker_processes=max(1, math.ceil(olts / 250)),
        )


@dataclass
class Life:
    """One run of one process: its handle, log and the moments it started and stopped."""

    process: subprocess.Popen
    log: Path
    started: float
    stopped: float | None = None


@dataclass
class Processes:
    args: argparse.Namespace
    env: dict[str, str]
    logs: Path
    sizing: Sizing
    workers: list[Life] = field(default_factory=list)
    coordinators: list[Life] = field(default_factory=list)

    def spawn(self, label: str, *command: str) -> Life:
        log = self.logs / f"{label}-{len(self.workers) + len(self.coordinators)}.log"
        with open(log, "w") as out:
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, *command],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Life(process, log, time.time())

    def start_workers(self) -> None:
        """The process trees a kill hits: ``oltflow run``, or every Celery worker."""
        if self.args.executor == "local":
            life = self.spawn("run", "run")
            self.workers.append(life)
            self.coordinators.append(life)
            return
        groups = {
            "discovery": ["discovery_main", "discovery_retry"],
            "get": ["get_main"],
            "retry": ["get_retry"],
        }
        for name, queues in groups.items():
            copies = self.sizing.worker_processes
            slots = math.ceil(sum(self.sizing.concurrency[queue] for queue in queues) / copies)
            for _ in range(copies):
                self.workers.append(
                    self.spawn(
                        f"worker-{name}",
                        "worker",
                        "--queues",
                        ",".join(queues),
                        "--concurrency",
                        str(slots),
                        "--pool",
                        "threads",
                        "--loglevel",
                        "WARNING",
                        "--hostname",
                        f"{name}-{len(self.workers)}@%h",
                    )
                )

    def start_coordinator(self) -> None:
        if self.args.executor == "celery":
            self.coordinators.append(self.spawn("coordinator", "coordinator"))

    def kill_workers(self) -> None:
        for life in self.workers:
            if life.stopped is None:
                os.killpg(life.process.pid, signal.SIGKILL)
                life.process.wait(10)
                life.stopped = time.time()

    def stop_all(self) -> None:
        lives = [life for life in {id(x): x for x in self.workers + self.coordinators}.values()]
        for life in lives:
            if life.stopped is None:
                os.killpg(life.process.pid, signal.SIGTERM)
        for life in lives:
            if life.stopped is None:
                try:
                    life.process.wait(60)
                except subprocess.TimeoutExpired:
                    os.killpg(life.process.pid, signal.SIGKILL)
                    life.process.wait(10)
                life.stopped = time.time()


def run(args: argparse.Namespace, database_url: str) -> None:
    sizing = Sizing.for_olts(args.olts)
    home = Path(tempfile.mkdtemp(prefix="oltflow-quality-"))
    logs = Path(args.logs) if args.logs else home
    logs.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oltflow.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "OLTFLOW_HOME": str(home),
        "OLTFLOW_DATABASE_URL": database_url,
        "OLTFLOW_LOG_LEVEL": "WARNING",
        **{f"OLTFLOW_CAPACITY_{kind}": str(sizing.capacity) for kind in ("DISCOVERY", "GET")},
        **{f"OLTFLOW_CONCURRENCY_{q.upper()}": str(n) for q, n in sizing.concurrency.items()},
    }
    env.pop("OLTFLOW_BROKER_URL", None)
    if args.executor == "celery":
        redis_db = os.environ.get("OLTFLOW_BENCH_REDIS_DB", "13")
        env["OLTFLOW_BROKER_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
        import redis

        redis.Redis.from_url(env["OLTFLOW_BROKER_URL"]).flushdb()
    os.environ.update({k: v for k, v in env.items() if k.startswith(("OLTFLOW_", "DJANGO_"))})
    os.environ.pop("OLTFLOW_BROKER_URL", None)  # this process only builds and reads rows

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    t0 = build_workload(args.olts, sizing)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"workload: {args.olts} OLTs x 3 job hosts, durations {sizing.duration_min:g}.."
        f"{sizing.duration_max:g} s, slots {sizing.concurrency}, capacity {sizing.capacity} per "
        f"kind, executor {args.executor}, {args.duration:g} min"
        + (f", SIGKILL at minute {args.kill_at:g}" if args.kill_at is not None else ""),
        flush=True,
    )

    processes = Processes(args, env, logs, sizing)
    try:
        processes.start_workers()
        processes.start_coordinator()
        time.sleep(5)
        coordinator = processes.coordinators[0]
        # (wall, CPU) at the start and end of each stretch the coordinator process lived.
        cpu = [(time.time(), process_cpu(coordinator.process.pid))]

        # Run, with the kill and the restart when asked.
        end = t0 + args.duration * 60
        kill_at = None
        if args.kill_at is not None:
            # Three seconds after a grid point of the 60 s job, so the kill finds most OLTs
            # running (between grid points it may find none).
            sleep_until(grid_point(t0 + args.kill_at * 60, 60, 10) + 3)
            if args.executor == "local":
                cpu.append((time.time(), process_cpu(coordinator.process.pid)))
            kill_at = time.time()
            processes.kill_workers()
            print(f"killed the worker processes at {stamp(kill_at)}", flush=True)
            sleep_until(kill_at + RESTART_AFTER)
            processes.start_workers()
            if args.executor == "local":
                coordinator = processes.coordinators[-1]
                time.sleep(5)
                cpu.append((time.time(), process_cpu(coordinator.process.pid)))
        sleep_until(end)

        # Stop starting work; let running work end.
        cpu.append((time.time(), process_cpu(coordinator.process.pid)))
        stop_new_work()
        drained = wait_until_idle(DRAIN_TIMEOUT)
    finally:
        processes.stop_all()

    report(args, t0, end, kill_at, drained, processes, cpu, coordinator)


def build_workload(olts: int, sizing: Sizing) -> float:
    """The fleet, in bulk; returns the start time (epoch seconds) the first runs count from."""
    from django.conf import settings
    from django.db import transaction

    from oltflow.coordinator.policy import effective_priority, first_run_at
    from oltflow.coordinator.tests.factories import make_catalog
    from oltflow.inventory.models import Olt
    from oltflow.jobs.models import SnmpJob, SnmpJobHost
    from oltflow.workflows.models import (
        OltWorkflow,
        WorkflowNode,
        WorkflowTemplate,
        WorkflowTemplateNode,
    )

    parameters = {
        "duration_min": sizing.duration_min,
        "duration_max": sizing.duration_max,
        "failure_ratio": 0.15,
        "interrupt_ratio": 0.05,
        "retryable": True,
    }
    with transaction.atomic():
        catalog = make_catalog(max_retries=2, retry_delay_seconds=30)
        template = WorkflowTemplate.objects.create(name="Schedule quality")
        template_nodes = [
            WorkflowTemplateNode.objects.create(
                template=template,
                key=key,
                name=key,
                oid=catalog.oids[kind],
                task_template=catalog.task_templates[kind],
                interval_seconds=interval,
                parameters=parameters,
            )
            for kind, key, interval in NODES
        ]
        fleet = Olt.objects.bulk_create(
            Olt(
                name=f"olt-{number:04d}",
                brand=catalog.brand,
                model=catalog.model,
                host="192.0.2.1",
                community="public",
            )
            for number in range(olts)
        )
        workflows = OltWorkflow.objects.bulk_create(
            OltWorkflow(olt=olt, template=template) for olt in fleet
        )
        nodes = WorkflowNode.objects.bulk_create(
            WorkflowNode(
                workflow=workflow,
                template_node=template_node,
                key=template_node.key,
                name=template_node.name,
                oid=template_node.oid,
                task_template=template_node.task_template,
                interval_seconds=template_node.interval_seconds,
                parameters=parameters,
            )
            for workflow in workflows
            for template_node in template_nodes
        )
        jobs = SnmpJob.objects.bulk_create(
            SnmpJob(
                node=node,
                name=f"{node.workflow.olt.name} {node.name}",
                kind=node.oid.kind,
                task_template=node.task_template,
                interval_seconds=node.interval_seconds,
                priority=effective_priority(node.oid.kind, None),
            )
            for node in nodes
        )
        start = datetime.now(UTC)
        offsets = settings.OLTFLOW["OFFSETS"]
        SnmpJobHost.objects.bulk_create(
            SnmpJobHost(
                job=job,
                olt=node.workflow.olt,
                next_run_at=first_run_at(
                    start + timedelta(seconds=job.interval_seconds),
                    job.interval_seconds,
                    offsets[job.kind],
                ),
            )
            for job, node in zip(jobs, nodes, strict=True)
        )
    return start.timestamp()


def stop_new_work() -> None:
    from oltflow.jobs.models import SnmpJobHost

    SnmpJobHost.objects.update(enabled=False)


def wait_until_idle(timeout: float) -> bool:
    from oltflow.jobs.choices import ACTIVE_STATUSES
    from oltflow.jobs.models import Execution

    deadline = time.time() + timeout
    while time.time() < deadline:
        if not Execution.objects.filter(status__in=ACTIVE_STATUSES).exists():
            return True
        time.sleep(1)
    return False


def load_rows() -> list[measures.Row]:
    from django.conf import settings

    from oltflow.jobs.models import Execution

    offsets = settings.OLTFLOW["OFFSETS"]

    def seconds(moment: datetime | None) -> float | None:
        return moment.timestamp() if moment is not None else None

    return [
        measures.Row(
            id=e.pk,
            olt_id=e.olt_id,
            job_host_id=e.job_host_id,
            interval=e.job_host.job.interval_seconds,
            offset=offsets[e.kind],
            attempt=e.attempt,
            status=e.status,
            due=e.due_at.timestamp(),
            created=e.created_at.timestamp(),
            started=seconds(e.started_at),
            finished=seconds(e.finished_at),
        )
        for e in Execution.objects.select_related("job_host__job").order_by("pk")
    ]


def report(args, t0, end, kill_at, drained, processes, cpu, coordinator) -> None:
    rows = load_rows()
    # Grid periods count from the 60 s job's first due point: none is due before it.
    window = (t0 + 60, end)

    print(f"\nexecutions: {len(rows)} ({sum(r.attempt == 1 for r in rows)} first attempts)")
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    print("  by status:", ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
    print("  retries:", ", ".join(f"{k} {v}" for k, v in sorted(measures.retries(rows).items())))

    def line(label: str, values: list[float], keys: tuple[str, ...], unit: str = "s") -> None:
        figures = measures.summary(values)
        text = ", ".join(f"{key} {figures[key]:.3f}" for key in keys)
        print(f"{label:<36} {text} {unit} (n {figures['n']})")

    print()
    line("raw lateness (start - due)", measures.raw_lateness(rows), PERCENTILES)
    line("scheduling delay", measures.scheduling_delay(rows), PERCENTILES)
    # The outage: from the kill until the restarted workers are up and the reaper has ended
    # what the kill left (its heartbeat timeout), plus a margin for the workers' start-up.
    outage = None
    if kill_at is not None:
        outage = (kill_at, kill_at + RESTART_AFTER + HEARTBEAT_TIMEOUT + 5)
        span = f"{stamp(outage[0])}..{stamp(outage[1])}"
        raw = measures.raw_lateness(rows, outside=outage)
        line(f"  without waiting in {span}: raw", raw, PERCENTILES)
        delays = measures.scheduling_delay(rows, outside=outage)
        line(f"  without ready in {span}: delay", delays, PERCENTILES)
    line("spacing of the 60 s job", measures.spacing(rows, 60), ("p50", "min", "p95", "max"))
    periods, empty, double = measures.grid_periods(rows, 60, 10, window)
    print(f"{'grid periods of the 60 s job':<36} {periods}: {empty} with none, {double} with 2+")
    line("idle gap with work due", measures.idle_gaps_with_work_due(rows), ("p50", "p95", "max"))
    if outage is not None:
        gaps = measures.idle_gaps_with_work_due(rows, outside=outage)
        line(f"  without free in {span}", gaps, ("p50", "p95", "max"))

    ticks, loop_cpu, loop_wall = read_ticks(processes.coordinators)
    line("tick time", ticks, ("p50", "p95", "p99", "max"), "ms")
    print(
        f"{'coordinator CPU, tick thread':<36} {100 * loop_cpu / loop_wall:.2f} % of one core "
        f"({loop_cpu:.2f} s over {loop_wall:.0f} s, time.thread_time in the loop)"
    )
    stretches = list(zip(cpu[::2], cpu[1::2], strict=False))
    if all(c0 is not None and c1 is not None for (_, c0), (_, c1) in stretches):
        used = sum(c1 - c0 for (_, c0), (_, c1) in stretches)
        wall = sum(w1 - w0 for (w0, _), (w1, _) in stretches)
        what = "coordinator process" if args.executor == "celery" else "`oltflow run` process"
        note = "" if args.executor == "celery" else ", worker threads included"
        print(
            f"{'CPU, ' + what:<36} {100 * used / wall:.2f} % of one core "
            f"(/proc/<pid>/stat, {used:.1f} s over {wall:.0f} s{note})"
        )

    if kill_at is not None:
        recovery = measures.recovery_after_kill(rows, kill_at)
        never = [olt for olt, after in recovery.items() if after is None]
        values = [after for after in recovery.values() if after is not None]
        print(f"\nkill at {stamp(kill_at)}: {len(recovery)} OLTs had an active execution")
        freed = measures.freed_after_kill(rows, kill_at)
        ended = [after for after in freed.values() if after is not None]
        if ended:
            line("  its active execution ended after", ended, ("p50", "p95", "max"))
        if values:
            line("  ran again after", values, ("p50", "p95", "max"))
        print(f"  never ran again: {never or 'none'}")
        print(
            "  per OLT (s): "
            + ", ".join(
                f"{olt}:{after:.1f}" if after is not None else f"{olt}:never"
                for olt, after in sorted(recovery.items())
            )
        )

    left = measures.active(rows)
    print(
        f"\nleft PENDING or RUNNING at the end: {len(left)}"
        + ("" if drained else " (drain timed out)")
    )
    for row in left:
        print(f"  execution {row.id} OLT {row.olt_id} {row.status}")
    found = measures.overlaps(rows)
    print(f"OLTs with two overlapping executions: {len({pair[0] for pair in found})} {found[:10]}")


def read_ticks(lives: list[Life]) -> tuple[list[float], float, float]:
    """Tick wall times (ms), the loop thread's CPU seconds and its wall seconds, all lives."""
    times, cpu, wall = [], 0.0, 0.0
    for life in lives:
        last = None
        for match in TICK_LINE.finditer(life.log.read_text()):
            times.append(float(match.group(2)))
            last = float(match.group(4))
        if last is not None:
            cpu += last
            wall += (life.stopped or time.time()) - life.started
    return times, cpu, wall or math.nan


def process_cpu(pid: int) -> float | None:
    """User plus system CPU seconds of a process and its threads (not its children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def grid_point(moment: float, interval: int, offset: int) -> float:
    """The first grid point of ``interval`` (shifted by ``offset``) at or after ``moment``."""
    return math.ceil((moment - offset) / interval) * interval + offset


def sleep_until(moment: float) -> None:
    while (left := moment - time.time()) > 0:
        time.sleep(min(left, 1.0))


def stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%H:%M:%S")


if __name__ == "__main__":
    main()
