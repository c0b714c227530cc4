"""Load benchmark: Outcry against a bare Django reference app, same machine.

Run from the repository root as ``.venv/bin/python bench/run.py`` (what
``make bench`` does). It creates scratch databases, starts both apps under
the same gunicorn settings, drives them like browsers, checks that no
acknowledged signature was lost and that the public counter is exact, then
repeats the Outcry half with 1,000,000 signatures already on the campaign.
Then bench/drain.py measures how fast one worker sends 10,000 queued letters
(``--no-drain`` skips it). Results are printed and written to
bench/results/latest.md.

Exit status: 0 when the run completed (missed speed targets are flagged in
the table; ``--strict`` turns them into status 1), 1 when a signature or a
letter was lost (or a letter duplicated) or a counter was wrong, 2 when the
benchmark itself could not run.
"""

import argparse
import json
import os
import re
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import db
import load
import machine
import redis
from cryptography.fernet import Fernet
from report import KINDS, Check, Report
from servers import CommandFailed, Server, free_port, http_get, run_command

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
REFERENCE_DIR = BENCH / "reference"
RESULTS = BENCH / "results"
LOGS = RESULTS / "logs"
VENV_BIN = Path(sys.executable).parent
GUNICORN_CONF = BENCH / "gunicorn.conf.py"

APP_DB, REF_DB = "outcry_bench", "outcry_bench_ref"
REDIS_URL = "redis://127.0.0.1:6379/3"
SLUG = "workers-table-four"
SENDING_SLUG = "bench-sending"  # one unpaced target: every signature's letter goes at once
NGINX_CONF = ROOT / "deploy" / "nginx" / "outcry.conf"
SENDING_WORKER_CONCURRENCY = 4  # as docker-compose.yml runs it
LETTERS_SENT_TIMEOUT = 180  # seconds for the worker to finish the letters of the sending runs
# The steady-signing probe: signatures at this rate through the web for this long, each letter sent at once.
LATENCY_RATE, LATENCY_SECONDS = 50.0, 20.0
LETTER_ID = re.compile(r"<letter\.(\d+)\.")
COUNTER_CACHE_WAIT = 3.0  # the counter may be cached this long
COUNTER_GRACE = 3.0  # then poll this much longer before calling it wrong
DJANGO = {"DJANGO_SETTINGS_MODULE": "outcry.settings"}
BUSY_WARNING = 15  # percent of the cores busy with other work before we start

# Variables of the caller's shell that would steer either app elsewhere.
SCRUBBED_ENV = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "CACHE_URL",
)


