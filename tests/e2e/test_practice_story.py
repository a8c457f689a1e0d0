"""Running a practice, the whole story in a real browser (issue 11), with two-step sign-in required as in production:

the practice admin (password + code) invites a physiotherapist → she opens the one-time link from the e-mail, chooses
a password, sets up her authenticator app (the code computed here from the secret the page shows, as her phone
would) and keeps her recovery codes, signs out and in again with password + code → she adds a patient with an e-mail
address, opens an episode, sends a questionnaire and invites the patient → the patient, on a 390 px phone, signs up
from the e-mailed link and asks for a reminder when a questionnaire waits → the reminder job runs at the chosen
time (the clock passed in, as the periodic task does) and the patient's e-mail says only that there is something
for them → the patient writes to the therapist → the therapist sees the new message on her dashboard and answers →
the patient reads the answer and sees that her own message was read.

Screenshots (desk 1280 px, phone 390×844) go to screenshots/story-*.png for a person to look at."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from base64 import b32decode
from binascii import unhexlify
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP  # type: ignore[import-untyped]

from tests.e2e.conftest import follow, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 900}
ADMIN_PASSWORD = "beheer-van-het-anker-2026"
CLINICIAN_PASSWORD = "een-lang-en-ongewoon-wachtwoord 42"
PATIENT_PASSWORD = "wandelen-langs-de-vecht-61"
ADMIN_KEY = "3132333435363738393031323334353637383930"  # the admin's app, set up before the story begins
QUESTION = "Ik heb de vragenlijst ingevuld. Mag ik gewoon blijven fietsen naar mijn werk?"
ANSWER = "Ja, blijf fietsen, maar begin rustig. Bespreken we donderdag verder."
CLINICAL_WORDS = ("vragenlijst", "start back", "rugpijn", "lage rug", "pijn", "oefening", "klacht", "Vermeulen")


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for `key` now (or `steps_ahead` periods of 30 s later)."""
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def key_of(secret_shown: str) -> bytes:
    """The key from the secret as the setup page shows it for typing (base32 in groups of four)."""
    plain = secret_shown.replace(" ", "").upper()
    return b32decode(plain + "=" * (-len(plain) % 8))


def mailed_path(to: str) -> str:
    """The path of the link in the latest e-mail to `to`."""
    message = [m for m in mail.outbox if to in m.to][-1]
    match = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert match, message.body
    return match.group(1)


