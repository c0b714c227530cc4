"""Turns the measured runs into the markdown tables printed and saved.

Rates are the median over repeated runs (robust to one noisy run on a
shared 2-core machine); latency percentiles pool every flow of those runs.
"""

import statistics
from dataclasses import dataclass, field

from load import Result

KINDS = {
    "sign": ("Signing, no worker (flows/s)", "Signing flow"),
    "sign_sending": ("Signing, a worker sending every letter at once (flows/s)", "Signing flow, sending"),
    "json": ("Counter reads vs reference JSON (reads/s)", "JSON read"),
    "page": ("Page reads (reads/s)", "Page read"),
    "page_proxy": ("Page reads through nginx (deploy/nginx/outcry.conf) vs reference direct", "Page read, nginx"),
    "json_proxy": ("Counter reads through nginx vs reference JSON direct", "JSON read, nginx"),
}
# What each Outcry measure is compared with: the reference has no worker and no proxy.
REFERENCE_KIND = {"sign_sending": "sign", "page_proxy": "page", "json_proxy": "json"}
# Targets on 2 cores (None: reported, no target).
TARGET_RATIO = {"sign": 1.0, "sign_sending": 0.7, "json": 3.0, "page": 3.0, "page_proxy": None, "json_proxy": None}
LETTER_P95_TARGET = 2.0  # seconds from signature to the SMTP server, unpaced target, steady signing
MAX_CHANGE = 0.10


@dataclass
class Check:
    """Integrity of one phase: acknowledged signatures vs rows vs counter."""

    phase: str
    expected: int
    rows: int
    counter: int | None  # counter.json; for the sending runs, the distinct letters the SMTP sink received
    counter_wait: float
    duplicates: int = 0  # letters received more than once (sending runs)

    @property
    def lost(self) -> int:
        return self.expected - self.rows

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.counter == self.rows and self.duplicates == 0


