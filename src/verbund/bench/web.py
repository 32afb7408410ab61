"""The web server under load, started as production starts it: `verbund bench web`.

    verbund bench web --db-url sqlite:////abs/path/demo.sqlite3      # or postgres://…

Starts ``verbund serve`` (a subprocess, with ``--serve-args`` added) on a free loopback port
against the database, logs in bench users (one session each, as browsers would), and drives it
with a bounded asyncio load generator (plain HTTP/1.1 over keep-alive connections, so the
generator itself costs little CPU). The mix is what a sales team does: the party list, the live
search, the customer file and its lazy sections, the hierarchy of a group of about
``--group-size`` members and the API list. In the same run the cheapest authenticated route
(the party picker without a query: sessions, authentication, middleware, a template) gives the
baseline the mix is compared with. What a browser fetches through HTMX (the live search as the
user types, the file's lazy sections, a tree branch, the picker) is sent as HTMX sends it, with
``HX-Request: true``: opened without it, such a fragment comes inside the page frame
(``web.middleware``), which is what a reload does, not what working in the page does.

Scenarios: ``burst`` — ``--clients`` clients without think time; ``users`` — ``--users`` users
each waiting ``--think`` seconds (±50 %) between requests. Printed per scenario and route set:
requests/s, p50/p95/p99, errors (non-2xx answers, broken connections, timeouts), refused
connections (refused, or not accepted within ``--connect-timeout``), and the server's CPU ms per
request (all its processes, from /proc). ``--pages`` also measures each page alone, one client,
as the server's CPU ms per request (median of rounds). The figures are medians of what one run
saw; on a shared machine run it a few times and quote the medians and the ratios.
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

TARGETS = {"burst_rps": 150.0, "burst_ratio": 0.5, "users_p95_ms": 300.0}
# A path with this prefix is requested as HTMX requests it (``HX-Request: true``).
HX = "hx:"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db-url",
        default="",
        help="Database to serve (DATABASE_URL); default: the current one.",
    )
    parser.add_argument(
        "--scenario", choices=["burst", "users", "both"], default="both", help="What to run."
    )
    parser.add_argument("--clients", type=int, default=50, help="Clients without think time.")
    parser.add_argument("--users", type=int, default=200, help="Users with think time.")
    parser.add_argument("--think", type=float, default=1.0, help="Think time in seconds.")
    parser.add_argument("--duration", type=float, default=15.0, help="Seconds measured per phase.")
    parser.add_argument("--warmup", type=float, default=3.0, help="Seconds before measuring.")
    parser.add_argument("--group-size", type=int, default=1000, help="Hierarchy group size.")
    parser.add_argument(
        "--serve-args",
        default="",
        help="Extra arguments for `verbund serve`, e.g. '--workers 2 --threads 4'.",
    )
    parser.add_argument("--pages", action="store_true", help="Also CPU ms per request per page.")
    parser.add_argument("--page-requests", type=int, default=40, help="Requests per page round.")
    parser.add_argument("--connect-timeout", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="Per request.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated page kinds of the mix to run alone, e.g. 'customer file' "
        f"(of: {', '.join(WEIGHTS)}); the mix's targets are then not judged.",
    )


# --- the load generator -------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    refused: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0

    @property
    def rps(self) -> float:
        span = self.ended - self.started
        return len(self.latencies) / span if span > 0 else 0.0

    def pct(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


class Refused(Exception):
    pass


class Conn:
    """One keep-alive HTTP/1.1 connection, reopened when the server closed it."""

    def __init__(self, port: int, connect_timeout: float, timeout: float) -> None:
        self.port, self.connect_timeout, self.timeout = port, connect_timeout, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        try:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.port), self.connect_timeout
            )
        except (ConnectionRefusedError, TimeoutError) as exc:
            raise Refused(str(exc)) from exc

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str, headers: str) -> int:
        if path.startswith(HX):
            path, headers = path[len(HX) :], headers + "HX-Request: true\r\n"
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                await self.open()
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(
                    f"GET {path} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n".encode("latin-1")
                )
                await self.writer.drain()
                return await asyncio.wait_for(self._response(), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                self.close()
                # A kept-alive connection the server had closed: once more on a new one.
                if fresh or attempt:
                    raise ConnectionError(str(exc)) from exc
        raise AssertionError("unreachable")

    async def _response(self) -> int:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                fields[k.strip().lower()] = v.strip().lower()
        if "content-length" in fields:
            await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.read()
            self.close()
        if fields.get("connection") == "close":
            self.close()
        return status


async def _client(
    port: int,
    paths: list[str],
    headers: str,
    think: float,
    tally: Tally,
    measure_from: float,
    stop_at: float,
    rng: random.Random,
    options: dict[str, Any],
) -> None:
    conn = Conn(port, options["connect_timeout"], options["timeout"])
    loop = asyncio.get_running_loop()
    if think:
        await asyncio.sleep(rng.uniform(0, think))  # users arrive spread over one think time
    while loop.time() < stop_at:
        path = rng.choice(paths)
        start = loop.time()
        try:
            status = await conn.get(path, headers)
        except Refused:
            if measure_from <= loop.time() <= stop_at:
                tally.refused += 1
            conn.close()
            await asyncio.sleep(0.1)
            continue
        except (ConnectionError, TimeoutError, ValueError, OSError) as exc:
            if measure_from <= loop.time() <= stop_at:
                tally.errors += 1
                kind = f"{type(exc).__name__} {path}"
                tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
            conn.close()
            continue
        end = loop.time()
        # Counted when it completes inside the window, whenever it started: a window that only
        # counted requests started inside it would miss the slow ones and understate the load.
        if measure_from <= end <= stop_at:
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                tally.latencies.append(end - start)
            else:
                tally.errors += 1
                kind = f"{status} {path}"
                tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
        if think:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    conn.close()


async def _phase(
    port: int,
    sessions: list[str],
    paths: list[str],
    clients: int,
    think: float,
    options: dict[str, Any],
    server_pid: int,
) -> tuple[Tally, float]:
    """Run ``clients`` for warm-up + duration; returns the tally and server CPU ms/request."""
    loop = asyncio.get_running_loop()
    tally = Tally()
    now = loop.time()
    measure_from = now + options["warmup"] + (think if think else 0.0)
    stop_at = measure_from + options["duration"]
    rng = random.Random(options["seed"])
    tasks = [
        _client(
            port,
            paths,
            f"Cookie: sessionid={sessions[i % len(sessions)]}\r\nAccept-Language: de\r\n",
            think,
            tally,
            measure_from,
            stop_at,
            random.Random(rng.random()),
            options,
        )
        for i in range(clients)
    ]
    tally.started, tally.ended = measure_from, stop_at
    runner = asyncio.gather(*tasks)
    await asyncio.sleep(max(0.0, measure_from - loop.time()))
    cpu0 = tree_cpu_seconds(server_pid)
    await asyncio.sleep(max(0.0, stop_at - loop.time()))
    cpu1 = tree_cpu_seconds(server_pid)
    await runner
    done = len(tally.latencies) + tally.errors
    return tally, (cpu1 - cpu0) * 1000 / done if done else float("nan")


# --- the server -------------------------------------------------------------------------------


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (Linux /proc; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, pending = 0.0, [pid]
    while pending:
        p = pending.pop()
        total += cpu.get(p, 0.0)
        pending += [c for c, parent in parents.items() if parent == p]
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, serve_args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``verbund serve`` on ``port``; its messages go to a temporary file (a pipe nobody reads
    would stop the server once full)."""
    cmd = [sys.executable, "-m", "verbund", "serve", f"127.0.0.1:{port}", *serve_args.split()]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open by the child for its lifetime
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603


