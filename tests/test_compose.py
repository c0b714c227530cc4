"""docker-compose.yml, the Dockerfile and .env.example agree with what outcry/settings.py reads.

No Docker engine is needed: the compose file is parsed, its ${...} variables are substituted the
way Compose does it from a .env copied from .env.example, and Django is started in a subprocess
with exactly the environment that web, worker and beat would get.
"""

import fnmatch
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
SETTINGS = ROOT / "outcry" / "settings.py"

APP_SERVICES = ("web", "worker", "beat")
INFRASTRUCTURE = ("postgres", "redis")
WEB_ONLY = {"MIGRATE_ON_START"}

# What `manage.py check --deploy` may still say about the compose setup, and why: HSTS preload is a
# promise to browser vendors that only the operator of a real domain can make (SECURE_HSTS_PRELOAD).
ACCEPTED_DEPLOY_WARNINGS = {
    "security.W021": "SECURE_HSTS_PRELOAD: the operator's decision, off by default",
}
# The https settings as compose starts them: all on, whatever .env.example leaves commented.
SECURE_DEFAULTS = {
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_PROXY_SSL_HEADER": "true",
}

COMPOSE_VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})")
DOTENV_LINE = re.compile(r"^(?P<comment>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


class MissingVariable(Exception):
    pass


def substitute(text: str, values: dict[str, str]) -> str:
    """Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, $$."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name", "op", "arg")
        value = values.get(name)
        if op == ":-":
            return value or arg
        if op == "-":
            return arg if value is None else value
        if (op == ":?" and not value) or (op == "?" and value is None):
            raise MissingVariable(f"{name}: {arg}")
        return value or ""

    return COMPOSE_VARIABLE.sub(replace, text)


def substitute_all(node, values: dict[str, str]):
    if isinstance(node, dict):
        return {key: substitute_all(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [substitute_all(item, values) for item in node]
    if isinstance(node, str):
        return substitute(node, values)
    return node


def dotenv_lines(path: Path) -> list[re.Match]:
    return [match for line in path.read_text().splitlines() if (match := DOTENV_LINE.match(line.strip()))]


def dotenv_values(path: Path) -> dict[str, str]:
    """The variables a .env file sets (commented lines only document defaults)."""
    return {match["name"]: match["value"] for match in dotenv_lines(path) if not match["comment"]}


def dockerfile_instructions() -> list[tuple[str, str]]:
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (keyword.upper(), arguments.strip())
        for keyword, arguments in (line.strip().split(None, 1) for line in joined.splitlines() if line.strip())
    ]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, arguments in dockerfile_instructions():
        if keyword == "ENV":
            env.update(token.split("=", 1) for token in shlex.split(arguments))
    return env


def strings(node) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, str):
        yield node


def interpolated_names(compose: dict) -> set[str]:
    """The variables the compose file takes from .env (or the shell): what .env.example documents."""
    return {match["name"] for text in strings(compose) for match in COMPOSE_VARIABLE.finditer(text) if match["name"]}


def settings_variable_names() -> set[str]:
    """Every NAME that settings.py reads: read(env.X, "NAME", ...), env.X("NAME"), env("NAME")."""
    source = SETTINGS.read_text()
    names = set(re.findall(r"\bread\(\s*[\w.]+\s*,\s*\"([A-Z][A-Z0-9_]*)\"", source))
    names |= set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    return names


def is_read_by_the_app(name: str, settings_names: set[str]) -> bool:
    # FileAwareEnv also reads NAME_FILE for every NAME; settings map every ANYMAIL_* generically.
    return name in settings_names or name.removesuffix("_FILE") in settings_names or name.startswith("ANYMAIL_")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dotenv() -> dict[str, str]:
    """.env as an operator makes it: .env.example with SECRET_KEY and SIGNER_DATA_KEYS filled in, as
    it tells them."""
    return dotenv_values(ENV_EXAMPLE) | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SIGNER_DATA_KEYS": Fernet.generate_key().decode(),
    }


@pytest.fixture(scope="module")
def web_env(services, dotenv) -> dict[str, str]:
    """The environment of the web container: env_file (.env) under the environment block."""
    return dotenv | substitute_all(services["web"]["environment"], dotenv)


@pytest.fixture(scope="module")
def app_env(web_env) -> dict[str, str]:
    """What web, worker and beat all get (web adds only MIGRATE_ON_START, for its entrypoint)."""
    return {name: value for name, value in web_env.items() if name not in WEB_ONLY}


def container_process_env(app_env: dict[str, str]) -> dict[str, str]:
    """Nothing from the test run's own environment (DEBUG=true, local DATABASE_URL) leaks in."""
    return {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"} | dockerfile_env() | app_env


def test_compose_defines_every_service(services):
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat", "mailpit"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


@pytest.mark.parametrize(
    ("service", "probe"), [("postgres", "pg_isready"), ("redis", "redis-cli"), ("web", "/healthz")]
)
def test_service_has_a_healthcheck(services, service, probe):
    healthcheck = services[service]["healthcheck"]

    assert not healthcheck.get("disable", False)
    assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}
    assert probe in " ".join(healthcheck["test"])


def test_web_healthcheck_needs_only_python(services):
    command = services["web"]["healthcheck"]["test"]

    assert command[:3] == ["CMD", "python", "-c"]
    assert "urllib" in command[3]
    assert "http://127.0.0.1:8000/healthz" in command[3]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_waits_for_healthy_postgres_and_redis(services, service):
    depends_on = services[service]["depends_on"]

    for dependency in INFRASTRUCTURE:
        assert depends_on[dependency]["condition"] == "service_healthy", f"{service} -> {dependency}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_environment_names_are_read_by_settings(services, service):
    settings_names = settings_variable_names()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= settings_names  # the regex still works
    entrypoint_names = set(re.findall(r"\$\{(\w+)", ENTRYPOINT.read_text()))

    unknown = sorted(
        name
        for name in services[service]["environment"]
        if not is_read_by_the_app(name, settings_names) and name not in entrypoint_names
    )

    assert not unknown, f"{service} sets variables that outcry/settings.py never reads: {unknown}"


def test_env_example_sets_only_variables_that_something_reads(compose):
    settings_names = settings_variable_names()
    compose_only = interpolated_names(compose)

    unknown = sorted(
        name
        for name in dotenv_values(ENV_EXAMPLE)
        if not (is_read_by_the_app(name, settings_names) or name in compose_only)
    )

    assert not unknown, f".env.example sets variables nothing reads: {unknown}"


def test_web_worker_and_beat_share_one_environment(services):
    web, worker, beat = (services[name]["environment"] for name in APP_SERVICES)

    assert worker == beat
    assert {name: value for name, value in web.items() if name not in WEB_ONLY} == worker
    assert web["MIGRATE_ON_START"] == "1"
    assert not WEB_ONLY & set(worker)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_gets_dotenv_whole(services, service):
    """ANYMAIL_* and tuning variables reach the app from .env without a line in the compose file."""
    env_files = services[service]["env_file"]

    assert [entry["path"] for entry in env_files] == [".env"]
    assert services[service]["build"] == "."
    assert services[service]["image"] == services["web"]["image"]


def test_compose_environment_is_production_with_the_compose_services(app_env):
    assert app_env["DEBUG"] == "false"
    assert app_env["DATABASE_URL"] == "postgres://outcry:outcry@postgres:5432/outcry"
    assert app_env["REDIS_URL"] == "redis://redis:6379/0"
    assert app_env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert {name: app_env[name] for name in SECURE_DEFAULTS} == SECURE_DEFAULTS


def test_compose_defaults_are_https_only_and_the_plain_http_trial_is_opt_in(services):
    """Nothing in .env at all: the compose file's own defaults are the secure ones; .env.example
    offers the plain-http trial only as lines to uncomment."""
    bare = {"SECRET_KEY": secrets.token_urlsafe(50), "SIGNER_DATA_KEYS": Fernet.generate_key().decode()}
    environment = substitute_all(services["web"]["environment"], bare)

    assert {name: environment[name] for name in SECURE_DEFAULTS} == SECURE_DEFAULTS
    assert int(environment["SECURE_HSTS_SECONDS"]) > 0
    trial = [
        match.group(0)
        for match in dotenv_lines(ENV_EXAMPLE)
        if match["name"] in SECURE_DEFAULTS and match["value"] == "false"
    ]
    assert trial == ["#SECURE_COOKIES=false", "#SECURE_SSL_REDIRECT=false"]
    assert not {name for name, value in dotenv_values(ENV_EXAMPLE).items() if name in SECURE_DEFAULTS}


def test_compose_refuses_to_start_without_a_secret_key(services):
    assert dotenv_values(ENV_EXAMPLE)["SECRET_KEY"] == "", ".env.example must not ship a usable key"

    with pytest.raises(MissingVariable, match="SECRET_KEY"):
        substitute_all(services["web"]["environment"], dotenv_values(ENV_EXAMPLE))


def test_compose_refuses_to_start_without_a_signer_data_key(services):
    assert dotenv_values(ENV_EXAMPLE)["SIGNER_DATA_KEYS"] == "", ".env.example must not ship a usable key"
    with_secret = dotenv_values(ENV_EXAMPLE) | {"SECRET_KEY": secrets.token_urlsafe(50)}

    with pytest.raises(MissingVariable, match="SIGNER_DATA_KEYS"):
        substitute_all(services["web"]["environment"], with_secret)


def test_postgres_password_is_the_one_in_database_url(services, dotenv):
    chosen = dotenv | {"POSTGRES_PASSWORD": "s3cretPassw0rd"}

    postgres = substitute_all(services["postgres"]["environment"], chosen)
    worker = substitute_all(services["worker"]["environment"], chosen)

    assert worker["DATABASE_URL"] == (
        f"postgres://{postgres['POSTGRES_USER']}:s3cretPassw0rd@postgres:5432/{postgres['POSTGRES_DB']}"
    )


def test_env_example_names_the_compose_variables(compose, services):
    documented = {match["name"] for match in dotenv_lines(ENV_EXAMPLE) if not match["name"].startswith("ANYMAIL_")}

    assert documented == set(services["web"]["environment"]) | interpolated_names(compose)


def test_commands_run_the_outcry_project(services):
    image_command = json.loads(dict(dockerfile_instructions())["CMD"])
    web_command = services["web"].get("command", image_command)

    assert web_command[0] == "gunicorn"
    assert "outcry.wsgi" in web_command
    assert "0.0.0.0:8000" in web_command
    assert services["worker"]["command"][:4] == ["celery", "-A", "outcry", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "outcry", "beat"]
    assert "--schedule=/tmp/celerybeat-schedule" in services["beat"]["command"]


def test_published_ports_are_on_loopback_only(services):
    published = {name: service.get("ports", []) for name, service in services.items()}

    assert published["web"] == ["127.0.0.1:8000:8000"]
    assert published["mailpit"] == ["127.0.0.1:8025:8025"]
    assert published["mail-in"] == ["127.0.0.1:2525:2525"]
    assert all(port.startswith("127.0.0.1:") for ports in published.values() for port in ports)


def test_dockerfile_installs_requirements_and_runs_as_non_root():
    instructions = dockerfile_instructions()
    copy_requirements = ("COPY", "requirements.txt .")
    install_requirements = ("RUN", "pip install -r requirements.txt")

    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert instructions.index(copy_requirements) < instructions.index(install_requirements)
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users, "the image must switch to an unprivileged USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert ("EXPOSE", "8000") in instructions


def test_dockerfile_keeps_build_time_secrets_out_of_the_image_environment():
    assert dockerfile_env()["DEBUG"] == "false"
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} & set(dockerfile_env())


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_build():
    patterns = DOCKERIGNORE.read_text().split()

    assert {".env", ".git", ".venv", "var", "staticfiles"} <= set(patterns)
    assert not {"static", "templates", "docker", "requirements.txt", "manage.py"} & set(patterns)