def today_at(hour: int, minute: int) -> dt.datetime:
    """The clock the reminder job is given (the periodic task passes the time it runs)."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour, minute)))


def text(page: Any) -> str:
    return str(page.inner_text("main"))


def shot(page: Any, name: str) -> None:
    screenshot(page, f"story-{name}")


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:
    """A second desk browser (its own cookies): the admin and the clinician each sit at their own computer."""
    context = browser.new_context(locale="nl-NL", viewport=DESK)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def practice(live_server: Any, settings: Any) -> str:
    """A new practice with its admin (who set up her app earlier), two-step sign-in required as in production."""
    from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

    from rugpad.web.practice.models import Practice, Role, User

    settings.RUGPAD_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    practice = Practice.objects.create(name="Fysiotherapie Het Anker", city="Utrecht", phone="030 765 43 21")
    admin = User.objects.create_user(
        "ineke", password=ADMIN_PASSWORD, practice=practice, role=Role.ADMIN, first_name="Ineke", last_name="Bos"
    )
    TOTPDevice.objects.create(user=admin, name="authenticator app", confirmed=True, key=ADMIN_KEY)
    return str(live_server.url)


@pytest.fixture
def quiet_server(live_server: Any, one_request_at_a_time: None) -> Iterator[threading.Lock]:
    """A lock the live server takes for each request (within the conftest's own): the test holds it while it runs a
    job in its own thread, so no page the browsers still load (the patient app's service worker fetches her pages in
    the background) shares SQLite's one connection with the job at the same moment ("database table is locked")."""
    from django.core.handlers.wsgi import WSGIHandler

    lock = threading.Lock()
    answer = WSGIHandler.__call__

    def one_at_a_time(self: WSGIHandler, environ: Any, start_response: Any) -> Any:
        with lock:
            return answer(self, environ, start_response)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WSGIHandler, "__call__", one_at_a_time)
        yield lock


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_a_practice_from_the_admins_invitation_to_a_read_answer(
    page: Any, desk: Any, phone: Any, practice: str, quiet_server: Any
) -> None:
    from rugpad.web.care.models import Episode, InstrumentResponse, Patient, ResponseStatus
    from rugpad.web.jobs import scheduling
    from rugpad.web.jobs.models import Reminder
    from rugpad.web.portal.models import Message
    from rugpad.web.practice.models import User

    base = practice
    admin, clinician = desk, page
    clinician.set_viewport_size(DESK)
    problems: list[str] = []
    for each in (admin, clinician, phone):
        each.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        each.on("pageerror", lambda e: problems.append(str(e)))

    # --- 1. The practice admin signs in with password and code, and invites a physiotherapist. ----------------------
    sign_in(admin, base, "ineke", ADMIN_PASSWORD)
    assert "/account/two-factor/code/" in admin.url
    assert "Typ uw inlogcode" in text(admin)
    admin.fill("#id_code", code_for(unhexlify(ADMIN_KEY)))
    admin.click("main button[type=submit]")
    admin.wait_for_url(lambda url: "/two-factor/" not in url)
    follow(admin, "header nav >> text=Medewerkers")
    admin.wait_for_url(f"{base}/accounts/")
    admin.click("text=Nodig een behandelaar of beheerder uit")
    admin.fill("#id_email", "lotte@hetanker.example")
    admin.fill("#id_first_name", "Lotte")
    admin.fill("#id_last_name", "de Wit")
    admin.select_option("#id_discipline", "physiotherapist")
    admin.select_option("#id_register", "big")
    admin.fill("#id_registration_number", "19012345678")
    shot(admin, "01-admin-invites")
    admin.click("main button[type=submit]")
    admin.wait_for_url(f"{base}/accounts/")
    assert "lotte@hetanker.example" in text(admin)
    shot(admin, "02-admin-staff-list")

    # --- 2. Lotte opens the e-mailed link, chooses a password and must set up two-step sign-in first. ---------------
    invitation = [m for m in mail.outbox if "lotte@hetanker.example" in m.to][-1]
    assert "Fysiotherapie Het Anker" in invitation.body
    clinician.goto(base + mailed_path("lotte@hetanker.example"))
    assert "Fysiotherapie Het Anker" in text(clinician)
    clinician.fill("#id_username", "lotte")
    clinician.fill("#id_password1", CLINICIAN_PASSWORD)
    clinician.fill("#id_password2", CLINICIAN_PASSWORD)
    shot(clinician, "03-clinician-joins")
    clinician.click("main button[type=submit]")
    clinician.wait_for_url("**/account/two-factor/**")
    setup = text(clinician)
    assert "Inloggen in twee stappen instellen" in setup
    assert "Daarom vraagt uw praktijk" in setup  # required for a clinician: the page says why
    assert clinician.locator("svg.twofactor-qr").is_visible()
    key = key_of(clinician.inner_text("#twofactor-secret"))
    shot(clinician, "04-clinician-sets-up-the-app")
    clinician.fill("#id_code", code_for(key))
    clinician.click("main button[type=submit]")
    clinician.locator("#recovery-codes").wait_for()  # (a list read at once does not wait for the next page)
    codes = clinician.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4} [a-z2-7]{4} [a-z2-7]{4}", c) for c in codes), codes
    assert "Herstelcodes" in text(clinician)
    shot(clinician, "05-clinician-recovery-codes")
    clinician.click("main a.button")
    clinician.wait_for_url(lambda url: "/two-factor/" not in url)

    # ... signs out, and in again with her password and the code her app shows.
    clinician.click("header form[action$='/logout/'] button")
    clinician.wait_for_url("**/login/**")
    sign_in(clinician, base, "lotte", CLINICIAN_PASSWORD)
    assert "/account/two-factor/code/" in clinician.url
    shot(clinician, "06-clinician-code-page")
    clinician.fill("#id_code", code_for(key, steps_ahead=1))  # the app's next code: the first one is used up
    clinician.click("main button[type=submit]")
    clinician.wait_for_url(lambda url: "/two-factor/" not in url)
    assert "Goedendag, Lotte de Wit" in text(clinician)
    shot(clinician, "07-clinician-dashboard")

    # --- 3. Lotte adds a patient, opens an episode, sends a questionnaire and invites the patient. ------------------
    clinician.click("text=Nieuwe patiënt")
    clinician.fill("#id_first_name", "Marja")
    clinician.fill("#id_last_name", "Vermeulen")
    clinician.fill("#id_date_of_birth", "1965-03-14")
    clinician.check("input[name=sex][value=female]")
    clinician.fill("#id_email", "marja@example.nl")
    clinician.click("main button[type=submit]")
    clinician.wait_for_url("**/patients/*/")
    patient = Patient.objects.get(last_name="Vermeulen")
    clinician.check("input[name=region][value=low_back]")
    clinician.fill("#id_onset_on", (timezone.localdate() - dt.timedelta(days=10)).isoformat())
    clinician.click("button:has-text('Episode openen')")
    clinician.wait_for_url("**/episodes/*/")
    episode = Episode.objects.get(patient=patient)
    clinician.click("form[action$='/questionnaires/startback/send/'] button")
    clinician.get_by_text("De vragenlijst is naar de patiënt gestuurd.").wait_for()
    assert InstrumentResponse.objects.filter(episode=episode, status=ResponseStatus.REQUESTED).count() == 1
    shot(clinician, "08-clinician-episode")
    clinician.goto(f"{base}/patients/{patient.pk}/")
    clinician.click("section[aria-labelledby=portal-h] button[type=submit]")
    clinician.wait_for_url("**/portal/invite/**")
    assert "marja@example.nl" in text(clinician)  # "also sent by e-mail to …"
    shot(clinician, "09-clinician-invitation-sent")

    # --- 4. Marja signs up on her phone from the e-mailed link and asks for a reminder. ------------------------------
    phone.goto(base + mailed_path("marja@example.nl"))
    assert "Fysiotherapie Het Anker" in text(phone)
    phone.fill("#id_password1", PATIENT_PASSWORD)
    phone.fill("#id_password2", PATIENT_PASSWORD)
    shot(phone, "10-patient-accepts")
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/me/")
    assert "Marja" in phone.locator("h1").inner_text()
    assert "Welkom!" in text(phone)
    shot(phone, "11-patient-home")
    phone.click("a[href$='/me/reminders/']")
    phone.wait_for_url("**/me/reminders/")
    assert "Herinneringen" in phone.locator("h1").inner_text()
    phone.click("label[for=id_questionnaires]")
    phone.select_option("#id_at", "18:00")
    shot(phone, "12-patient-chooses-a-reminder")
    phone.click("main button[type=submit]")
    phone.get_by_text("Uw instellingen voor herinneringen zijn opgeslagen.").wait_for()
    assert phone.locator("#id_questionnaires").is_checked() and phone.input_value("#id_at") == "18:00"

    # --- 5. The reminder job runs at 18:05: one e-mail, saying only that there is something in rugpad. --------------
    account = User.objects.get(patient_profile=patient)
    before = len(mail.outbox)
    with quiet_server:
        sent = scheduling.send_reminders(today_at(18, 5))
        assert [r.kind for r in sent] == ["questionnaires"]
        assert scheduling.send_reminders(today_at(18, 30)) == []  # the job runs every few minutes: once a day
    reminders = mail.outbox[before:]
    assert [m.to for m in reminders] == [["marja@example.nl"]]
    reminder = reminders[0]
    assert reminder.subject == "Er staat iets voor u klaar in rugpad"
    assert "Er staat iets voor u klaar in rugpad" in reminder.body
    assert not any(word.lower() in (reminder.subject + reminder.body).lower() for word in CLINICAL_WORDS)
    assert Reminder.objects.get(patient=patient).by_email
    phone.goto(f"{base}/me/")
    assert "Vragenlijsten voor u" in text(phone)  # what waits, once signed in

    # --- 6. Marja writes to her therapist. ----------------------------------------------------------------------------
    phone.click("#messages-button")
    phone.wait_for_url("**/messages/")
    phone.fill("#id_body", QUESTION)
    phone.click("#message-send")
    phone.wait_for_load_state()
    mine = phone.locator("#thread .msg.mine").first
    assert QUESTION in mine.inner_text() and "Nog niet gelezen" in mine.inner_text()
    shot(phone, "13-patient-sent-a-message")

    # --- 7. Lotte sees it on her dashboard and on the episode page, and answers. --------------------------------------
    clinician.goto(f"{base}/")
    new = clinician.locator("#new-messages")
    assert "1 nieuw bericht" in new.inner_text() and "Marja Vermeulen" in new.inner_text()
    shot(clinician, "14-clinician-dashboard-new-message")
    clinician.goto(f"{base}/episodes/{episode.pk}/")
    assert "1 nieuw bericht" in clinician.locator("#episode-messages").inner_text()
    clinician.click("#episode-messages a")
    clinician.wait_for_url("**/messages/")
    assert QUESTION in clinician.locator("#thread").inner_text()
    clinician.fill("#id_body", ANSWER)
    clinician.click("#message-send")
    clinician.wait_for_load_state()
    assert ANSWER in clinician.locator("#thread .msg.mine").first.inner_text()
    shot(clinician, "15-clinician-answered")
    clinician.goto(f"{base}/")
    assert clinician.locator("#new-messages").count() == 0

    # --- 8. Marja sees the new answer, reads it, and sees that Lotte read her question. -------------------------------
    phone.goto(f"{base}/me/")
    assert "1 nieuw bericht" in phone.locator("#messages-h").inner_text()
    shot(phone, "16-patient-home-new-answer")
    phone.click("#messages-button")
    phone.wait_for_url("**/messages/")
    thread = phone.locator("#thread")
    assert ANSWER in thread.inner_text()
    question = thread.locator(".msg.mine", has_text=QUESTION)
    assert "Gelezen" in question.inner_text() and "Nog niet gelezen" not in question.inner_text()
    shot(phone, "17-patient-reads-the-answer")
    answer = Message.objects.get(body=ANSWER)
    assert answer.read_by == account
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the thread is {overflow} px wider than the phone"
    assert not problems, problems


