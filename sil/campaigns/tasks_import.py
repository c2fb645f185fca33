"""The worker job of list uploads too big to import during the request."""

from __future__ import annotations

from typing import Any

from procrastinate.contrib.django import app

from sil.campaigns.importer import IMPORT_TASK, run_queued_import


# No retries: a failed import wrote nothing and its report says why; the operator uploads again.
@app.task(name=IMPORT_TASK, queue="campaigns")
def import_list(batch_id: int) -> dict[str, Any]:
    return run_queued_import(batch_id)
