"""Section 4: a backfill of N releases (500 and 5,000 by default): records per second and the
action process's own peak RSS (flat: the listing is streamed, README "Backfill"); and the GitHub
requests a record costs for each source (releases, deployments, runs)."""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests import scenarios
from tests.conftest import ENTRYPOINT, event_payload, github_env, parse_outputs
from tests.standins.github import GitHubStandIn, iso
from tests.standins.github_runs import add_workflow_run

from bench.harness import Child, action_env, first_command, out, progress, run_child, short_path, standins, table

BACKFILL_TIMEOUT = 900.0
SOURCES = ("releases", "deployments", "runs")
SOURCE_SIZE = 250  # items per source for the requests a record costs (three pages)


@dataclass
class Backfill:
    releases: int
    child: Child
    records: int
    distinct_commits: int
    github_requests: int
    outputs: dict[str, str]
    request_kinds: dict[str, int] = field(default_factory=dict)


def history(github: GitHubStandIn, source: str, count: int) -> str:
    """``count`` squash-merged pull requests, each deployed once by ``source``; the last commit."""
    epoch = datetime(2024, 1, 1, tzinfo=UTC)
    head = ""
    for i in range(1, count + 1):
        at = iso(epoch + timedelta(hours=i))
        head = github.add_commit(f"Change number {i} (#{i})")
        github.add_pull(i, f"Change number {i}", f"feature/change-{i}", head, commits=1)
        if source == "releases":
            github.add_release(f"v1.{i}.0", head, body=f"- Change number {i}", published_at=at)
        elif source == "deployments":
            github.add_deployment(head, created_at=at, statuses=["success"])
        else:
            add_workflow_run(github, 10_000 + i, head_sha=head, created_at=at, updated_at=at, branch="master")
    return head


def backfill_once(releases: int, source: str = "releases") -> Backfill:
    with standins() as (github, iftrue), tempfile.TemporaryDirectory(prefix="iftrue-bench-") as tmpdir:
        tmp = Path(tmpdir)
        head = history(github, source, releases)
        github.set_rate_limit(100 * releases + 1000)  # the figure is the action's, not GitHub's hourly limit
        github.add_run(scenarios.RUN_ID, scenarios.ago(5))
        payload = event_payload("workflow_dispatch")
        payload["repository"]["html_url"] = scenarios.REPO_URL
        env = github_env(tmp, "workflow_dispatch", payload, sha=head, ref="refs/heads/master", api_url=github.url)
        given = {"backfill-since": "2000-01-01", "backfill-source": source}
        if source == "runs":
            given.update({"backfill-workflow": "deploy.yml", "branch": "master"})
        inputs = scenarios.action_inputs(iftrue, **given)
        github.reset_requests()
        child = run_child([sys.executable, str(ENTRYPOINT)], action_env(env, inputs), str(tmp), BACKFILL_TIMEOUT)
        outputs = parse_outputs(Path(env["GITHUB_OUTPUT"]).read_text())
        commits = {r.get("commit_id") for r in iftrue.records}
        kinds: dict[str, int] = {}
        for request in list(github.requests):
            kind = re.sub(r"\d+", "{n}", f"{request.method} {short_path(request.path)}")
            kinds[kind] = kinds.get(kind, 0) + 1
        return Backfill(releases, child, len(iftrue.records), len(commits), len(github.requests), outputs, kinds)


def failed_records(stdout: str) -> int:
    """How many records failed ("Backfill done: 4999 of 5000 reported, 1 failed."); a stop counts as all."""
    found = re.search(r"^Backfill done: .*, (\d+) failed\.$", stdout, re.MULTILINE)
    return int(found.group(1)) if found else 1 << 30


def why_unavailable(n: int, b: Backfill) -> str:
    """Why this run gives no figure ("" when it does)."""
    c = b.child
    if c.timed_out:
        return f"the run with {n} releases did not finish within {BACKFILL_TIMEOUT:g} s"
    if (c.returncode != 0 and failed_records(c.stdout) * 100 > n) or "Traceback" in c.stdout + c.stderr:
        return f"with {n} releases the action exited {c.returncode} ({first_command(c.stdout + c.stderr)})"
    if b.records <= 1 < n:
        return (
            f"for {n} releases the action sent {b.records} record(s) and deployments-reported is "
            f"{b.outputs.get('deployments-reported', 'not set')!r}: `backfill-since` is not acted on"
        )
    return ""


