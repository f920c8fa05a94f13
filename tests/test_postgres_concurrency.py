"""No lost updates: 20 writers, each with its own connection, race 50 saves each on shared records."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from forms.model import Case, Deadlines, Record
from storage.postgres.store import PostgresStore
from storage.store import StaleVersionError
from tests.pg_server import ADMIN, TeamServer

WRITERS = 20
SAVES = 50
SHARED = 4
"""Records the writers share: few, so that most saves collide."""


@dataclass
class Outcome:
    acknowledged: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    refused: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    failures: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(store: PostgresStore, number: int, ids: list[str], start: threading.Barrier, out: Outcome) -> None:
    """Read a record, add this save's mark to its log, save; note whether the save was taken or refused."""
    try:
        start.wait()
        for n in range(SAVES):
            record_id = ids[(number + n) % len(ids)]
            record = store.get_record(record_id)
            mark = f"w{number}-s{n}"
            record.answers["log"] = [*record.answers.get("log", []), mark]
            try:
                store.save_record(record, "sam")
            except StaleVersionError as refused:
                assert refused.stored.version > record.version
                with out.lock:
                    out.refused[record_id].append(mark)
            else:
                with out.lock:
                    out.acknowledged[record_id].append(mark)
    except BaseException as failure:  # reported below: a writer must never fail in any other way
        out.failures.append(failure)
    finally:
        store.close()


def test_twenty_writers_lose_nothing(team_server: TeamServer, team_database: str) -> None:
    url = team_server.url(team_database, ADMIN)
    setup = PostgresStore(url)
    ids = []
    for n in range(SHARED):
        setup.create_case(
            Case(ref=f"C-{n}", name="Alex Morgan", start="2025-02-03", owner="sam"), Deadlines()
        )
        ids.append(
            setup.create_record(Record(id="", case_ref=f"C-{n}", form_id="f", form_version="1"), "sam").id
        )
    logins = [ADMIN if n % 2 else "sam" for n in range(WRITERS)]  # a practitioner and the office, in turn
    stores = [PostgresStore(team_server.url(team_database, who)) for who in logins]
    out = Outcome()
    start = threading.Barrier(WRITERS)
    threads = [
        threading.Thread(target=writer, args=(store, n, ids, start, out)) for n, store in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not out.failures, out.failures[:3]
    taken = sum(len(v) for v in out.acknowledged.values())
    refused = sum(len(v) for v in out.refused.values())
    assert taken + refused == WRITERS * SAVES, "every save was either acknowledged or reported as refused"
    assert refused > 0, "the writers did collide"
    for record_id in ids:
        stored = setup.get_record(record_id)
        log = stored.answers.get("log", [])
        assert sorted(log) == sorted(out.acknowledged[record_id]), "every acknowledged save is present"
        assert not set(log) & set(out.refused[record_id]), "no refused save slipped in"
        assert len(log) == len(set(log))
        assert stored.version == 1 + len(out.acknowledged[record_id]), "each acknowledged save is one version"
    setup.close()