def run_django(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


SHOW_SETTINGS = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.http.request import validate_host
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "database": [db["ENGINE"], db["HOST"], db["PORT"], db["NAME"], db["USER"]],
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL": [settings.EMAIL_HOST, settings.EMAIL_PORT],
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": list(settings.SECURE_PROXY_SSL_HEADER or []),
    "hash_keys_are_secret_key": settings.EMAIL_HASH_KEY == settings.IP_HASH_KEY == settings.SECRET_KEY,
    "healthcheck_host_allowed": validate_host(sys.argv[1], settings.ALLOWED_HOSTS),
    "STATICFILES": settings.STORAGES["staticfiles"]["BACKEND"],
    "SITE_URL": settings.SITE_URL,
}))
"""


def test_settings_load_with_the_compose_environment(app_env):
    env = container_process_env(app_env) | {"DJANGO_SETTINGS_MODULE": "outcry.settings"}
    healthcheck_host = app_env["ALLOWED_HOSTS"].split(",")[0]

    result = run_django(["-c", SHOW_SETTINGS, healthcheck_host], env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "database": ["django.db.backends.postgresql", "postgres", 5432, "outcry", "outcry"],
        "CELERY_BROKER_URL": "redis://redis:6379/0",
        "EMAIL_BACKEND": "outcry.mail.SMTPBackend",
        "EMAIL": ["mailpit", 1025],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "hash_keys_are_secret_key": True,
        "healthcheck_host_allowed": True,
        "STATICFILES": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "SITE_URL": "http://127.0.0.1:8000",
    }


def test_deploy_check_reports_no_errors_in_the_compose_environment(app_env):
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], container_process_env(app_env))

    assert result.returncode == 0, result.stderr
    reported = set(re.findall(r"\(([\w.]+\.[EWC]\d+)\)", result.stderr + result.stdout))
    assert not {code for code in reported if ".W" not in code}, result.stderr
    assert reported <= set(ACCEPTED_DEPLOY_WARNINGS), result.stderr


class _Health(BaseHTTPRequestHandler):
    status = 200
    seen: list[dict[str, str]]

    def do_GET(self):
        self.seen.append({"path": self.path, "host": self.headers["Host"], "proto": self.headers["X-Forwarded-Proto"]})
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[type[_Health], int]]:
    handler = type("Health", (_Health,), {"seen": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_web_healthcheck_follows_healthz(services, app_env, health_server, status, healthy):
    handler, port = health_server
    handler.status = status
    code = services["web"]["healthcheck"]["test"][3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")

    result = run_django(["-c", code], container_process_env(app_env))

    assert (result.returncode == 0) is healthy, result.stderr
    assert handler.seen == [{"path": "/healthz", "host": app_env["ALLOWED_HOSTS"].split(",")[0], "proto": "https"}]


def build_context_ignore(directory: str, names: list[str]) -> set[str]:
    """shutil.copytree's ignore, following .dockerignore closely enough for its plain patterns."""
    patterns = [line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and line[0] != "#"]
    relative = Path(directory).relative_to(ROOT)
    ignored = set()
    for name in names:
        path = (relative / name).as_posix()
        for pattern in patterns:
            if (pattern.startswith("**/") and fnmatch.fnmatch(name, pattern[3:])) or fnmatch.fnmatch(path, pattern):
                ignored.add(name)
    return ignored


