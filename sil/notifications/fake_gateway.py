"""A local gateway on 127.0.0.1 that plays the SMS gateways and App IO, for tests, demo and
benchmarks.

    with FakeGateway(webhook_secret="s") as gw:
        settings.SIL_SMS_GATEWAY_URL = gw.sms_url        # POST {to, text, reference, …}
        settings.SIL_SMS_FALLBACK_URL = gw.fallback_url
        settings.SIL_APPIO_URL = gw.appio_url            # POST /messages
        gw.set_mode("sms", "fail")                       # 503 to every request
        gw.fail_next("sms", 3)                           # 503 to the next three only
        gw.post_reports(["delivered", "sent"])           # reports, "sent" after "delivered"

It records every request (`hits`), accepts a reference once per endpoint (`accepted`; a copy is
answered with the same id and counted in `duplicates`), and answers like a provider would:
"ok", "fail" (503), "reject" (400), "timeout" (answers after `timeout_s`, having accepted the
message, as a slow gateway does). Run alone: `python -m sil.notifications.fake_gateway --port N`.
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sil.notifications.signing import HEADER, sign

KINDS = {"/sms": "sms", "/sms2": "sms2", "/appio/messages": "appio"}
MODES = ("ok", "fail", "reject", "timeout")


@dataclass
class Accepted:
    kind: str
    id: str
    reference: str
    to: str
    text: str
    callback_url: str
    payload: dict[str, Any] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the dispatcher reuses its connections
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        kind = KINDS.get(self.path)
        if kind is None:
            self._answer(404, {"error": "not found"})
            return
        try:
            payload = json.loads(raw)
        except ValueError:
            self._answer(400, {"error": "invalid JSON"})
            return
        status, data = self.server.gateway.handle(kind, payload, dict(self.headers))
        self._answer(status, data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    gateway: FakeGateway


class FakeGateway:
    def __init__(
        self,
        *,
        webhook_secret: str = "",
        delay_s: float = 0.0,
        timeout_s: float = 2.0,
        port: int = 0,
    ) -> None:
        self.webhook_secret = webhook_secret
        self.delay_s = delay_s
        self.timeout_s = timeout_s
        self.lock = threading.Lock()
        self.hits: list[tuple[str, str]] = []  # (kind, reference) of every request
        self.accepted: dict[tuple[str, str], Accepted] = {}
        self.duplicates = 0
        self.modes: dict[str, str] = dict.fromkeys(KINDS.values(), "ok")
        self.failures_left: dict[str, int] = dict.fromkeys(KINDS.values(), 0)
        self.unknown_fiscal_codes: set[str] = set()
        # hold_after(n): from the (n+1)-th message on, accept it but answer only on release(),
        # like a gateway that took the message while its client was dying.
        self.hold_from: int | None = None
        self.released = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.gateway = self
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def sms_url(self) -> str:
        return self.url + "/sms"

    @property
    def fallback_url(self) -> str:
        return self.url + "/sms2"

    @property
    def appio_url(self) -> str:
        return self.url + "/appio"

    def start(self) -> FakeGateway:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- behaviour --------------------------------------------------------------------
    def set_mode(self, kind: str, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        with self.lock:
            self.modes[kind] = mode

    def hold_after(self, count: int) -> None:
        self.released.clear()
        self.hold_from = count

    def release(self) -> None:
        self.hold_from = None
        self.released.set()

    def fail_next(self, kind: str, count: int) -> None:
        with self.lock:
            self.failures_left[kind] = count

    def handle(
        self, kind: str, payload: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any]:
        if self.delay_s:
            time.sleep(self.delay_s)
        reference = str(payload.get("reference") or payload.get("fiscal_code") or "")
        with self.lock:
            self.hits.append((kind, reference))
            mode = self.modes[kind]
            if self.failures_left[kind] > 0:
                self.failures_left[kind] -= 1
                mode = "fail"
        if mode == "fail":
            return 503, {"error": "service unavailable"}
        if mode == "reject":
            return 400, {"error": "invalid recipient"}
        if kind == "appio":
            return self._appio(payload, mode)
        record, duplicate = self._accept(
            kind,
            reference,
            str(payload.get("to", "")),
            str(payload.get("text", "")),
            str(payload.get("callback_url", "")),
            payload,
        )
        if mode == "timeout":
            time.sleep(self.timeout_s)
        if self.hold_from is not None and len(self.accepted) > self.hold_from:
            self.released.wait(timeout=60)
        return 200, {"id": record.id, "status": "accepted", "duplicate": duplicate}

    def _appio(self, payload: dict[str, Any], mode: str) -> tuple[int, Any]:
        fiscal_code = str(payload.get("fiscal_code", ""))
        if fiscal_code in self.unknown_fiscal_codes:
            return 404, {"title": "Profile not found", "status": 404}
        content = payload.get("content") or {}
        # App IO has no reference of ours: each accepted request is a message.
        with self.lock:
            key = f"io-{len(self.accepted) + 1}"
        record, _ = self._accept(
            "appio", key, fiscal_code, str(content.get("markdown", "")), "", payload
        )
        if mode == "timeout":
            time.sleep(self.timeout_s)
        return 201, {"id": record.id}

    def _accept(
        self, kind: str, reference: str, to: str, text: str, callback: str, payload: dict[str, Any]
    ) -> tuple[Accepted, bool]:
        with self.lock:
            existing = self.accepted.get((kind, reference))
            if existing is not None:
                self.duplicates += 1
                return existing, True
            record = Accepted(
                kind, f"{kind}-{len(self.accepted) + 1}", reference, to, text, callback, payload
            )
            self.accepted[(kind, reference)] = record
            return record, False

    # --- what was received ------------------------------------------------------------
    def hits_per_reference(self, kind: str = "sms") -> Counter[str]:
        with self.lock:
            return Counter(ref for k, ref in self.hits if k == kind)

    def accepted_of(self, kind: str = "sms") -> list[Accepted]:
        with self.lock:
            return [a for (k, _), a in self.accepted.items() if k == kind]

    # --- delivery reports -------------------------------------------------------------
    def report_bodies(self, statuses: list[str], kind: str = "sms") -> list[tuple[str, bytes]]:
        """(callback URL, JSON body) of one report per status per accepted message, in the
        order given for each message (e.g. ["delivered", "sent"]: out of order)."""
        out = []
        for record in self.accepted_of(kind):
            for status in statuses:
                body = json.dumps(
                    {
                        "id": record.id,
                        "reference": record.reference,
                        "status": status,
                        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    }
                ).encode()
                out.append((record.callback_url, body))
        return out

    def signed_headers(self, body: bytes) -> dict[str, str]:
        return {"Content-Type": "application/json", HEADER: sign(self.webhook_secret, body)}

    def post_reports(
        self, statuses: list[str], kind: str = "sms", *, shuffle: bool = False, base_url: str = ""
    ) -> list[int]:
        """POST the reports to each message's callback (or to base_url + its path); return the
        HTTP statuses received."""
        bodies = self.report_bodies(statuses, kind)
        if shuffle:
            random.shuffle(bodies)
        results = []
        for url, body in bodies:
            if base_url:
                url = base_url.rstrip("/") + "/" + url.split("/", 3)[3]
            request = urllib.request.Request(  # noqa: S310 - loopback, http only
                url, data=body, headers=self.signed_headers(body), method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    results.append(response.status)
            except urllib.error.HTTPError as exc:
                results.append(exc.code)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Local SMS gateway and App IO for the demo.")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--webhook-secret", default="")
    args = parser.parse_args()
    gateway = FakeGateway(webhook_secret=args.webhook_secret, port=args.port).start()
    print(f"SMS {gateway.sms_url}  fallback {gateway.fallback_url}  App IO {gateway.appio_url}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        gateway.stop()


if __name__ == "__main__":
    main()