def test_a_patient_who_lost_her_phone_is_reset_by_her_therapist_after_an_identity_check(
    page: Any, phone: Any, practice: str
) -> None:
    """Marja chose two-step sign-in and lost her phone (and the sheet of codes). The code page tells her to call her
    practice; Lotte sees her at the desk with her passport and resets it from Marja's page; Marja's half-finished
    sign-in ends, she gets an e-mail, and signs in with her password alone."""
    from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

    from rugpad.web.care import actions
    from rugpad.web.demo import as_user
    from rugpad.web.practice.models import Practice, Role, User
    from rugpad.web.twofactor.models import TwoStepReset

    base = practice
    page.set_viewport_size(DESK)
    anker = Practice.objects.get(name="Fysiotherapie Het Anker")
    lotte = User.objects.create_user(
        "lotte",
        password=CLINICIAN_PASSWORD,
        practice=anker,
        role=Role.CLINICIAN,
        first_name="Lotte",
        last_name="de Wit",
    )
    TOTPDevice.objects.create(user=lotte, name="authenticator app", confirmed=True, key=ADMIN_KEY)
    patient = actions.do_create_patient(
        as_user(lotte), first_name="Marja", last_name="Vermeulen", date_of_birth=dt.date(1965, 3, 14), sex="female"
    )
    marja = User.objects.create_user(
        "marja", password=PATIENT_PASSWORD, practice=anker, role=Role.PATIENT, email="marja@example.nl"
    )
    patient.user = marja
    patient.save()
    TOTPDevice.objects.create(user=marja, name="authenticator app", confirmed=True)  # the app on the lost phone

    sign_in(phone, base, "marja", PATIENT_PASSWORD)
    assert "/account/two-factor/code/" in phone.url
    assert "Bel uw praktijk" in text(phone)
    shot(phone, "20-patient-lost-her-phone")

    sign_in(page, base, "lotte", CLINICIAN_PASSWORD)
    page.fill("#id_code", code_for(unhexlify(ADMIN_KEY)))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/two-factor/" not in url)
    page.goto(f"{base}/patients/{patient.pk}/")
    card = page.locator("#patient-two-step")
    assert "code uit een app" in card.inner_text()
    shot(page, "21-clinician-patient-page-two-step")
    card.locator("a").click()
    page.wait_for_url("**/reset/")
    assert "14-03-1965" in text(page)  # the date of birth, to hold against the document
    page.fill("#id_note", "Paspoort gezien aan de balie")
    page.click("main button[type=submit]")
    page.locator(".errorlist").first.wait_for()  # how the identity was checked is required
    page.check("input[name=identity_check][value=in_person_document]")
    shot(page, "22-clinician-confirms-the-reset")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/patients/{patient.pk}/")
    assert "Inloggen in twee stappen van Marja Vermeulen is teruggezet" in text(page)
    assert "Laatst teruggezet op" in page.locator("#patient-two-step").inner_text()
    assert "Lotte de Wit" in page.locator("#patient-two-step").inner_text()
    shot(page, "23-clinician-after-the-reset")
    reset = TwoStepReset.objects.get()
    assert (reset.reset_by, reset.note) == (lotte, "Paspoort gezien aan de balie")

    notice = [m for m in mail.outbox if "marja@example.nl" in m.to][-1]
    assert notice.subject == "Uw inloggen in twee stappen bij rugpad is teruggezet"
    assert "Fysiotherapie Het Anker" in notice.body
    assert not any(word.lower() in notice.body.lower() for word in CLINICAL_WORDS)

    phone.goto(f"{base}/me/")  # her half-finished sign-in ended with the reset
    assert "/login/" in phone.url
    sign_in(phone, base, "marja", PATIENT_PASSWORD)
    assert phone.url.rstrip("/").endswith("/me"), phone.url
    assert "Marja" in phone.locator("h1").inner_text()
    shot(phone, "24-patient-back-in")