def test_collectstatic_runs_with_the_build_time_environment(tmp_path):
    """The Dockerfile's collectstatic step, on a copy of the build context, with its throwaway env."""
    (step,) = [
        arguments
        for keyword, arguments in dockerfile_instructions()
        if keyword == "RUN" and "collectstatic" in arguments
    ]
    words = shlex.split(step)
    assignments = dict(word.split("=", 1) for word in words[: words.index("python")])
    assert set(assignments) == {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    context = tmp_path / "app"
    shutil.copytree(ROOT, context, ignore=build_context_ignore)
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"} | dockerfile_env() | assignments

    result = run_django(["manage.py", "collectstatic", "--noinput"], env, cwd=context)

    assert result.returncode == 0, result.stderr
    assert (context / "staticfiles" / "staticfiles.json").is_file()
    assert not (context / "tests").exists()
    assert not (context / ".env").exists()


def test_entrypoint_runs_the_command_without_migrating_by_default():
    result = subprocess.run(
        ["sh", str(ENTRYPOINT), "echo", "started"],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "started\n"


def test_entrypoint_migrates_first_when_asked(tmp_path):
    calls = tmp_path / "calls"
    fake_python = tmp_path / "bin" / "python"
    fake_python.parent.mkdir()
    fake_python.write_text(f'#!/bin/sh\necho "python $*" >> {calls}\n')
    fake_python.chmod(0o755)

    result = subprocess.run(
        ["sh", str(ENTRYPOINT), "sh", "-c", f"echo command >> {calls}"],
        env={"PATH": f"{fake_python.parent}:{os.environ['PATH']}", "MIGRATE_ON_START": "1"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert calls.read_text() == "python manage.py migrate --noinput\ncommand\n"
