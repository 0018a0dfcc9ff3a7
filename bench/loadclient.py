"""A cheap HTTP load client that behaves like patient citizens, and the check of what was stored.

Each client thread opens the survey once (session cookie and CSRF token, as a phone would),
then posts complete final pages. A submission is acknowledged by the 303 to the thank-you page;
until then the client retries it with the same submission id (connection cut, 5xx, 429, expired
page), as the survey page does when the citizen presses the button again.

Every way a connection can end without an answer is "unknown: send the same submission id
again": refused or reset (``OSError``), closed before the status line
(``http.client.RemoteDisconnected``), cut in the middle of the body (``http.client.IncompleteRead``,
an ``HTTPException`` that is not an ``OSError``), a garbled reply (``BadStatusLine``), or a timeout
(``TimeoutError``, an ``OSError``). :data:`CONNECTION_ENDED` lists them.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, select

from webapp.config import normalise_database_url
from webapp.models import Comment, Response

# A request that ends in one of these was perhaps stored, perhaps not: resend the same id.
CONNECTION_ENDED: tuple[type[BaseException], ...] = (OSError, http.client.HTTPException)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RETRY_PAUSE = (0.05, 0.5)  # seconds between retries: first, longest


class Browser:
    """One client's connection details and survey session (cookie and CSRF token)."""

    def __init__(self, base: str, path: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = path
        self.timeout = timeout
        self.cookie = ""
        self.csrf = ""

    def _request(self, method: str, body: bytes | None, headers: dict[str, str]
                 ) -> tuple[int, bytes, list[tuple[str, str]]]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, self.path, body=body, headers=headers)
            reply = conn.getresponse()
            return reply.status, reply.read(), reply.getheaders()
        finally:
            conn.close()

    def open(self, client_address: str) -> None:
        """GET the survey: keep the session cookie and the form's CSRF token."""
        status, body, headers = self._request("GET", None, {"X-Forwarded-For": client_address})
        if status != 200:
            raise OSError(f"survey page answered {status}")
        for name, value in headers:
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        found = _CSRF.search(body.decode())
        if not found:
            raise OSError("no CSRF token on the survey page")
        self.csrf = found.group(1)

    def post(self, form: list[tuple[str, str]], submission_id: str,
             client_address: str) -> tuple[int, bytes]:
        """POST a final page; return the status and body (raises one of
        :data:`CONNECTION_ENDED` if the connection ends before the whole answer is read)."""
        fields = [*form, ("csrf_token", self.csrf), ("submission_id", submission_id)]
        body = urlencode(fields).encode()
        status, reply, _ = self._request("POST", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie,
            "X-Forwarded-For": client_address})
        return status, reply


def marker(number: int, submission_id: str) -> str:
    """The comment a load submission carries, so stored rows can be matched to what was sent."""
    return f"load {number} {submission_id}"


def address(number: int) -> str:
    """A distinct private-range address per submission (each citizen has a phone)."""
    return f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"


@dataclass
class LoadReport:
    """What the clients saw."""

    sent: int = 0  # distinct submissions
    requests: int = 0  # POSTs, retries and deliberate resends included
    acknowledged: int = 0
    resent: int = 0  # acknowledged submissions posted again with the same id (double taps)
    resent_acknowledged: int = 0
    gave_up: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # kind -> count, before the ack
    faults: list[str] = field(default_factory=list)
    acked_ids: dict[str, int] = field(default_factory=dict)  # submission id -> number
    sent_ids: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, acknowledged POSTs
    error_times: list[tuple[float, str]] = field(default_factory=list)  # since start, kind
    seconds: float = 0.0
    crashed: list[str] = field(default_factory=list)  # a client thread stopped by an exception


Fault = tuple[float, str, Callable[[], object]]  # (share of submissions acknowledged, name, act)


