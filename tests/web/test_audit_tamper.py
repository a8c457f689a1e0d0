"""The audit log cannot be altered unnoticed (NEN 7513): the database refuses changes and deletions whoever asks,
and the hash chain shows what somebody with DDL rights changed anyway. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from rugpad.cli import main
from rugpad.web.audit import chain
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.demo import as_user
from tests.web.conftest import World, client_for


def _ids() -> list[int]:
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def _raw(sql: str, params: list[object] | None = None) -> None:
    """One raw statement in its own savepoint, so a refused one leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _settle_constraints() -> None:
    """PostgreSQL refuses TRUNCATE and ALTER TABLE on a table with deferred foreign-key checks still pending in the
    transaction (this test's own inserts): run those checks now."""
    if connection.vendor == "postgresql":
        _raw("SET CONSTRAINTS ALL IMMEDIATE")


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify"])
    return code, capsys.readouterr().out


def test_every_new_event_links_to_the_one_before(world: World) -> None:
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) > 3
    previous = chain.GENESIS
    for event in events:
        assert event.chain_hash == chain.link(previous, event)
        previous = event.chain_hash


def test_raw_sql_cannot_change_or_delete_an_event(world: World) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    with pytest.raises(IntegrityError, match="audit events cannot be changed"):
        _raw("UPDATE audit_auditevent SET actor_name = 'someone else' WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="audit events cannot be deleted"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="audit events cannot be deleted"):
        _raw("DELETE FROM audit_auditevent")
    with pytest.raises(IntegrityError, match="audit events cannot be changed"), transaction.atomic():
        summary = AuditEvent._meta.get_field("summary")
        AuditEvent.objects.filter(pk=event.pk)._update([(summary, None, "x")])  # type: ignore[attr-defined]
    assert AuditEvent.objects.get(pk=event.pk).actor_name == event.actor_name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's (SQLite flushes with DELETE)")
def test_truncate_is_refused_on_postgresql(world: World) -> None:
    _settle_constraints()
    with pytest.raises(IntegrityError, match="audit events cannot be deleted"):
        _raw("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.exists()


def test_loaddata_cannot_overwrite_an_event_and_a_forged_one_breaks_the_chain(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    fields = {
        "at": "2026-11-21T10:00:00Z",
        "actor_name": "mallory",
        "action": "view",
        "object_type": "patient",
        "summary": "",
        "chain_hash": "f" * 64,
    }
    overwrite = tmp_path / "overwrite.json"
    overwrite.write_text(json.dumps([{"model": "audit.auditevent", "pk": event.pk, "fields": fields}]))
    with pytest.raises(IntegrityError, match="audit events cannot be changed"), transaction.atomic():
        call_command("loaddata", str(overwrite), verbosity=0)
    assert AuditEvent.objects.get(pk=event.pk).actor_name == event.actor_name

    forged = tmp_path / "forged.json"
    forged_pk = _ids()[-1] + 100
    forged.write_text(json.dumps([{"model": "audit.auditevent", "pk": forged_pk, "fields": fields}]))
    call_command("loaddata", str(forged), verbosity=0)  # a new row is an insert: the chain has to catch it
    code, out = _verify(capsys)
    assert code == 1
    assert f"broken at event {forged_pk}:" in out


def test_verify_passes_on_an_intact_log(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _verify(capsys)
    assert code == 0
    assert f"audit log intact: {AuditEvent.objects.count()} events" in out
    assert AuditEvent.objects.order_by("-id").first().chain_hash in out  # type: ignore[union-attr]


def test_verify_names_an_event_changed_behind_the_triggers_back(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = _ids()[2]
    # Somebody with DDL rights: the trigger goes (inside this test's transaction, so it comes back afterwards).
    _settle_constraints()
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    else:
        _raw("DROP TRIGGER audit_auditevent_no_update")
    _raw("UPDATE audit_auditevent SET actor_name = 'someone else' WHERE id = %s", [victim])
    code, out = _verify(capsys)
    assert code == 1
    assert f"broken at event {victim}:" in out
    assert "2 events before it are intact" in out


def test_verify_names_the_event_after_one_removed(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _ids()
    # The flush permit (migration 0005) stands in for any way around the delete trigger.
    _raw("INSERT INTO audit_flush_permit (flushing) VALUES (1)")
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [ids[1]])
    _raw("DELETE FROM audit_flush_permit")
    code, out = _verify(capsys)
    assert code == 1
    assert f"broken at event {ids[2]}:" in out


def test_flush_empties_the_log_and_leaves_no_permit_behind(world: World) -> None:
    _settle_constraints()
    with transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
        assert not AuditEvent.objects.exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM audit_flush_permit")
            assert cursor.fetchone() == (0,)
        with pytest.raises(IntegrityError, match="audit events cannot be deleted"):  # the triggers still stand
            record(None, AuditAction.LOGIN_FAILED, summary="after the flush")
            _raw("DELETE FROM audit_auditevent")
        transaction.set_rollback(True)  # keep the world for the test's own teardown


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_is_flushed_despite_the_triggers(world: World) -> None:
    """Django's test runner flushes after each transactional test (DELETE on SQLite, TRUNCATE on PostgreSQL); the
    teardown of this test failing would show that the flush command lost its permit."""
    client_for(world.clinician).get(reverse("home"))
    assert AuditEvent.objects.filter(action=AuditAction.LIST).exists()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the test database is one shared in-memory connection")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    request = as_user(world.clinician)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    record(request, AuditAction.VIEW, summary=f"writer {n} event {i}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    before = AuditEvent.objects.count()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == before + 80
    code, out = _verify(capsys)
    assert code == 0, out
