"""Signatures of delivery-report webhooks: HMAC-SHA256 over "<timestamp>.<raw body>".

Header: X-SIL-Signature: t=<unix seconds>,v1=<hex digest>. The timestamp inside the signed text
bounds replays to SIL_WEBHOOK_TOLERANCE_S; a report replayed within that window changes nothing
anyway (reports are idempotent).
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-SIL-Signature"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    secret: str, body: bytes, header: str, tolerance_s: int, now: float | None = None
) -> bool:
    if not secret or not header:
        return False
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return any(
        hmac.compare_digest(expected, value)
        for key, value in (item.split("=", 1) for item in header.split(",") if "=" in item)
        if key.strip() == "v1"
    )
