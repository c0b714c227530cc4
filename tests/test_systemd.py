"""The systemd units in deploy/systemd: each process restarted whatever ends it, started as the
Docker image and the docs start it, with the production settings from one environment file."""

import configparser
import shlex
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
COMMANDS = {
    "outcry-web.service": ["gunicorn", "outcry.wsgi", "--config", "gunicorn.conf.py"],
    "outcry-worker.service": ["celery", "-A", "outcry", "worker"],
    "outcry-beat.service": ["celery", "-A", "outcry", "beat"],
    "outcry-mail.service": ["python", "manage.py", "receive_mail"],
}

pytestmark = pytest.mark.unit


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((UNITS / name).read_text())
    return parser


def test_there_is_a_unit_for_each_process_and_no_other():
    assert sorted(path.name for path in UNITS.glob("*.service")) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_process_is_started_again_whatever_ends_it(name):
    service = unit(name)["Service"]

    assert service["Restart"] == "always"
    assert 0 < float(service["RestartSec"]) <= 5
    assert service["EnvironmentFile"] == "/etc/outcry/outcry.env"
    assert service["User"] != "root"


@pytest.mark.parametrize(("name", "command"), sorted(COMMANDS.items()))
def test_each_process_runs_the_documented_command(name, command):
    argv = shlex.split(unit(name)["Service"]["ExecStart"])

    assert Path(argv[0]).name == command[0]
    assert argv[1 : len(command)] == command[1:]
    assert unit(name)["Install"]["WantedBy"] == "multi-user.target"