def run_load(base: str, tokens: list[str], form: list[tuple[str, str]], *, total: int,
             clients: int, resend_every: int = 10, faults: list[Fault] | None = None,
             give_up_after: float = 120.0, seed: int = 1, rate: float | None = None,
             timeout: float = 30.0) -> LoadReport:
    """Send ``total`` submissions from ``clients`` threads; every ``resend_every``-th one is
    posted again with the same id once acknowledged. ``faults`` run (in their own thread) when
    the given share of submissions has been acknowledged.

    Without ``rate`` each client posts again as soon as it is answered (a closed loop: the
    server's capacity is measured, and latency is mostly queueing). With ``rate`` (submissions
    per second, all clients together) each client keeps to a schedule, so latency is measured
    at that offered load.
    """
    report = LoadReport()
    lock = threading.Lock()
    numbers = iter(range(total))
    pending = sorted(faults or [], key=lambda f: f[0])
    fired: list[threading.Thread] = []
    base_form = [(k, v) for k, v in form if k != "comment"]

    def fire_due() -> None:
        while pending and report.acknowledged >= pending[0][0] * total:
            _share, name, act = pending.pop(0)
            report.faults.append(f"{name} after {report.acknowledged} acknowledged "
                                 f"({time.perf_counter() - t0:.1f} s)")
            thread = threading.Thread(target=act, daemon=True)
            thread.start()
            fired.append(thread)

    def deliver(browser: Browser, number: int, sid: str, resend: bool) -> bool:
        rng = random.Random(f"{seed}-{number}-{resend}")
        pause = RETRY_PAUSE[0]
        started = time.monotonic()
        client_form = [*base_form, ("comment", marker(number, sid))]
        while time.monotonic() - started < give_up_after:
            kind = None
            try:
                if not browser.csrf:
                    browser.open(address(number))
                begun = time.perf_counter()
                status, _body = browser.post(client_form, sid, address(number))
                elapsed = time.perf_counter() - begun
            except CONNECTION_ENDED as exc:
                kind = f"connection: {type(exc).__name__}"
                browser.csrf = ""
            else:
                if status == 303:
                    with lock:
                        report.requests += 1
                        if not resend:
                            report.latencies.append(elapsed)
                    return True
                if status == 200:  # the page again: the form had expired, nothing stored
                    kind, browser.csrf = "page shown again", ""
                else:
                    kind = f"HTTP {status}"
            with lock:
                report.requests += 1
                report.errors[kind] += 1
                report.error_times.append((round(time.perf_counter() - t0, 2), kind))
            time.sleep(pause * (0.5 + rng.random()))
            pause = min(pause * 2, RETRY_PAUSE[1])
        return False

    def client(index: int) -> None:
        browser = Browser(base, "/s/" + tokens[index % len(tokens)], timeout=timeout)
        interval = clients / rate if rate else 0.0
        due = time.monotonic() + interval * random.Random(f"{seed}/{index}").random()
        while True:
            if interval:
                time.sleep(max(0.0, due - time.monotonic()))
                due += interval
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            sid = str(uuid.UUID(int=random.Random(f"{seed}:{number}").getrandbits(128)))
            with lock:
                report.sent += 1
                report.sent_ids[sid] = number
            if not deliver(browser, number, sid, resend=False):
                with lock:
                    report.gave_up += 1
                continue
            with lock:
                report.acknowledged += 1
                report.acked_ids[sid] = number
                fire_due()
            if number % resend_every == 0:
                ok = deliver(browser, number, sid, resend=True)
                with lock:
                    report.resent += 1
                    report.resent_acknowledged += ok

    def guarded(index: int) -> None:
        # A client that stops leaves its submission neither acknowledged nor given up: say so.
        try:
            client(index)
        except Exception as exc:  # reported, and the caller's checks then fail
            with lock:
                report.crashed.append(f"client {index}: {exc!r}")

    started = t0 = time.perf_counter()
    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - started
    for thread in fired:
        thread.join()
    return report


@dataclass
class StoredCheck:
    """What the database holds, matched against what the clients sent."""

    stored: int  # responses whose submission id was sent
    duplicated: int  # extra copies of a sent submission (by submission id or by its comment)
    lost: int  # acknowledged but not stored
    stored_unacknowledged: int  # stored though the client never saw the acknowledgement
    half_written: int  # a response without its comment or with answers missing or altered
    foreign: int  # rows that match nothing sent


def check_stored(database_url: str, report: LoadReport) -> StoredCheck:
    """Read every response and comment back and compare them with the report."""
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(select(Response.id, Response.submission_id, Response.answers)).all()
        comments = conn.execute(select(Comment.response_id, Comment.body)).all()
    engine.dispose()
    by_response: dict[int, list[str]] = {}
    for response_id, body in comments:
        by_response.setdefault(response_id, []).append(body)
    seen: Counter[str] = Counter()
    markers: Counter[str] = Counter()
    half = foreign = 0
    keys = None
    for response_id, sid, answers in rows:
        if sid not in report.sent_ids:
            foreign += 1
            continue
        seen[sid] += 1
        expected = marker(report.sent_ids[sid], sid)
        markers[answers.get("comment", "")] += 1
        keys = keys or set(answers)
        if (by_response.get(response_id) != [expected] or answers.get("comment") != expected
                or set(answers) != keys):
            half += 1
    duplicated = sum(n - 1 for n in seen.values()) + sum(n - 1 for n in markers.values())
    return StoredCheck(
        stored=len(seen), duplicated=duplicated,
        lost=sum(1 for sid in report.acked_ids if sid not in seen),
        stored_unacknowledged=sum(1 for sid in seen if sid not in report.acked_ids),
        half_written=half, foreign=foreign)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (``share`` in 0-1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))
    return ordered[rank]
