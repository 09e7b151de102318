"""An e-mail backend for tests with a real Celery worker: one file per message in
$LOTSE_TEST_MAIL_DIR, so the test process can count what another process sent.

If the file ``slow`` exists in that directory, the backend first writes ``started`` and then waits
a minute before it writes anything: the test kills the worker in that minute (mid-run)."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class DirectoryBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        directory = Path(os.environ["LOTSE_TEST_MAIL_DIR"])
        if (directory / "slow").exists():
            (directory / "started").write_text(str(os.getpid()))
            time.sleep(60)
        for message in email_messages:
            (directory / f"mail-{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
