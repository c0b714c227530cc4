"""Browser-like load generator: one asyncio process, many concurrent clients.

A single process keeps the client cheap, since it shares the machine's two
cores with the servers it measures. Every run is bounded both by a number of
flows and by a time limit, and only ever targets loopback addresses.
"""

import asyncio
import itertools
import os
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=15)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) outcry-bench/1",
    "Accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.9",
}

# Distinct across every flow of this process (and across processes, via pid),
# so no signature is ever refused as a duplicate.
_email_numbers = itertools.count(1)

_HIDDEN_INPUT = re.compile(rb"<input[^>]*type=[\"']hidden[\"'][^>]*>", re.I)
_NAME_ATTR = re.compile(rb"name=[\"']([^\"']+)[\"']", re.I)
_VALUE_ATTR = re.compile(rb"value=[\"']([^\"']*)[\"']", re.I)


class FlowError(Exception):
    """A flow that got an answer, but the wrong one; the message is the tally key."""


@dataclass
class Result:
    """What one bounded run measured."""

    ok: int = 0
    acknowledged: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0  # seconds of CPU the load generator itself used
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Latency in milliseconds at percentile p (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000


@dataclass
class Context:
    """Shared by every flow of a run: the connection pool and the tallies."""

    base: str
    connector: aiohttp.BaseConnector
    result: Result
    anonymous: aiohttp.ClientSession | None = None

    def browser(self) -> aiohttp.ClientSession:
        """A fresh visitor: its own cookie jar over the shared connection pool.

        Browsers treat loopback as a secure origin, so Secure cookies (as a
        production configuration may set for csrftoken) are still sent back.
        """
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[URL(self.base)])
        return aiohttp.ClientSession(
            self.base,
            connector=self.connector,
            connector_owner=False,
            cookie_jar=jar,
            timeout=REQUEST_TIMEOUT,
            headers=BROWSER_HEADERS,
        )


Flow = Callable[[Context], Awaitable[None]]


def check_loopback(base: str) -> None:
    host = urlsplit(base).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"refusing to send load to non-loopback host {host!r}")


def hidden_fields(html: bytes) -> dict[str, str]:
    """What a browser sends back unseen: the reference's CSRF token, Outcry's page stamp."""
    fields = {}
    for tag in _HIDDEN_INPUT.findall(html):
        name, value = _NAME_ATTR.search(tag), _VALUE_ATTR.search(tag)
        if name:
            fields[name.group(1).decode()] = value.group(1).decode() if value else ""
    if not fields:
        raise FlowError("no hidden form fields on page")
    return fields


def letters_for_number(n: int) -> str:
    """n spelt in letters (0 -> "a", 27 -> "bb"): names must be names, so no digits in them."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if n == 0:
            return word


def signing_form(n: int) -> dict[str, str]:
    """The contract's fields; a bare ModelForm simply ignores the ones it lacks."""
    data = {
        "first_name": "Bench",
        "last_name": f"Signer {letters_for_number(n).capitalize()}",
        "email": f"bench{n}.{os.getpid()}@example.org",
        "country": "GB",
        "organisation": "" if n % 2 else "Bench Union",
        "message": "" if n % 3 else "Load test signature.",
    }
    if n % 2:
        data["consent_to_contact"] = "on"
    if n % 4:
        data["show_name_publicly"] = "on"
    return data


def signing_flow(page_path: str, thanks_path: str) -> Flow:
    """GET the form, POST it with the page's hidden fields (a CSRF token, a stamp), follow the 302."""

    async def flow(ctx: Context) -> None:
        n = next(_email_numbers)
        async with ctx.browser() as browser:
            async with browser.get(page_path) as resp:
                body = await resp.read()
                if resp.status != 200:
                    raise FlowError(f"GET page {resp.status}")
            data = hidden_fields(body) | signing_form(n)
            headers = {"Referer": ctx.base + page_path, "Origin": ctx.base}
            async with browser.post(page_path, data=data, headers=headers, allow_redirects=False) as resp:
                await resp.read()
                location = resp.headers.get("Location", "")
                if resp.status == 200:
                    raise FlowError("POST 200 (form re-rendered with errors)")
                if resp.status != 302 or urlsplit(location).path != thanks_path:
                    raise FlowError(f"POST {resp.status} to {location or '-'}")
            ctx.result.acknowledged += 1
            target = urlsplit(location)  # relative or absolute: the session is bound to one host
            async with browser.get(target.path + (f"?{target.query}" if target.query else "")) as resp:
                await resp.read()
                if resp.status != 200:
                    raise FlowError(f"GET thanks {resp.status}")

    return flow


def read_flow(path: str) -> Flow:
    """One GET from a first-time visitor (no cookies), or a counter widget polling.

    Nothing to remember between requests, so all clients share one cookieless
    session: the same requests as fresh browsers, at less client CPU.
    """

    async def flow(ctx: Context) -> None:
        async with ctx.anonymous.get(path) as resp:
            await resp.read()
            if resp.status != 200:
                raise FlowError(f"GET {resp.status}")

    return flow


async def _run(
    base: str, flow: Flow, concurrency: int, max_flows: int, duration: float, pace: float | None = None
) -> Result:
    check_loopback(base)
    result = Result()
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    anonymous = aiohttp.ClientSession(
        base,
        connector=connector,
        connector_owner=False,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=REQUEST_TIMEOUT,
        headers=BROWSER_HEADERS,
    )
    ctx = Context(base, connector, result, anonymous)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration
    issued = 0

    first = loop.time()

    async def client() -> None:
        nonlocal issued
        while issued < max_flows and loop.time() < deadline:
            issued += 1
            if pace:  # flow n starts n / pace seconds in, not as soon as a client is free
                await asyncio.sleep(max(0.0, first + (issued - 1) / pace - loop.time()))
            started = time.perf_counter()
            try:
                await flow(ctx)
            except FlowError as exc:
                result.errors[str(exc)] += 1
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                result.errors[type(exc).__name__] += 1
            else:
                result.ok += 1
                result.latencies.append(time.perf_counter() - started)

    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        await asyncio.gather(*(client() for _ in range(concurrency)))
    finally:
        result.elapsed = time.perf_counter() - started
        result.client_cpu = time.process_time() - cpu_started
        await anonymous.close()
        await connector.close()
    return result


def run(
    base: str, flow: Flow, *, concurrency: int, max_flows: int, duration: float, pace: float | None = None
) -> Result:
    """Run `flow` from `concurrency` clients until `max_flows` or `duration` s; with `pace`, start
    that many flows a second, evenly spaced, instead of as many as the clients can."""
    return asyncio.run(_run(base, flow, concurrency, max_flows, duration, pace))
