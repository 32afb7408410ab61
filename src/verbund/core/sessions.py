"""Django's database sessions, loaded by a prepared query (core/prepared.py).

Every request of a signed-in user reads its session row; the ORM spent ten times longer building
that query than the database answering it. Storage, expiry and ``clearsessions`` are Django's.
"""

import datetime as dt
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from verbund.core.prepared import Prepared

_LIVE_SESSION = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key=str,
    now=dt.datetime,
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        rows = _LIVE_SESSION(key=self.session_key, now=timezone.now()) if self.session_key else []
        if not rows:
            self._session_key = None
            return None
        return rows[0]