@dataclass
class Report:
    settings: dict
    phases: list[str]
    runs: dict[tuple[str, str, str], list[Result]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    letter_latency: dict = field(default_factory=dict)  # the steady-signing probe: count, rate, p50, p95, max

    def add(self, phase: str, target: str, kind: str, result: Result) -> None:
        self.runs.setdefault((phase, target, kind), []).append(result)

    def rate(self, phase: str, target: str, kind: str) -> float | None:
        if target == "reference":
            kind = REFERENCE_KIND.get(kind, kind)
        results = self.runs.get((phase, target, kind))
        if not results and target == "reference":
            results = self.runs.get((self.phases[0], target, kind))
        return statistics.median(r.rate for r in results) if results else None

    def change(self, kind: str) -> tuple[float | None, float | None, float | None]:
        """Outcry's change from the first phase to the last: raw, the reference's, and net.

        The reference app's data does not change between phases, so its own
        change is the machine's drift (other work on the shared cores); the
        net change divides it out and is what the 10% verdict uses.
        """
        first, last = self.phases[0], self.phases[-1]
        app0, app1 = self.rate(first, "outcry", kind), self.rate(last, "outcry", kind)
        ref_kind = REFERENCE_KIND.get(kind, kind)
        ref0, ref1 = self.runs.get((first, "reference", ref_kind)), self.runs.get((last, "reference", ref_kind))
        raw = app1 / app0 - 1 if app0 and app1 is not None else None
        if raw is None or not (ref0 and ref1) or first == last:
            return raw, None, raw
        drift = self.rate(last, "reference", kind) / self.rate(first, "reference", kind) - 1
        return raw, drift, (1 + raw) / (1 + drift) - 1

    def verdicts(self) -> list[tuple[str, bool]]:
        """Every target as (description, met), for the summary and exit code."""
        out = []
        for phase in self.phases:
            for kind, floor in TARGET_RATIO.items():
                ref, app = self.rate(phase, "reference", kind), self.rate(phase, "outcry", kind)
                if floor is not None and ref and app is not None:
                    out.append((f"{KINDS[kind][1]} ratio {phase}", app / ref >= floor))
        if len(self.phases) > 1:
            for kind in KINDS:
                change = self.change(kind)[-1]
                if change is not None:
                    out.append((f"{KINDS[kind][1]} unchanged", abs(change) <= MAX_CHANGE))
        out += [(f"integrity {c.phase}", c.ok) for c in self.checks]
        if self.letter_latency:
            out.append(("letters p95 under steady signing", self.letter_latency["p95"] < LETTER_P95_TARGET))
        return out

    def markdown(self) -> str:
        parts = [self._settings(), self._ratios(), self._ceiling(), self._latency()]
        if len(self.phases) > 1:
            parts.append(self._changes())
        parts += [self._checks(), self._details()]
        if self.notes:
            parts.append("Notes:\n\n" + "\n".join(f"- {n}" for n in self.notes))
        return "\n\n".join(p for p in parts if p) + "\n"

    def _settings(self) -> str:
        return "\n".join(f"- {k}: {v}" for k, v in self.settings.items())

    def _ratios(self) -> str:
        rows = [
            "| Measure | Data | Reference /s | Outcry /s | Ratio | Target | Met |",
            "|---|---|--:|--:|--:|--:|---|",
        ]
        for kind, floor in TARGET_RATIO.items():
            for phase in self.phases:
                ref, app = self.rate(phase, "reference", kind), self.rate(phase, "outcry", kind)
                ratio = app / ref if ref and app is not None else None
                if app is None:
                    continue
                verdict = "-" if floor is None else _met(ratio, lambda r, floor=floor: r >= floor)
                rows.append(
                    f"| {KINDS[kind][0]} | {phase} | {_num(ref)} | {_num(app)} | "
                    f"{_ratio(ratio)} | {'-' if floor is None else f'>= {floor}x'} | {verdict} |"
                )
        return "\n".join(rows)

    def _ceiling(self) -> str:
        """The same gunicorn with a WSGI app that does nothing: the most any app could reach here."""
        lines = []
        for phase in self.phases:
            ceiling, ref = self.rate(phase, "ceiling", "json"), self.rate(phase, "reference", "json")
            if ceiling and ref:
                lines.append(
                    f"- {phase}: a bare WSGI app (bench/ceiling.py) under the same gunicorn answers {ceiling:.0f} "
                    f"reads/s, {ceiling / ref:.2f}x the reference JSON view: no app can read faster here."
                )
        return "Server ceiling:\n\n" + "\n".join(lines) if lines else ""

    def _latency(self) -> str:
        lat = self.letter_latency
        if not lat:
            return ""
        met = "yes" if lat["p95"] < LETTER_P95_TARGET else "NO"
        return "\n".join(
            [
                "| Steady signing, a worker sending (unpaced target) | Signatures | Rate /s | Letters | p50 s | p95 s "
                "| max s | Target p95 | Met |",
                "|---|--:|--:|--:|--:|--:|--:|--:|---|",
                f"| signature `created_at` to the SMTP server receiving its letter | {lat['signatures']} | "
                f"{lat['rate']:.1f} | {lat['letters']} | {lat['p50']:.3f} | {lat['p95']:.3f} | {lat['max']:.3f} | "
                f"< {LETTER_P95_TARGET:g} s | {met} |",
            ]
        )

    def _changes(self) -> str:
        first, last = self.phases[0], self.phases[-1]
        rows = [
            f"| Outcry measure | {first} /s | {last} /s | Change | Reference change | Net change | Within 10% |",
            "|---|--:|--:|--:|--:|--:|---|",
        ]
        for kind in KINDS:
            base, big = self.rate(first, "outcry", kind), self.rate(last, "outcry", kind)
            if base is None:
                continue
            raw, drift, net = self.change(kind)
            within = _met(net, lambda c: abs(c) <= MAX_CHANGE)
            rows.append(
                f"| {KINDS[kind][1]} | {_num(base)} | {_num(big)} | {_pct(raw)} | {_pct(drift)} | "
                f"{_pct(net)} | {within} |"
            )
        return "\n".join(rows)

    def _checks(self) -> str:
        if not self.checks:
            return ""
        rows = [
            "| Integrity | Expected rows | Rows | Lost | counter.json (sending: letters received) | Equal to rows "
            "| Duplicate letters |",
            "|---|--:|--:|--:|--:|---|--:|",
        ]
        for c in self.checks:
            counter = "-" if c.counter is None else f"{c.counter} (after {c.counter_wait:.1f} s)"
            rows.append(
                f"| {c.phase} | {c.expected} | {c.rows} | {c.lost} | {counter} | "
                f"{'yes' if c.counter == c.rows else 'NO'} | {c.duplicates} |"
            )
        return "\n".join(rows)

    def _details(self) -> str:
        rows = [
            "| Data | Server | Flow | Median /s | Runs /s | Flows | p50 ms | p95 ms | p99 ms | Client CPU | Errors |",
            "|---|---|---|--:|---|--:|--:|--:|--:|--:|---|",
        ]
        for (phase, target, kind), results in self.runs.items():
            pooled = Result(latencies=[x for r in results for x in r.latencies])
            errors = sum((r.errors for r in results), start=type(results[0].errors)())
            shown = ", ".join(f"{k}: {v}" for k, v in errors.most_common(3)) or "0"
            client_cpu = sum(r.client_cpu for r in results) / sum(r.elapsed for r in results)
            rows.append(
                f"| {phase} | {target} | {KINDS[kind][1]} | "
                f"{_num(statistics.median(r.rate for r in results))} | "
                f"{' '.join(f'{r.rate:.0f}' for r in results)} | "
                f"{sum(r.ok for r in results)} | {pooled.percentile(50):.1f} | "
                f"{pooled.percentile(95):.1f} | {pooled.percentile(99):.1f} | "
                f"{client_cpu:.0%} | {shown} |"
            )
        return "\n".join(rows)


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def _ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1%}"


def _met(x, test) -> str:
    return "-" if x is None else ("yes" if test(x) else "NO")