def wait_ready(port: int, session: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    async def probe() -> int:
        conn = Conn(port, 1.0, 10.0)
        try:
            return await conn.get("/search/pick/", f"Cookie: sessionid={session}\r\n")
        finally:
            conn.close()

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = ""
            raise RuntimeError(f"the server stopped (exit {proc.returncode}):\n{err[-2000:]}")
        try:
            status = asyncio.run(probe())
            if status == 200:
                return
            raise RuntimeError(f"the baseline route answered {status}")
        except (Refused, ConnectionError, OSError):
            time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- data and sessions ------------------------------------------------------------------------


def _group(size: int) -> tuple[int, int]:
    """(root id, members) of the group whose size is nearest to ``size`` (at least it if any)."""
    from verbund.bench.common import rows
    from verbund.hierarchies import selectors

    rtype = selectors.hierarchy_type("group")
    groups = rows(
        "SELECT ancestor_id, COUNT(*) FROM hierarchies_closureentry WHERE type_id = %s"
        " GROUP BY ancestor_id ORDER BY COUNT(*) DESC LIMIT 500",
        [rtype.pk],
    )
    if not groups:
        raise RuntimeError("no corporate group in the database; run `verbund demo` first")
    big = [(int(a), int(n)) for a, n in groups if int(n) >= size]
    return big[-1] if big else (int(groups[0][0]), int(groups[0][1]))


def _sessions(n: int) -> list[str]:
    """Session keys of ``n`` logins of the bench user (role viewer), made in the database."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.filter(username="bench-web").first()
    if user is None:
        user = User.objects.create_user(username="bench-web", password=None)
        user.groups.add(Group.objects.get(name="viewer"))
    keys = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return keys


def _mix(group_size: int, seed: int) -> tuple[dict[str, list[str]], str]:
    from verbund.parties.models import Party
    from verbund.parties.views import section_apps

    rng = random.Random(seed)
    ids = list(Party.objects.order_by("pk").values_list("pk", flat=True))
    sample = rng.sample(ids, min(200, len(ids)))
    names = list(Party.objects.filter(pk__in=sample[:60]).values_list("name", flat=True))
    words = [w for n in names for w in n.split()[:1] if len(w) >= 4]
    cities = list(Party.objects.exclude(city="").values_list("city", flat=True).distinct()[:20])
    root, members = _group(group_size)
    apps = section_apps()
    pages = {
        "party list": ["/parties/"] + [f"/parties/?{urlencode({'city': c})}" for c in cities[:5]],
        "search": [f"{HX}/search/?{urlencode({'q': w[:5]})}" for w in words[:30]]
        or [f"{HX}/search/?q=Gmb"],
        "customer file": [f"/parties/{pid}/" for pid in sample[:100]],
        "lazy sections": [f"{HX}/parties/{pid}/sections/{a}/" for pid in sample[:40] for a in apps],
        "hierarchy": [
            f"/parties/{root}/hierarchy/?type=group",
            f"{HX}/parties/{root}/hierarchy/children/?type=group",
        ],
        "API list": ["/api/v1/parties/"]
        + [f"/api/v1/parties/?{urlencode({'city': c})}" for c in cities[:2]],
    }
    return pages, f"group of {members:,} members (#{root})"


# Shares of the mix: files and their sections dominate a sales team's day.
WEIGHTS = {
    "party list": 15,
    "search": 15,
    "customer file": 25,
    "lazy sections": 20,
    "hierarchy": 10,
    "API list": 15,
}
BASELINE = f"{HX}/search/pick/"


def _weighted(pages: dict[str, list[str]]) -> list[str]:
    out = []
    for name, paths in pages.items():
        for i in range(WEIGHTS[name] * 8):
            out.append(paths[i % len(paths)])
    return out


async def _warm(port: int, session: str, pages: dict[str, list[str]], connections: int = 8) -> None:
    headers = f"Cookie: sessionid={session}\r\nAccept-Language: de\r\n"
    paths = [p for group in pages.values() for p in group[:8]] + [BASELINE]

    async def one(k: int) -> None:
        conn = Conn(port, 5.0, 120.0)
        try:
            for path in paths[k::connections] * 2:
                await conn.get(path, headers)
        finally:
            conn.close()

    await asyncio.gather(*(one(k) for k in range(connections)))


def _pages_cpu(
    port: int, session: str, pages: dict[str, list[str]], options: dict[str, Any], pid: int
) -> list[tuple[str, float, float]]:
    """Per page: the server's CPU ms per request and the wall ms, one client (medians)."""
    headers = f"Cookie: sessionid={session}\r\nAccept-Language: de\r\n"
    n = options["page_requests"]

    async def one(paths: list[str]) -> tuple[float, float]:
        conn = Conn(port, 5.0, 60.0)
        try:
            for p in paths[:5]:  # warm
                await conn.get(p, headers)
            cpu_ms, wall_ms = [], []
            for _round in range(3):
                t0, c0 = time.perf_counter(), tree_cpu_seconds(pid)
                for i in range(n):
                    await conn.get(paths[i % len(paths)], headers)
                cpu_ms.append((tree_cpu_seconds(pid) - c0) * 1000 / n)
                wall_ms.append((time.perf_counter() - t0) * 1000 / n)
            return statistics.median(cpu_ms), statistics.median(wall_ms)
        finally:
            conn.close()

    out = [("baseline (party picker)", *asyncio.run(one([BASELINE])))]
    for name, paths in pages.items():
        out.append((name, *asyncio.run(one(paths))))
    return out


def run(options: dict[str, Any], stdout: TextIO) -> int:
    if options.get("db_url") and options["db_url"] != os.environ.get("DATABASE_URL"):
        # This process's database is fixed at start: run again with the one asked for.
        env = {**os.environ, "DATABASE_URL": options["db_url"]}
        argv, skip = [], False
        for arg in sys.argv[1:]:
            if skip:
                skip = False
            elif arg == "--db-url":
                skip = True
            elif not arg.startswith("--db-url="):
                argv.append(arg)
        return subprocess.call([sys.executable, "-m", "verbund", *argv], env=env)  # noqa: S603

    from django.db import connection

    from verbund.parties.models import Party

    total = Party.objects.count()
    if not total:
        stdout.write("The database has no parties; run `verbund demo --size N` first.\n")
        return 1
    pages, group = _mix(options["group_size"], options["seed"])
    only = [k.strip() for k in str(options.get("only") or "").split(",") if k.strip()]
    unknown = [k for k in only if k not in pages]
    if unknown:
        stdout.write(f"Unknown page kind {', '.join(unknown)}; choose from {', '.join(pages)}.\n")
        return 1
    if only:
        pages = {k: v for k, v in pages.items() if k in only}
    sessions = _sessions(max(options["clients"], options["users"], 1))
    connection.close()
    port = free_port()
    proc = start_server(port, options["serve_args"], dict(os.environ))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    try:
        wait_ready(port, sessions[0], proc, 60)
        stdout.write(
            f"database: {connection.vendor}, {total:,} parties; hierarchy: {group}; "
            f"server: verbund serve {options['serve_args']}; {os.cpu_count()} cores, "
            f"load average {load:.1f} at start\n"
        )
        if only:
            stdout.write(f"only: {', '.join(only)} (the mix's targets are not judged)\n")
        mix = _weighted(pages)
        # Every server process compiles its templates and fills its caches on first use: warm
        # them all (several connections, so each process gets some) before anything is measured.
        asyncio.run(_warm(port, sessions[0], pages))
        scenarios = []
        if options["scenario"] in ("burst", "both"):
            scenarios.append(
                (f"{options['clients']} clients, no think time", options["clients"], 0.0)
            )
        if options["scenario"] in ("users", "both"):
            scenarios.append(
                (
                    f"{options['users']} users, {options['think']:g} s think",
                    options["users"],
                    options["think"],
                )
            )
        stdout.write(
            f"{'scenario':30} {'routes':9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>8}"
            f" {'errors':>6} {'refused':>7} {'cpu ms/req':>10}\n"
        )
        failed = False
        for label, clients, think in scenarios:
            results = {}
            for routes, paths in (("mix", mix), ("baseline", [BASELINE])):
                tally, cpu = asyncio.run(
                    _phase(port, sessions, paths, clients, think, options, proc.pid)
                )
                results[routes] = tally
                stdout.write(
                    f"{label:30} {routes:9} {tally.rps:7.1f} {tally.pct(50):7.0f} {tally.pct(95):7.0f}"
                    f" {tally.pct(99):8.0f} {tally.errors:6d} {tally.refused:7d} {cpu:10.1f}\n"
                )
                for kind, count in sorted(tally.kinds.items())[:5]:
                    stdout.write(f"    error: {count} x {kind}\n")
                stdout.flush()
            mix_t, base_t = results["mix"], results["baseline"]
            share = mix_t.rps / base_t.rps if base_t.rps else float("nan")
            stdout.write(
                f"{label:30} mix/baseline: throughput {share:.2f}, "
                f"p50 {mix_t.pct(50) / base_t.pct(50):.1f}x, p95 {mix_t.pct(95) / base_t.pct(95):.1f}x\n"
            )
            if only:
                continue
            if think:
                ok = (
                    mix_t.pct(95) <= TARGETS["users_p95_ms"]
                    and not mix_t.errors
                    and not mix_t.refused
                )
                stdout.write(
                    f"  target p95 ≤ 300 ms, 0 errors, 0 refused: {'ok' if ok else 'MISS'}\n"
                )
            else:
                ok = mix_t.rps >= TARGETS["burst_rps"] or share >= TARGETS["burst_ratio"]
                stdout.write(
                    f"  target ≥ 150 req/s or ≥ 50 % of baseline: {'ok' if ok else 'MISS'}\n"
                )
            failed = failed or not ok
        if options["pages"]:
            stdout.write(f"{'page (one client)':30} {'server cpu ms/req':>18} {'wall ms':>8}\n")
            for name, cpu, wall in _pages_cpu(port, sessions[0], pages, options, proc.pid):
                stdout.write(f"{name:30} {cpu:18.1f} {wall:8.1f}\n")
        if not only:
            stdout.write("targets met\n" if not failed else "targets MISSED\n")
    finally:
        stop_server(proc)
    return 0