def section_backfill(results: dict[str, Any], sizes: list[int], repeat: int) -> None:
    out("## 4. Backfill of releases (`backfill-since: 2000-01-01`, `backfill-source: releases`)")
    out()
    done: dict[int, list[Backfill]] = {}
    for n in sizes:
        for attempt in range(repeat):
            progress(f"backfill: {n} releases, run {attempt + 1} of {repeat}")
            b = backfill_once(n)
            why = why_unavailable(n, b)
            if why:
                out(f"Not available yet: {why}.")
                out()
                results["backfill"] = "not available"
                return
            done.setdefault(n, []).append(b)

    def med(values: list[float]) -> float:
        return float(statistics.median(values))

    summary: list[tuple[int, float, float, float]] = []  # releases, records, seconds, rss KiB
    rows = []
    for n, runs in done.items():
        seconds = med([b.child.seconds for b in runs])
        rss = med([b.child.maxrss_kb for b in runs])
        records = med([b.records for b in runs])
        summary.append((n, records, seconds, rss))
        last = runs[-1]
        rows.append(
            [
                n,
                f"{records:.0f}",
                f"{last.distinct_commits}",
                last.outputs.get("deployments-reported", "—"),
                f"{seconds:.2f}",
                f"**{records / seconds:.1f}**",
                f"**{rss / 1024:.1f}**",
                last.github_requests,
                f"{last.github_requests / max(1, last.records):.2f}",
            ]
        )
    headers = ["releases", "records received by iftrue", "distinct commits", "deployments-reported"]
    headers += [f"wall s (median of {repeat})", "records/s", "peak RSS MiB", "GitHub requests", "requests/record"]
    out(table(headers, rows))
    out()
    largest = done[max(done)][-1]
    kinds = sorted(largest.request_kinds.items(), key=lambda kv: -kv[1])
    out(f"- GitHub requests of the {largest.releases}-release run: " + "; ".join(f"{k} ×{v}" for k, v in kinds) + ".")
    for n, runs in done.items():
        if any(b.records != n for b in runs):
            out(
                f"- With {n} releases iftrue received {[b.records for b in runs]} records, not {n}: the missing "
                "ones failed with the connection to the local iftrue stand-in broken (RemoteDisconnected), which "
                "a loop of POSTs to the stand-in shows too."
            )
    if len(summary) >= 2:
        (n0, r0, s0, m0), (n1, r1, s1, m1) = summary[0], summary[-1]
        if s1 > s0:
            out(
                f"- Marginal rate from {n0} to {n1} releases (start-up excluded): "
                f"{(r1 - r0) / (s1 - s0):.1f} records/s, {(s1 - s0) / max(1, r1 - r0) * 1000:.1f} ms per record."
            )
        growth = m1 - m0
        flat = growth <= 0.1 * m0
        out(
            f"- Peak RSS from {n0} to {n1} releases: {growth / 1024:+.1f} MiB "
            f"({growth / max(1, r1 - r0):+.1f} KiB per extra record): {'flat' if flat else 'NOT flat'} "
            "(flat: growth within 10 % of the smaller run)."
        )
    timings = results.get("timings") or []
    if timings:
        single = statistics.median(timings[-1].action_rss) / 1024
        out(f"- For reference, one push run (section 2, case b) peaks at {single:.1f} MiB.")
    out()
    requests_per_source()
    results["backfill"] = "ok"


def requests_per_source() -> None:
    """The GitHub requests a record costs, for each source: a backfill of SOURCE_SIZE of each."""
    out(f"GitHub requests per record, by source ({SOURCE_SIZE} past deployments each, every one reported):")
    out()
    rows = []
    for source in SOURCES:
        progress(f"backfill: {SOURCE_SIZE} {source}")
        b = backfill_once(SOURCE_SIZE, source)
        pages = sum(v for k, v in b.request_kinds.items() if is_listing(k, source))
        per = (b.github_requests - pages) / max(1, b.records)
        budget = "≤ 2" if source == "runs" else "≤ 3"
        kinds = "; ".join(f"{k} ×{v}" for k, v in sorted(b.request_kinds.items(), key=lambda kv: -kv[1]))
        rows.append([source, b.records, b.github_requests, pages, f"**{per:.2f}**", budget, kinds])
    out(
        table(
            ["source", "records", "GitHub requests", "listing pages", "per record (pages aside)", "budget", "requests"],
            rows,
        )
    )
    out()


def is_listing(kind: str, source: str) -> bool:
    path = {"releases": "/releases", "deployments": "/deployments", "runs": "/runs"}[source]
    return kind.endswith(path)
