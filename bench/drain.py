"""Drain benchmark: how fast one worker host sends a backlog of queued letters, and how soon a
single letter goes when nothing else is waiting.

Run from the repository root as ``.venv/bin/python bench/drain.py`` (``make bench`` runs it after
the signing benchmark, through bench/run.py). It creates the scratch database ``outcry_bench_drain``,
a private redis-server, an SMTP sink (bench/smtp_sink.py) and one Celery worker (prefork, as the
Procfile starts it), all on loopback. Then:

1. Drain: LETTERS queued letters (signatures and letters written in bulk, unpaced targets, ids
   published with the app's own doorbell), sent by the worker. Measured: letters per second (from
   the publish to the last message the sink received; each signature's letters share a message,
   as signing publishes them) and the time from each signature's
   created_at to the sink receiving its letter (joined on Message-ID).
2. Idle: PROBES single signatures through sign_petition, one at a time, each after the previous
   letter arrived: signature created_at to the sink receiving it, when nothing else is queued.

Every letter is audited: received exactly once, its row sent, the emails-sent counter equal to
the rows. ``--concurrency 2,3,4`` compares pool sizes; ``--profile`` runs cProfile in every pool
process (bench/profiled_worker.py) and writes the top costs to the logs folder.

Exit status: 0 when the run completed (a missed speed target is flagged NO; ``--strict`` makes it
status 3), 1 when a letter was lost or duplicated or a counter was wrong, 2 when the benchmark
could not run.
"""

