"""Reading settings from the environment with errors an operator can act on.

django-environ raises a bare ValueError for "DEBUG=maybe"; start-up should instead say which
variable is wrong and what it expects.
"""

import os
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_LENGTH = 50


def read(cast: Callable[..., Any], name: str, default: Any) -> Any:
    """Read NAME with a django-environ cast (env.int, env.db_url, ...), naming it on failure.

    An empty variable counts as unset, as in most shells' and compose files' "NAME=" lines.
    """
    if os.environ.get(name) == "":
        del os.environ[name]
    try:
        return cast(name, default=default)
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        kind = getattr(cast, "__name__", "value")
        raise ImproperlyConfigured(f"Environment variable {name} is not a valid {kind}: {exc}") from exc


def require_strong_secret(name: str, value: str, *, weak: str) -> None:
    """Refuse the development default or a short secret when DEBUG is off."""
    if value == weak or len(value) < MIN_SECRET_LENGTH or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"{name} must be set to a random value of at least {MIN_SECRET_LENGTH} characters "
            f"when DEBUG is off (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def strict_bool(env: Any) -> Callable[..., bool]:
    """A bool cast that refuses "maybe" instead of reading it as False."""

    def boolean(name: str, default: bool) -> bool:
        raw = env.str(name, default=str(default)).strip().lower()
        if raw in TRUE_WORDS:
            return True
        if raw in FALSE_WORDS:
            return False
        raise ValueError(f"{raw!r}; use one of {sorted(TRUE_WORDS | FALSE_WORDS)}")

    boolean.__name__ = "bool"
    return boolean