@dataclass
class Target:
    """One server under test and the flows to drive it with, by kind."""

    name: str
    port: int
    flows: dict[str, load.Flow]
    acknowledged: int = 0  # on the measured campaign (the "sign" flows)
    bases: dict[str, str] = field(default_factory=dict)  # kinds served from elsewhere (nginx)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=16, help="clients, both apps")
    parser.add_argument("--duration", type=float, default=1.5, help="seconds per run")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--max-flows", type=int, default=20_000, help="cap per run")
    parser.add_argument("--warmup", type=float, default=0.6, help="seconds per flow kind")
    parser.add_argument("--prefill", type=int, default=1_000_000, help="existing signatures")
    parser.add_argument("--reference-only", action="store_true", help="only the reference app (no Outcry)")
    parser.add_argument("--keep-databases", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a missed target")
    parser.add_argument("--no-drain", action="store_true", help="skip the drain benchmark (bench/drain.py)")
    parser.add_argument("--drain-letters", type=int, default=10_000, help="queued letters for the drain")
    return parser.parse_args()


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def app_database_settings(env: dict) -> dict:
    """The app's own DATABASES["default"], as Django resolves it from its env."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    out = run_command(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "outcry.settings"},
        log=LOGS / "outcry-setup.log",
    )
    return json.loads(out.strip().splitlines()[-1])


def default_database_settings() -> dict:
    """Used only with --reference-only, when there is no app to copy from."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": db.PG["host"],
        "PORT": str(db.PG["port"]),
        "USER": db.PG["user"],
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


def gunicorn(wsgi: str, port: int) -> list[str]:
    return [
        str(VENV_BIN / "gunicorn"),
        "-c",
        str(GUNICORN_CONF),
        "--bind",
        f"127.0.0.1:{port}",
        wsgi,
    ]


def flush_redis() -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


def counter_value(port: int) -> int | None:
    status, body = http_get(port, f"/c/{SLUG}/counter.json")
    return json.loads(body)["signatures"] if status == 200 else None


class Benchmark:
    def __init__(self, args: argparse.Namespace, stack: ExitStack):
        self.args, self.stack = args, stack
        self.secret = secrets.token_urlsafe(48)
        self.common = {"SECRET_KEY": self.secret, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        self.app_env = clean_env(
            DEBUG="false",
            # Plain http on loopback: production's redirect to https would answer every request 301.
            SECURE_SSL_REDIRECT="false",
            # Production encrypts signer data at rest: so does the benchmark.
            SIGNER_DATA_KEYS=Fernet.generate_key().decode(),
            DATABASE_URL=db.url(APP_DB),
            REDIS_URL=REDIS_URL,
            EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
            # seed_demo keeps an admin password under var/: not the developer's var/.
            OUTCRY_VAR_DIR=str(RESULTS / "var"),
            **self.common,
        )
        self.prefill_label = f"{args.prefill:,} signatures"
        phases = ["fresh"] if args.reference_only else ["fresh", self.prefill_label]
        self.report = Report(settings={}, phases=phases)
        self.campaign = 0
        self.baseline_rows = 0
        self.sending_campaign = 0
        self.sending_acknowledged = 0

    # -- setup -----------------------------------------------------------

    def setup_reference(self, database: dict) -> Target:
        env = clean_env(
            DJANGO_SETTINGS_MODULE="refsite.settings",
            REFERENCE_DATABASE=json.dumps({**database, "NAME": REF_DB}),
            **self.common,
        )
        log = LOGS / "reference.log"
        db.recreate(REF_DB)
        self.stack.callback(self.drop, REF_DB)
        run_command([sys.executable, "manage.py", "migrate"], cwd=REFERENCE_DIR, env=env, log=log)
        db.execute(
            REF_DB,
            "INSERT INTO refsite_signer (first_name, last_name, email, country, created_at) "
            "VALUES ('Row', 'One', 'row1@example.invalid', 'GB', now())",
        )
        port = free_port()
        self.start(
            Server("reference", gunicorn("refsite.wsgi", port), cwd=REFERENCE_DIR, env=env, log=log), port, "/row.json"
        )
        return Target(
            "reference",
            port,
            {
                "sign": load.signing_flow("/page/", "/page/thanks/"),
                "json": load.read_flow("/row.json"),
                "page": load.read_flow("/page/"),
            },
        )

    def setup_app(self) -> Target:
        log = LOGS / "outcry-setup.log"
        db.recreate(APP_DB)
        self.stack.callback(self.drop, APP_DB)
        flush_redis()
        self.stack.callback(flush_redis)  # the letters queued by signing
        for command in (["migrate"], ["collectstatic", "--noinput"], ["seed_demo"]):
            run_command([sys.executable, "manage.py", *command], cwd=ROOT, env=self.app_env, log=log)
        self.campaign = db.campaign_id(APP_DB, SLUG)
        # The load signs from one address, in milliseconds, with one email domain: it measures the
        # honest path, so the defences that would hold every such signature (fill time, per-IP and
        # per-domain limits) are off; the others (honeypot, disposable list, block rules, per-email
        # limit in Redis) run as for anyone. Signatures count and send at once (signers_at_risk off):
        # the path that does the most per request; an at-risk campaign stores a pending row instead.
        db.execute(
            APP_DB,
            "UPDATE campaigns_campaign SET abuse_min_fill_seconds = NULL, abuse_ip_hourly_limit = NULL, "
            "abuse_domain_hourly_limit = NULL, signers_at_risk = false WHERE id = %s",
            (self.campaign,),
        )
        self.baseline_rows = db.signature_rows(APP_DB, self.campaign)
        self.sending_campaign = self.make_sending_campaign(log)
        port = free_port()
        page = f"/c/{SLUG}/"
        self.start(
            Server("outcry", gunicorn("outcry.wsgi", port), cwd=ROOT, env=self.app_env, log=LOGS / "outcry.log"),
            port,
            page,
        )
        self.start_sending_worker()
        proxy_port = self.start_nginx(port, page)
        return Target(
            "outcry",
            port,
            {
                "sign": load.signing_flow(page, f"/c/{SLUG}/share/"),
                "sign_sending": load.signing_flow(f"/c/{SENDING_SLUG}/", f"/c/{SENDING_SLUG}/share/"),
                "json": load.read_flow(f"/c/{SLUG}/counter.json"),
                "page": load.read_flow(page),
                "page_proxy": load.read_flow(page),
                "json_proxy": load.read_flow(f"/c/{SLUG}/counter.json"),
            },
            bases=dict.fromkeys(("page_proxy", "json_proxy"), f"http://127.0.0.1:{proxy_port}"),
        )

    def setup_ceiling(self) -> Target:
        port = free_port()
        self.start(
            Server(
                "ceiling", gunicorn("ceiling:application", port), cwd=BENCH, env=self.app_env, log=LOGS / "ceiling.log"
            ),
            port,
            "/",
        )
        return Target("ceiling", port, {"json": load.read_flow("/")})

    def make_sending_campaign(self, log: Path) -> int:
        """A campaign of bench/drain.py's kind with one unpaced target: signing publishes each letter."""
        code = (
            "import sys; sys.path.insert(0, 'bench'); import django; django.setup(); "
            f"from drain import make_campaign; make_campaign({SENDING_SLUG!r}, 1)"
        )
        run_command([sys.executable, "-c", code], cwd=ROOT, env={**self.app_env, **DJANGO}, log=log)
        return db.campaign_id(APP_DB, SENDING_SLUG)

    def start_sending_worker(self) -> None:
        """A Celery worker as docker-compose runs it, sending to the SMTP sink. It idles through the
        other measures: the demo campaign's target is paced, so its letters wait for beat (not run)."""
        smtp_port = free_port()
        self.sink_path = LOGS / "sending-sink.txt"
        self.sink_path.unlink(missing_ok=True)
        sink = Server(
            "smtp sink",
            [sys.executable, str(BENCH / "smtp_sink.py"), str(smtp_port), str(self.sink_path)],
            cwd=ROOT,
            env=self.app_env,
            log=LOGS / "sending-sink.log",
        )
        self.stack.callback(sink.stop)
        sink.start()
        worker_env = {**self.app_env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
        worker = Server(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "outcry",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={SENDING_WORKER_CONCURRENCY}",
                "--hostname",
                f"bench-{secrets.token_hex(4)}@%h",
            ],
            cwd=ROOT,
            env=worker_env,
            log=LOGS / "sending-worker.log",
        )
        self.stack.callback(worker.stop)
        worker.start()

    def start_nginx(self, app_port: int, ready_path: str) -> int:
        """nginx with the README's configuration (deploy/nginx/outcry.conf) in front of the app,
        on plain http, its cache in a scratch folder."""
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise RuntimeError("nginx is missing: install Debian's package 'nginx' (apt-get install nginx)")
        folder = Path(tempfile.mkdtemp(prefix="outcry-bench-nginx-"))
        self.stack.callback(shutil.rmtree, folder, True)
        folder.chmod(0o777)  # nginx's workers run as nobody
        port = free_port()
        site = NGINX_CONF.read_text()
        for old, new in (
            ("/var/cache/nginx/outcry", str(folder / "cache")),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
            ("listen 443 ssl;", f"listen 127.0.0.1:{port};"),
            ("server_name petitions.example.org;", "server_name 127.0.0.1;"),
        ):
            if old not in site:
                raise RuntimeError(f"{NGINX_CONF} no longer holds {old!r}: update bench/run.py")
            site = site.replace(old, new)
        (folder / "outcry.conf").write_text(site)
        (folder / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
            f"  include {folder}/outcry.conf;\n}}\n"
        )
        server = Server(
            "nginx",
            [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
            cwd=ROOT,
            env=self.app_env,
            log=LOGS / "nginx.log",
        )
        self.start(server, port, ready_path)
        return port

    def start(self, server: Server, port: int, ready_path: str) -> None:
        self.stack.callback(server.stop)
        server.start()
        server.wait_ready(port, ready_path)

    def drop(self, name: str) -> None:
        if not self.args.keep_databases:
            db.drop(name)

    # -- measuring ---------------------------------------------------------

    def drive(self, target: Target, kind: str, duration: float) -> load.Result:
        result = load.run(
            target.bases.get(kind, target.base),
            target.flows[kind],
            concurrency=self.args.concurrency,
            max_flows=self.args.max_flows,
            duration=duration,
        )
        if kind == "sign_sending":
            self.sending_acknowledged += result.acknowledged
        else:
            target.acknowledged += result.acknowledged
        return result

    def warm_up(self, targets: list[Target]) -> None:
        """Lazy imports, template loading and DB connections happen here, unmeasured."""
        for target in targets:
            for kind in KINDS:
                if kind in target.flows:
                    self.drive(target, kind, self.args.warmup)

    def measure_phase(self, phase: str, targets: list[Target]) -> None:
        for kind in KINDS:
            for rep in range(self.args.repeats):
                # Alternate who goes first so slow drift hits both sides alike.
                order = targets if rep % 2 == 0 else targets[::-1]
                for target in (target for target in order if kind in target.flows):
                    result = self.drive(target, kind, self.args.duration)
                    self.report.add(phase, target.name, kind, result)
                    log(
                        f"{phase:>20} {target.name:>9} {kind:>4} #{rep + 1}: "
                        f"{result.rate:7.1f}/s  p95 {result.percentile(95):6.1f} ms  "
                        f"errors {result.error_count}"
                    )
            if kind == "sign":
                self.check(phase, targets)
            if kind == "sign_sending" and self.sending_campaign:
                self.check_sending(phase)

    def check(self, phase: str, targets: list[Target]) -> None:
        for target in targets:
            if target.name == "reference":
                rows = db.scalar(REF_DB, "SELECT count(*) FROM refsite_signer") - 1
                if rows != target.acknowledged:
                    self.report.notes.append(f"reference app: {target.acknowledged} acknowledged, {rows} rows")
            elif target.name == "outcry":
                self.report.checks.append(self.check_app(phase, target))

    def check_app(self, phase: str, target: Target) -> Check:
        """Every 302 is a row, and counter.json shows the row count once its cache expires."""
        prefilled = self.args.prefill if phase == self.prefill_label else 0
        expected = self.baseline_rows + prefilled + target.acknowledged
        rows = db.signature_rows(APP_DB, self.campaign)
        started = time.monotonic()
        time.sleep(COUNTER_CACHE_WAIT)
        counter = counter_value(target.port)
        while counter != rows and time.monotonic() - started < COUNTER_CACHE_WAIT + COUNTER_GRACE:
            time.sleep(0.25)
            counter = counter_value(target.port)
        check = Check(phase, expected, rows, counter, time.monotonic() - started)
        log(f"{phase:>20} integrity: expected {expected}, rows {rows}, counter {counter}")
        return check

    def measure_letter_latency(self, target: Target) -> None:
        """Sign at a steady LATENCY_RATE through the web while the worker sends each letter at once:
        how long from a signature's row to the SMTP server receiving its letter."""
        since = db.scalar(APP_DB, "SELECT now()")
        result = load.run(
            target.base,
            target.flows["sign_sending"],
            concurrency=self.args.concurrency,
            max_flows=int(LATENCY_RATE * LATENCY_SECONDS),
            duration=LATENCY_SECONDS + 5,
            pace=LATENCY_RATE,
        )
        self.sending_acknowledged += result.acknowledged
        self.wait_until_sent()
        created = dict(
            db.rows(
                APP_DB,
                "SELECT d.id, extract(epoch FROM s.created_at) FROM petitions_delivery d "
                "JOIN petitions_signature s ON s.id = d.signature_id WHERE d.campaign_id = %s AND s.created_at >= %s",
                (self.sending_campaign, since),
            )
        )
        waits = []
        for line in self.sink_path.read_text().splitlines():
            received, _, message_id = line.partition(" ")
            found = LETTER_ID.match(message_id)
            if found and int(found.group(1)) in created:
                waits.append(float(received) - float(created[int(found.group(1))]))
        waits.sort()
        if not waits:
            self.report.notes.append("steady-signing probe: no letter arrived")
            return
        self.report.letter_latency = {
            "signatures": result.acknowledged,
            "rate": result.acknowledged / result.elapsed,
            "letters": len(waits),
            "p50": waits[len(waits) // 2],
            "p95": waits[min(len(waits) - 1, int(len(waits) * 0.95))],
            "max": waits[-1],
        }
        log(f"steady signing: {self.report.letter_latency}")

    def wait_until_sent(self) -> float:
        """Seconds until every letter of the sending campaign is sent (or the timeout)."""
        started = time.monotonic()
        unsent_sql = "SELECT count(*) FROM petitions_delivery WHERE campaign_id = %s AND status <> 'sent'"
        while (
            db.scalar(APP_DB, unsent_sql, (self.sending_campaign,))
            and time.monotonic() - started < LETTERS_SENT_TIMEOUT
        ):
            time.sleep(0.5)
        time.sleep(0.5)  # the sink flushes every 0.2 s
        return time.monotonic() - started

    def check_sending(self, phase: str) -> None:
        """Every acknowledged signature of the sending runs is a row, and each row's one letter reached
        the SMTP sink exactly once."""
        rows = db.signature_rows(APP_DB, self.sending_campaign)
        waited = self.wait_until_sent()
        letters = db.scalar(
            APP_DB, "SELECT count(*) FROM petitions_delivery WHERE campaign_id = %s", (self.sending_campaign,)
        )
        ids = [line.split(" ", 1)[1] for line in self.sink_path.read_text().splitlines() if " " in line]
        received, duplicates = len(set(ids)), len(ids) - len(set(ids))
        self.report.checks.append(
            Check(f"{phase}, sending", self.sending_acknowledged, rows, received, waited, duplicates)
        )
        log(
            f"{phase:>20} sending: acknowledged {self.sending_acknowledged}, rows {rows}, letters {letters}, "
            f"received {received}, duplicates {duplicates}, all sent after {waited:.1f} s"
        )

    def prefill(self) -> None:
        started = time.monotonic()
        chosen = db.prefill_signatures(APP_DB, self.campaign, self.args.prefill)
        (LOGS / "prefill.log").write_text(json.dumps(chosen, indent=2) + "\n")
        inserted = time.monotonic() - started
        run_command(
            [sys.executable, "manage.py", "reconcile_counters"],
            cwd=ROOT,
            env=self.app_env,
            log=LOGS / "outcry-setup.log",
        )
        message = (
            f"prefilled {self.args.prefill:,} signatures in {inserted:.1f} s "
            f"(one INSERT ... SELECT, then VACUUM ANALYZE and CHECKPOINT), "
            f"reconcile_counters took {time.monotonic() - started - inserted:.1f} s"
        )
        self.report.notes.append(message)
        log(message)

    # -- the whole run -----------------------------------------------------

    def run(self) -> Report:
        busy_before = machine.busy_percent()
        started = time.monotonic()
        if self.args.reference_only:
            database = default_database_settings()
            targets = [self.setup_reference(database)]
        else:
            database = app_database_settings(self.app_env)
            targets = [self.setup_reference(database), self.setup_app(), self.setup_ceiling()]
        self.describe(database)
        self.note_other_load("before the start", busy_before)
        log(f"setup done in {time.monotonic() - started:.1f} s")

        self.warm_up(targets)
        self.measure_phase("fresh", targets)
        if not self.args.reference_only:
            self.measure_letter_latency(targets[1])
            self.prefill()
            self.warm_up(targets[1:])
            self.measure_phase(self.prefill_label, targets)
        self.report.settings["wall time"] = f"{time.monotonic() - started:.0f} s"
        self.note_other_load("after the end", machine.busy_percent())
        return self.report

    def note_other_load(self, when: str, busy: float) -> None:
        """Other work on the shared cores skews every figure: say so in the report."""
        self.report.settings[f"other CPU load {when}"] = f"{busy:.0f}%"
        if busy > BUSY_WARNING:
            message = f"the machine was {busy:.0f}% busy {when} with other work: figures are skewed"
            self.report.notes.append(message)
            log("warning: " + message)

    def describe(self, database: dict) -> None:
        conf = runpy.run_path(str(GUNICORN_CONF))
        self.report.settings.update(
            {
                "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": f"{os.cpu_count()} cores, shared by servers, PostgreSQL and client",
                "gunicorn": f"{conf['worker_class']}, {conf['workers']} workers, "
                f"{conf['threads']} threads (bench/gunicorn.conf.py, both apps)",
                "database": f"PostgreSQL, CONN_MAX_AGE={database.get('CONN_MAX_AGE')}, "
                f"CONN_HEALTH_CHECKS={database.get('CONN_HEALTH_CHECKS')}, "
                f"ATOMIC_REQUESTS={database.get('ATOMIC_REQUESTS')} (both apps)",
                "load": f"{self.args.concurrency} concurrent clients, runs of "
                f"{self.args.duration:g} s (at most {self.args.max_flows} flows), "
                f"median of {self.args.repeats}",
            }
        )


def log(message: str) -> None:
    print(message, flush=True)


DRAIN_TIMEOUT = 900  # seconds; the drain stops its own processes when told to (SIGTERM)


def run_drain(args: argparse.Namespace) -> tuple[int, str]:
    """bench/drain.py in its own process (it sets Django up for its scratch database): its exit
    status and its report section."""
    out = RESULTS / "drain.md"
    out.unlink(missing_ok=True)
    # --strict: a missed drain target is status 3, told apart from lost letters (1) and failures (2).
    argv = [sys.executable, str(BENCH / "drain.py"), "--markdown", str(out), "--letters", str(args.drain_letters)]
    argv.append("--strict")
    log("drain benchmark (bench/drain.py)")
    proc = subprocess.Popen(argv, cwd=ROOT)
    try:
        status = proc.wait(timeout=DRAIN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.terminate()  # unwinds like Ctrl-C: its servers are stopped, its database dropped
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        status = 2
    except KeyboardInterrupt:
        # A Ctrl-C reached it too and it is cleaning up; a SIGTERM reached only us: pass it on.
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        raise
    if out.exists():
        return status, out.read_text()
    return status, f"## Drain\n\nThe drain benchmark did not complete (status {status}); see {LOGS}/drain-*.log.\n"


def main() -> int:
    args = parse_args()
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.glob("*.log"):
        old.unlink()
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped and the databases dropped.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with ExitStack() as stack:
            report = Benchmark(args, stack).run()
    except (CommandFailed, RuntimeError, OSError, db.psycopg2.Error, redis.RedisError) as exc:
        print(f"benchmark failed: {exc}\nlogs: {LOGS}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; servers stopped and scratch databases dropped", file=sys.stderr)
        return 130
    text = "# Outcry load benchmark\n\n" + report.markdown()
    drain_status = 0
    if not (args.no_drain or args.reference_only):
        try:
            drain_status, drain_text = run_drain(args)
        except KeyboardInterrupt:
            print("interrupted during the drain benchmark", file=sys.stderr)
            return 130
        text += "\n" + drain_text
    (RESULTS / "latest.md").write_text(text)
    print("\n" + text)
    print(f"written to {RESULTS / 'latest.md'}")
    verdicts = report.verdicts()
    missed = [name for name, met in verdicts if not met]
    if drain_status == 3:
        missed.append("drain targets (see the Drain section)")
    if missed:
        print("missed: " + "; ".join(missed))
    if any(name.startswith("integrity") for name in missed) or drain_status == 1:
        return 1
    if drain_status == 2:
        return 2
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