import argparse
import contextlib
import os
import secrets
import signal
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import db
import machine
import redis
from cryptography.fernet import Fernet
from servers import CommandFailed, Server, free_port, run_command

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LOGS = RESULTS / "logs"
VENV_BIN = Path(sys.executable).parent
REDIS_ARGS = ["redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
DRAIN_DB = "outcry_bench_drain"
TARGET_RATE = 400.0  # letters a second, one worker host on 2 cores
TARGET_IDLE_P95 = 2.0  # seconds from signature to sent, when nothing else is queued
SCRUBBED_ENV = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL", "CACHE_URL")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=10_000, help="queued letters to drain")
    parser.add_argument("--targets", type=int, default=5, help="targets of the campaign (letters per signature)")
    parser.add_argument("--concurrency", default="4", help="pool processes; a comma list compares several")
    parser.add_argument("--loglevel", default="INFO", help="the worker's log level (the Procfile's is INFO)")
    parser.add_argument("--probes", type=int, default=20, help="single signatures for the idle latency")
    parser.add_argument("--timeout", type=float, default=600, help="give up on a drain after this many seconds")
    parser.add_argument("--profile", action="store_true", help="cProfile every pool process")
    parser.add_argument(
        "--worker-app", default="outcry", help="the Celery app module the worker runs (to try a change: see README)"
    )
    parser.add_argument(
        "--worker-env", action="append", default=[], metavar="NAME=VALUE", help="extra environment for the worker"
    )
    parser.add_argument("--markdown", type=Path, help="also write the report section here")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 3 on a missed target")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"drain: {message}", flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


# -- processes -------------------------------------------------------------------------------


def wait_for(probe, *, timeout: float, what: str, server: Server | None = None, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if server is not None and server.proc.poll() is not None:
            raise CommandFailed(f"{server.name} exited ({server.proc.returncode}); see {server.log}")
        if time.monotonic() > deadline:
            raise CommandFailed(f"{what} not ready after {timeout:.0f}s" + (f"; see {server.log}" if server else ""))
        time.sleep(interval)


def redis_up(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=0.5) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _cpu_of(stat: Path) -> tuple[int, float]:
    """(process group, user + system CPU seconds) from a /proc/<pid>/stat file."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds of a worker's main process and of the rest of its process group (the pool)."""
    main = pool = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                group, seconds = _cpu_of(entry / "stat")
                if group == pid:
                    if int(entry.name) == pid:
                        main += seconds
                    else:
                        pool += seconds
    return main, pool


def process_cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return _cpu_of(Path(f"/proc/{pid}/stat"))[1]
    return 0.0


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, every core, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class Worker(Server):
    """`celery -A outcry worker` as the Procfile starts it, with a pool size of our choosing."""

    def __init__(self, *, concurrency: int, env: dict, loglevel: str, app: str, profile_dir: Path | None) -> None:
        if profile_dir is not None:
            # bench/profiled_worker.py: the app named by PROFILED_APP, with cProfile in each pool process.
            env = {**env, "PROFILED_APP": app, "DRAIN_PROFILE_DIR": str(profile_dir)}
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH", "")]))
            app = "profiled_worker"
        self.log_path = LOGS / f"drain-worker-{concurrency}.log"
        super().__init__(
            f"worker (prefork {concurrency})",
            [
                str(VENV_BIN / "celery"),
                "-A",
                app,
                "worker",
                f"--loglevel={loglevel}",
                f"--concurrency={concurrency}",
                "--hostname",
                f"drain-{secrets.token_hex(4)}@%h",
            ],
            cwd=ROOT,
            env=env,
            log=self.log_path,
        )


# -- the Django side (this process talks to the scratch database and the private Redis) -------


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "outcry.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_campaign(slug: str, targets: int):
    from django.utils import timezone

    from campaigns.enums import CampaignStatus
    from campaigns.models import Campaign, MessageTemplate, Organisation, Target

    organisation, _ = Organisation.objects.get_or_create(slug="drain-bench", defaults={"name": "Drain bench"})
    campaign = Campaign.objects.create(
        organisation=organisation,
        name=slug,
        slug=slug,
        status=CampaignStatus.LIVE,
        starts_at=timezone.now() - timezone.timedelta(days=1),
        goal=100_000,
        # Counted and sent at once: the probe's letter must exist without a confirmation click.
        signers_at_risk=False,
        # The probe signs through sign_petition without a browser's form stamp: measure sending,
        # not the abuse defences (they would hold every probe signature).
        abuse_min_fill_seconds=None,
        abuse_ip_hourly_limit=None,
        abuse_domain_hourly_limit=None,
    )
    MessageTemplate.objects.create(
        campaign=campaign,
        language="en",
        page_title="Free the Workers' Table four",
        story="Four trade unionists are in jail for organising.",
        letter_subject="Release the jailed trade unionists",
        letter_body="Dear {target_name},\n\nRelease the four trade unionists.\n\n{signer_message}\n\n"
        "Yours,\n{signer_signoff}",
    )
    for n in range(targets):
        # hourly_cap None: unpaced, the drain is what is measured.
        Target.objects.create(
            campaign=campaign,
            name=f"Office {n}",
            title="Head of Administration",
            email=f"office{n}@ministry.example.org",
            hourly_cap=None,
        )
    return campaign


def queue_backlog(campaign, letters: int, run: int) -> tuple[list[int], dict[int, datetime]]:
    """Signatures and their queued letters in one transaction, counted, as signing leaves them.
    Returns the letters' ids and each one's signature time; ring_doorbell() publishes them."""
    from django.db import transaction
    from django.utils import timezone

    from petitions.core.hashing import email_hash
    from petitions.enums import SignatureStatus
    from petitions.models import Delivery, Signature
    from petitions.reporting.counters import add_to_counters

    targets = list(campaign.targets.all())
    signatures = -(-letters // len(targets))
    now = timezone.now()
    rows = []
    for n in range(signatures):
        address = f"drain{run}.{n}@example.net"
        rows.append(
            Signature(
                campaign=campaign,
                first_name="Drain",
                last_name=f"Signer {n}",
                email=address,
                email_hash=email_hash(address),
                country="GB",
                city="Leeds",
                organisation="Unite the Union",
                message="Freedom of association is not a crime.",
                language="en",
                status=SignatureStatus.CONFIRMED,
                created_at=now,
                confirmed_at=now,
            )
        )
    with transaction.atomic():
        Signature.objects.bulk_create(rows, batch_size=2000)
        queued = Delivery.objects.bulk_create(
            [
                Delivery(campaign=campaign, signature=s, target=t, next_attempt_at=now, enqueued_at=now, created_at=now)
                for s in rows
                for t in targets
            ][:letters],
            batch_size=2000,
        )
        add_to_counters(campaign_id=campaign.pk, signatures=len(rows))
    ids = [letter.pk for letter in queued]
    return ids, dict.fromkeys(ids, now)


def ring_doorbell(ids: list[int], *, per_signature: int) -> None:
    """Publish the ids as signing does after commit, each signature's letters together
    (petitions/delivery/queueing.py): the app's own doorbell, its pooled connection."""
    from petitions.delivery.queueing import enqueue_deliveries

    for start in range(0, len(ids), per_signature):
        enqueue_deliveries(ids[start : start + per_signature])


def read_sink(path: Path) -> list[tuple[float, str]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        stamp, _, message_id = line.partition(" ")
        with contextlib.suppress(ValueError):
            out.append((float(stamp), message_id))
    return out


@dataclass
class Drain:
    concurrency: int
    letters: int
    seconds: float = 0.0
    rate: float = 0.0
    steady_rate: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    lost: int = 0
    duplicates: int = 0
    drift: int = 0
    cpu_ms: dict[str, float] = field(default_factory=dict)
    busy_before: float = 0.0  # % of the machine busy with other work just before the drain
    busy_during: float = 0.0  # % of the machine busy during the drain, ours and others' work
    machine_ms: float = 0.0  # CPU of the whole machine per letter: PostgreSQL's share shows here


class DrainBenchmark:
    def __init__(self, args: argparse.Namespace, stack: ExitStack) -> None:
        self.args, self.stack = args, stack
        self.sink_path = LOGS / "drain-sink.txt"
        self.smtp_port = free_port()
        self.redis_port = free_port()
        self.env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        self.env.update(
            PYTHONUNBUFFERED="1",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(48),
            SIGNER_DATA_KEYS=Fernet.generate_key().decode(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=db.url(DRAIN_DB),
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}",
            OUTCRY_VAR_DIR=str(RESULTS / "var"),
        )
        self.profile_dir = LOGS / "drain-profile" if args.profile else None
        self.drains: list[Drain] = []
        self.idle: list[float] = []
        self.settings: dict[str, str] = {}

    def start(self, server: Server) -> Server:
        self.stack.callback(server.stop)
        server.start()
        return server

    def setup(self) -> None:
        started = time.monotonic()
        db.recreate(DRAIN_DB)
        if not self.args.keep_database:
            self.stack.callback(db.drop, DRAIN_DB)
        redis_server = self.start(
            Server(
                "redis",
                [*REDIS_ARGS, "--port", str(self.redis_port)],
                cwd=ROOT,
                env=self.env,
                log=LOGS / "drain-redis.log",
            )
        )
        self.sink_path.unlink(missing_ok=True)
        sink = self.start(
            Server(
                "smtp sink",
                [sys.executable, str(BENCH / "smtp_sink.py"), str(self.smtp_port), str(self.sink_path)],
                cwd=ROOT,
                env=self.env,
                log=LOGS / "drain-sink.log",
            )
        )
        self.sink = sink
        run_command(
            [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=self.env, log=LOGS / "drain-setup.log"
        )
        wait_for(lambda: redis_up(self.env["REDIS_URL"]), timeout=10, what="redis", server=redis_server)
        wait_for(lambda: port_open(self.smtp_port), timeout=10, what="smtp sink", server=sink)
        self.redis_server = redis_server
        setup_django(self.env)
        log(f"setup done in {time.monotonic() - started:.1f} s")

    def worker(self, concurrency: int) -> Worker:
        if self.profile_dir is not None:
            self.profile_dir.mkdir(parents=True, exist_ok=True)
        extra = dict(item.split("=", 1) for item in self.args.worker_env)
        worker = Worker(
            concurrency=concurrency,
            env={**self.env, **extra},
            loglevel=self.args.loglevel,
            app=self.args.worker_app,
            profile_dir=self.profile_dir,
        )
        worker.log_path.unlink(missing_ok=True)
        self.start(worker)  # ready once it has sent the warm-up letters (its "ready." line is INFO)
        return worker

    def cpu(self, worker: Worker) -> dict[str, float]:
        """CPU seconds so far of the processes we started (PostgreSQL's are shared with others)."""
        main, pool = worker_cpu_seconds(worker.proc.pid)
        return {
            "worker pool": pool,
            "worker main": main,
            "smtp sink": process_cpu_seconds(self.sink.proc.pid),
            "redis": process_cpu_seconds(self.redis_server.proc.pid),
        }

    def drain(self, concurrency: int, run: int) -> tuple[Drain, Worker]:
        from petitions.enums import DeliveryStatus
        from petitions.mail.letters import letter_message_id
        from petitions.models import Delivery
        from petitions.reporting.counters import recount_campaign

        result = Drain(concurrency=concurrency, letters=self.args.letters, busy_before=machine.busy_percent(0.5))
        campaign = make_campaign(f"drain-{run}-{secrets.token_hex(3)}", self.args.targets)
        worker = self.worker(concurrency)
        sink_before = len(read_sink(self.sink_path))
        # Warm the pool (imports, connections, templates) on a few letters first, unmeasured.
        warm = make_campaign(f"warm-{run}-{secrets.token_hex(3)}", 1)
        warm_ids, _ = queue_backlog(warm, 4 * concurrency, run=-run - 1)
        ring_doorbell(warm_ids, per_signature=1)
        deadline = time.monotonic() + 60
        while Delivery.objects.filter(pk__in=warm_ids, status=DeliveryStatus.SENT).count() < len(warm_ids):
            if worker.proc.poll() is not None or time.monotonic() > deadline:
                raise CommandFailed(f"{worker.name} did not send the warm-up letters; see {worker.log_path}")
            time.sleep(0.1)
        time.sleep(0.5)
        cpu_before, machine_before = self.cpu(worker), machine_cpu()

        ids, signed_at = queue_backlog(campaign, self.args.letters, run=run)
        published = time.time()
        ring_doorbell(ids, per_signature=self.args.targets)
        written = published - min(signed_at.values()).timestamp()
        ringing = time.time() - published
        log(f"prefork {concurrency}: {len(ids)} letters written in {written:.1f} s, published in {ringing:.1f} s")
        deadline = time.monotonic() + self.args.timeout
        sent = 0
        last_report = time.monotonic()
        while sent < len(ids):
            if time.monotonic() > deadline:
                log(f"prefork {concurrency}: gave up after {self.args.timeout:.0f} s with {sent} sent")
                break
            if worker.proc.poll() is not None:
                raise CommandFailed(f"{worker.name} exited; see {worker.log_path}")
            time.sleep(0.25)
            sent = Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.SENT).count()
            if time.monotonic() - last_report > 10:
                log(f"prefork {concurrency}: {sent} sent after {time.time() - published:.0f} s")
                last_report = time.monotonic()
        time.sleep(0.6)  # the sink flushes every 0.2 s
        cpu_after, machine_after = self.cpu(worker), machine_cpu()
        busy = machine_after[0] - machine_before[0]
        result.busy_during = 100 * busy / max(1, machine_after[1] - machine_before[1])
        result.machine_ms = 1000 * busy / os.sysconf("SC_CLK_TCK") / max(1, len(ids))

        by_message_id = {letter_message_id(pk): pk for pk in ids}
        received: dict[int, list[float]] = {}
        for stamp, message_id in read_sink(self.sink_path)[sink_before:]:
            if message_id in by_message_id:
                received.setdefault(by_message_id[message_id], []).append(stamp)
        firsts = sorted(min(stamps) for stamps in received.values())
        sent_rows = Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.SENT).count()
        result.lost = len(ids) - min(sent_rows, len(received))
        result.duplicates = sum(len(stamps) - 1 for stamps in received.values())
        recount = recount_campaign(campaign_id=campaign.pk)
        result.drift = abs(recount.emails_sent_drift) + abs(recount.signatures_drift)
        if firsts:
            result.seconds = firsts[-1] - published
            result.rate = len(firsts) / result.seconds
            low, high = firsts[len(firsts) // 10], firsts[(9 * len(firsts)) // 10 - 1]
            result.steady_rate = (0.8 * len(firsts)) / max(1e-6, high - low)
            latencies = [min(received[pk]) - signed_at[pk].timestamp() for pk in received]
            result.p50, result.p95 = percentile(latencies, 50), percentile(latencies, 95)
        result.cpu_ms = {name: 1000 * (cpu_after[name] - cpu_before[name]) / max(1, len(firsts)) for name in cpu_before}
        log(
            f"prefork {concurrency}: {result.rate:.0f} letters/s over {result.seconds:.1f} s "
            f"(steady {result.steady_rate:.0f}/s), signature to SMTP p50 {result.p50:.1f} s p95 {result.p95:.1f} s, "
            f"lost {result.lost}, duplicates {result.duplicates}, counter drift {result.drift}"
        )
        return result, worker

    def probe_idle(self) -> None:
        """Single signatures, one at a time, through sign_petition: nothing else is queued."""
        from petitions.mail.letters import letter_message_id
        from petitions.models import Delivery
        from petitions.signing.service import sign_petition

        campaign = make_campaign(f"probe-{secrets.token_hex(3)}", 1)
        campaign = type(campaign).objects.prefetch_related("targets").get(pk=campaign.pk)
        for n in range(self.args.probes):
            time.sleep(0.3)
            data = {"first_name": "Idle", "last_name": f"Signer {n}", "email": f"idle{n}@example.net", "country": "GB"}
            signature = sign_petition(campaign=campaign, data=data, language="en", client_ip="192.0.2.1")
            message_id = letter_message_id(Delivery.objects.get(signature=signature).pk)
            deadline = time.monotonic() + 10
            while True:
                stamps = [stamp for stamp, mid in read_sink(self.sink_path) if mid == message_id]
                if stamps:
                    self.idle.append(stamps[0] - signature.created_at.timestamp())
                    break
                if time.monotonic() > deadline:
                    self.idle.append(float("inf"))
                    break
                time.sleep(0.05)
        log(
            f"idle: signature to SMTP p50 {percentile(self.idle, 50) * 1000:.0f} ms, "
            f"p95 {percentile(self.idle, 95) * 1000:.0f} ms over {len(self.idle)} single signatures"
        )

    def run(self) -> None:
        self.settings["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if self.profile_dir is not None:
            for old in self.profile_dir.glob("pool-*.prof"):
                old.unlink()
        self.setup()
        sizes = [int(value) for value in self.args.concurrency.split(",")]
        for run, concurrency in enumerate(sizes, start=1):
            result, worker = self.drain(concurrency, run)
            self.drains.append(result)
            if run == len(sizes):
                self.probe_idle()
            worker.stop()  # a warm shutdown: profiled pool processes write their profiles
        if self.profile_dir is not None:
            self.write_profile()

    def write_profile(self) -> None:
        import io
        import pstats

        files = sorted(str(path) for path in self.profile_dir.glob("pool-*.prof"))
        if not files:
            log("no profiles were written")
            return
        out = io.StringIO()
        stats = pstats.Stats(*files, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        path = LOGS / "drain-profile.txt"
        path.write_text(out.getvalue())
        log(f"profile of {len(files)} pool process(es) written to {path}")

    # -- report ----------------------------------------------------------------------------

    def verdicts(self) -> list[tuple[str, bool]]:
        best = max(self.drains, key=lambda d: d.rate)
        out = [(f"drain >= {TARGET_RATE:.0f} letters/s", best.rate >= TARGET_RATE)]
        if self.idle:
            out.append((f"idle p95 < {TARGET_IDLE_P95:.0f} s", percentile(self.idle, 95) < TARGET_IDLE_P95))
        return out

    def integrity_ok(self) -> bool:
        return all(d.lost == 0 and d.duplicates == 0 and d.drift == 0 for d in self.drains) and all(
            value != float("inf") for value in self.idle
        )

    def markdown(self) -> str:
        yes = {True: "yes", False: "NO"}
        cpu_names = list(self.drains[0].cpu_ms) if self.drains else []
        lines = [
            "## Drain",
            "",
            f"- date: {self.settings.get('date')}",
            f"- machine: {os.cpu_count()} cores, shared by the worker, PostgreSQL, Redis and the SMTP sink",
            f"- backlog: {self.args.letters:,} letters to {self.args.targets} unpaced targets, queued at once; "
            f"worker `celery -A {self.args.worker_app} worker --loglevel={self.args.loglevel} --concurrency=N` "
            f"(prefork){' with ' + ', '.join(self.args.worker_env) if self.args.worker_env else ''}"
            f"{', profiled (cProfile)' if self.args.profile else ''}, "
            "SMTP sink bench/smtp_sink.py",
            "",
            "| Worker | Letters | Drain s | Letters/s | Steady /s | Signature to SMTP p50 s | p95 s | "
            + " | ".join(f"CPU ms/letter {name}" for name in cpu_names)
            + " | CPU ms/letter whole machine | Lost | Duplicates | Counter drift | Machine busy before / during |",
            "|---|--:|--:|--:|--:|--:|--:|" + "--:|" * len(cpu_names) + "--:|--:|--:|--:|--:|",
        ]
        for d in self.drains:
            cpu = " | ".join(f"{d.cpu_ms[name]:.2f}" for name in cpu_names)
            lines.append(
                f"| prefork {d.concurrency} | {d.letters:,} | {d.seconds:.1f} | {d.rate:.0f} | {d.steady_rate:.0f} | "
                f"{d.p50:.1f} | {d.p95:.1f} | {cpu} | {d.machine_ms:.2f} | {d.lost} | {d.duplicates} | {d.drift} | "
                f"{d.busy_before:.0f}% / {d.busy_during:.0f}% |"
            )
        if self.idle:
            lines += [
                "",
                "| Idle: single signatures, one at a time | Count | p50 ms | p95 ms | max ms |",
                "|---|--:|--:|--:|--:|",
                f"| signature created_at to SMTP received | {len(self.idle)} | "
                f"{percentile(self.idle, 50) * 1000:.0f} | {percentile(self.idle, 95) * 1000:.0f} | "
                f"{max(self.idle) * 1000:.0f} |",
            ]
        lines += ["", "| Target | Met |", "|---|---|"]
        lines += [f"| {name} | {yes[met]} |" for name, met in self.verdicts()]
        lines.append(f"| integrity: no letter lost or duplicated, counters exact | {yes[self.integrity_ok()]} |")
        return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.glob("drain-*.log"):
        old.unlink()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with ExitStack() as stack:
            bench = DrainBenchmark(args, stack)
            bench.run()
    except (CommandFailed, RuntimeError, OSError, db.psycopg2.Error, redis.RedisError) as exc:
        print(f"drain benchmark failed: {exc}\nlogs: {LOGS}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; processes stopped and the scratch database dropped", file=sys.stderr)
        return 130
    text = bench.markdown()
    if args.markdown:
        args.markdown.write_text(text)  # bench/run.py prints it with the rest of the report
    else:
        print("\n" + text)
    if not bench.integrity_ok():
        return 1
    missed = [name for name, met in bench.verdicts() if not met]
    if missed:
        print("missed: " + "; ".join(missed))
    return 3 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
