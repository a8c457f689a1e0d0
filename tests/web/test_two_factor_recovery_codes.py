"""Recovery codes are stored only as keyed hashes (issue 11): the database holds no code a person could type, each
code signs in once, a code of one user is no code of another, and the migration turns django-otp's plain-text codes
into hashes that still work."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from rugpad.web.twofactor.models import RecoveryCode, RecoveryDevice, code_digest
from tests.web.conftest import World, client_for
from tests.web.test_two_factor import CODE, enrol, password_sign_in, verified


def _everything_stored() -> str:
    """Every text column of every two-step table, as one string to search for a code."""
    rows = [
        *RecoveryCode.objects.values_list("digest", flat=True),
        *RecoveryDevice.objects.values_list("salt", "name"),
    ]
    return " ".join(str(row) for row in rows)


def test_the_database_holds_no_recovery_code_only_keyed_hashes(world: World) -> None:
    codes = enrol(client_for(world.clinician), world.clinician)
    plain = [code.replace(" ", "") for code in codes]
    assert all(len(code) == 12 for code in plain)  # 60 bits each
    stored = _everything_stored()
    assert not any(code in stored for code in plain)
    device = RecoveryDevice.objects.get(user=world.clinician)
    digests = set(device.codes.values_list("digest", flat=True))
    assert digests == {code_digest(device.salt, code) for code in plain}
    with connection.cursor() as cursor:  # below the ORM too: no column of the tables holds a code
        for table in ("twofactor_recoverycode", "twofactor_recoverydevice"):
            cursor.execute(f"SELECT * FROM {table}")  # fixed table names
            dumped = repr(cursor.fetchall())
            assert not any(code in dumped for code in plain), table


def test_the_hash_needs_the_secret_key_and_differs_per_sheet(world: World, settings: Any) -> None:
    device = RecoveryDevice.objects.create(user=world.clinician, name="recovery codes")
    other = RecoveryDevice.objects.create(user=world.other_clinician, name="recovery codes")
    assert device.salt != other.salt
    assert code_digest(device.salt, "abcdefghijkl") != code_digest(other.salt, "abcdefghijkl")
    before = code_digest(device.salt, "abcdefghijkl")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert code_digest(device.salt, "abcdefghijkl") != before


def test_a_code_signs_in_once_and_is_then_gone(world: World, settings: Any) -> None:
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    codes = enrol(client_for(world.clinician), world.clinician)
    first = password_sign_in(world.clinician)
    assert first.post(CODE, {"code": codes[3]}).status_code == 302 and verified(first)
    assert RecoveryCode.objects.filter(device__user=world.clinician).count() == 9
    second = password_sign_in(world.clinician)
    refused = second.post(CODE, {"code": codes[3]})
    assert refused.status_code == 200 and not verified(second)
    assert "code" in refused.context["form"].errors


def test_signed_in_with_a_recovery_code_making_new_ones_keeps_the_session_open(world: World, settings: Any) -> None:
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    old = enrol(client_for(world.clinician), world.clinician)
    client = password_sign_in(world.clinician)
    assert client.post(CODE, {"code": old[0]}).status_code == 302 and verified(client)
    new = client.post("/account/two-factor/recovery-codes/").context["codes"]
    assert client.get("/patients/").status_code == 200  # still verified: no code asked again
    again = password_sign_in(world.clinician)
    assert again.post(CODE, {"code": old[1]}).status_code == 200  # the old sheet stopped working
    assert again.post(CODE, {"code": new[0]}).status_code == 302 and verified(again)


def test_one_users_code_is_no_code_of_another(world: World, settings: Any) -> None:
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    theirs = enrol(client_for(world.other_clinician), world.other_clinician)
    enrol(client_for(world.clinician), world.clinician)
    client = password_sign_in(world.clinician)
    assert client.post(CODE, {"code": theirs[0]}).status_code == 200 and not verified(client)
    assert RecoveryCode.objects.filter(device__user=world.other_clinician).count() == 10


def test_a_code_still_works_after_a_key_rotation_with_the_old_key_as_fallback(world: World, settings: Any) -> None:
    codes = enrol(client_for(world.clinician), world.clinician)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "the-rotated-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    client = password_sign_in(world.clinician)
    assert client.post(CODE, {"code": codes[0]}).status_code == 302 and verified(client)


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_plain_codes_and_they_still_sign_in_once(world: World) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("twofactor", "0001_initial")])
    old = executor.loader.project_state([("twofactor", "0001_initial"), ("otp_static", "0003_add_timestamps")]).apps
    static_device = old.get_model("otp_static", "StaticDevice")
    static_token = old.get_model("otp_static", "StaticToken")
    sheet = static_device.objects.create(user_id=world.clinician.pk, name="recovery codes", confirmed=True)
    plain = ["abcdefgh", "ijklmnop", "qrstuvwx"]
    static_token.objects.bulk_create(static_token(device=sheet, token=token) for token in plain)
    static_device.objects.create(user_id=world.patient_user.pk, name="recovery codes", confirmed=True)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert not static_token.objects.exists() and not static_device.objects.exists()
    device = RecoveryDevice.objects.get(user=world.clinician)
    assert device.confirmed and device.codes.count() == 3
    assert not any(code in _everything_stored() for code in plain)
    assert RecoveryDevice.objects.get(user=world.patient_user).codes.count() == 0

    # The clinician's old code signs in (typed as printed, in capitals), once.
    from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

    TOTPDevice.objects.create(user=world.clinician, name="authenticator app", confirmed=True)
    client = password_sign_in(world.clinician)
    assert client.post(CODE, {"code": "IJKL MNOP"}).status_code == 302 and verified(client)
    again: Client = password_sign_in(world.clinician)
    device.throttle_reset()
    assert again.post(CODE, {"code": "ijklmnop"}).status_code == 200 and not verified(again)
    assert device.codes.count() == 2
