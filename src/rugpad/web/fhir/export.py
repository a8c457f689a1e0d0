"""Whole-practice bulk export (`$export`, the FHIR Bulk Data pattern), for moving a practice to or from another system.

    GET    /fhir/$export?_type=…&_since=…      kick-off (Prefer: respond-async) → 202, Content-Location: status URL
    GET    /fhir/$export-status/<job>          202 + X-Progress while it runs; 200 + the manifest when done
    DELETE /fhir/$export-status/<job>          cancels a running export, or removes a finished one's files → 202
    GET    /fhir/$export-file/<job>/<Type>.ndjson   one resource type, one resource per line

Clinicians only (a practice admin sees no clinical records), with the same authentication as every /fhir/ route;
the status and files are served to the clinicians of the practice the export was made for, nobody else (404). The
work is a Huey task (`fhir.tasks.run_export`): it walks each type's records as the requesting clinician reaches them
(`registry.KINDS[…].records(user)`, so another practice's patients are never there) a page at a time in id order,
builds each page with a fresh context (memory stays flat however large the practice) and appends the resources to
the type's NDJSON file in the data folder. `transactionTime` is when the work began: a record changed after it is
left for the next export (`_since`). One audit event per export names how many patients it holds.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.fhir.auth import clinician
from rugpad.web.fhir.bundle import base_url
from rugpad.web.fhir.models import ExportJob, ExportStatus
from rugpad.web.fhir.outcome import FhirError, error_response
from rugpad.web.fhir.registry import CONTENT, KINDS, BuildContext
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes import clock
from rugpad.web.practice.models import User

log = logging.getLogger(__name__)

PAGE = 200
"""Records built and written at a time: the export's memory is one page, whatever the practice's size."""
KEEP_HOURS = 24
"""A finished export's files are removed this long after it finished (`fhir.tasks.remove_old_exports`)."""
NDJSON = "application/fhir+ndjson"
OUTPUT_FORMATS = frozenset({NDJSON, "application/ndjson", "ndjson"})


def export_folder(job_id: UUID | str) -> Path:
    return Path(settings.DATA_DIR) / "fhir-export" / str(job_id)


def view(*methods: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """An export route: only `methods`, every refusal an OperationOutcome; csrf_exempt as every /fhir/ route (a
    session's DELETE is checked by `auth.authenticated`)."""

    def decorate(function: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @csrf_exempt
        @wraps(function)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if request.method not in methods:
                    raise FhirError(405, "not-supported", f"{request.method} is not supported here.",
                                    headers={"Allow": ", ".join(methods)})  # fmt: skip
                return function(request, *args, **kwargs)
            except FhirError as error:
                return error_response(error)

        return wrapper

    return decorate


def exportable() -> list[str]:
    """Every type, Patient first (the others point at it), then the patients' records, then the definitions they
    refer to (Questionnaire: content, the same in every file)."""
    return sorted(KINDS, key=lambda name: name != "Patient") + list(CONTENT)


def _types(request: HttpRequest) -> list[str]:
    asked = [name.strip() for value in request.GET.getlist("_type") for name in value.split(",") if name.strip()]
    known = exportable()
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise FhirError(400, "not-supported", f"_type: no resource type {', '.join(unknown)} here; known: "
                        f"{', '.join(known)}.", expression="_type")  # fmt: skip
    return list(dict.fromkeys(asked)) if asked else known


def _since(request: HttpRequest) -> dt.datetime | None:
    raw = request.GET.get("_since")
    if raw is None:
        return None
    try:
        since = dt.datetime.fromisoformat(raw.strip().replace(" ", "+"))  # a '+' sent unencoded arrives as a space
    except ValueError:
        since = None
    if since is None or since.tzinfo is None:
        raise FhirError(400, "invalid", "_since must be a FHIR instant with its time zone, e.g. "
                        "2026-11-01T00:00:00Z.", expression="_since")  # fmt: skip
    return since


@view("GET")
def kick_off(request: HttpRequest) -> HttpResponse:
    user = clinician(request)
    practice_id = user.practice_id
    assert practice_id is not None  # a clinician always has a practice (`auth.clinician`)
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise FhirError(400, "invalid", "A bulk export runs in the background: send Prefer: respond-async.")
    wanted = request.GET.get("_outputFormat")
    if wanted is not None and wanted.strip().replace(" ", "+") not in OUTPUT_FORMATS:
        raise FhirError(400, "not-supported", f"_outputFormat {wanted!r}: only {NDJSON}.", expression="_outputFormat")
    unsupported = set(request.GET) - {"_type", "_since", "_outputFormat"}
    if unsupported:
        name = sorted(unsupported)[0]
        raise FhirError(400, "not-supported", f"{name} is not supported by $export here.", expression=name)
    job = ExportJob.objects.create(
        requested_by=user,
        practice_id=practice_id,
        request_url=request.build_absolute_uri(),
        base_url=base_url(request),
        types=_types(request),
        since=_since(request),
        lang=str(reader_lang()),
    )
    from rugpad.web.fhir.tasks import run_export

    transaction.on_commit(lambda: run_export(str(job.pk)))
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(reverse("fhir_export_status", args=[job.pk]))
    return response


def _job(request: HttpRequest, job_id: UUID) -> ExportJob:
    practice_id = clinician(request).practice_id
    assert practice_id is not None
    job = ExportJob.objects.filter(pk=job_id, practice_id=practice_id).exclude(status=ExportStatus.CANCELLED)
    found = job.first()
    if found is None:
        raise FhirError(404, "not-found", "No such export.")
    return found


@view("GET", "DELETE")
def status(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _job(request, job_id)
    if request.method == "DELETE":
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.CANCELLED, progress="cancelled")
        shutil.rmtree(export_folder(job.pk), ignore_errors=True)  # a running task stops at its next page
        return HttpResponse(status=202)
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = job.progress or "queued"
        response["Retry-After"] = "5"
        return response
    if job.status == ExportStatus.FAILED:
        return error_response(FhirError(500, "exception", f"The export failed: {job.error}"))
    return _manifest(request, job)


def _manifest(request: HttpRequest, job: ExportJob) -> HttpResponse:
    assert job.started_at is not None and job.finished_at is not None
    manifest = {
        "transactionTime": job.started_at.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": part["type"],
                "url": request.build_absolute_uri(reverse("fhir_export_file", args=[job.pk, part["type"]])),
                "count": part["count"],
            }
            for part in job.output
        ],
        "error": [],
    }
    response = HttpResponse(json.dumps(manifest), content_type="application/json")
    expires = job.finished_at + dt.timedelta(hours=KEEP_HOURS)
    response["Expires"] = expires.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@view("GET")
def output_file(request: HttpRequest, job_id: UUID, resource_type: str) -> FileResponse:
    job = _job(request, job_id)
    path = export_folder(job.pk) / f"{resource_type}.ndjson"
    if job.status != ExportStatus.DONE or not any(p["type"] == resource_type for p in job.output) or not path.is_file():
        raise FhirError(404, "not-found", "No such export file.")
    return FileResponse(path.open("rb"), content_type=NDJSON)


# The work (run by `fhir.tasks.run_export`).


class Cancelled(Exception):
    """The export was cancelled (DELETE) while it ran."""


def _patient_of(row: Model, path: str) -> Any:
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def run(job_id: str) -> ExportJob | None:
    """Runs a queued export to its end (done, failed or cancelled); None when there is no such queued export (a
    second delivery of the same task does nothing)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), progress="starting"
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by", "practice").get(pk=job_id)
    folder = export_folder(job.pk)
    try:
        user = job.requested_by
        if not (user.is_active and user.is_clinician and user.practice_id == job.practice_id):
            raise PermissionError("the requesting clinician may no longer export this practice")
        folder.mkdir(parents=True, exist_ok=True)
        patients: set[Any] = set()
        output = []
        for index, resource_type in enumerate(job.types):
            _progress(job, f"{index} of {len(job.types)} types written; now {resource_type}")
            count = _write_type(job, user, resource_type, folder / f"{resource_type}.ndjson", patients)
            output.append({"type": resource_type, "count": count})
    except Cancelled:
        shutil.rmtree(folder, ignore_errors=True)
        return job
    except Exception as error:
        log.exception("FHIR export %s failed", job.pk)
        shutil.rmtree(folder, ignore_errors=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(error)[:500])
        return job
    with transaction.atomic():
        finished = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.DONE,
            output=output,
            patients=len(patients),
            progress="done",
            finished_at=timezone.now(),
        )
        if finished:
            record(
                None,
                AuditAction.EXPORT,
                job,
                summary=f"FHIR bulk export of {len(patients)} patients ({', '.join(job.types)})",
                actor=user,
                practice=job.practice,
            )
    if not finished:  # cancelled after the last page
        shutil.rmtree(folder, ignore_errors=True)
    return job


def _progress(job: ExportJob, text: str) -> None:
    if not ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(progress=text[:200]):
        raise Cancelled


def _line(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"


def _write_type(job: ExportJob, user: User, resource_type: str, path: Path, patients: set[Any]) -> int:
    """Appends every record of one type to its file, a page at a time in id order; returns how many. A definitional
    type (content) is written whole: it holds no patient and does not change while the server runs."""
    if resource_type in CONTENT:
        definitions = list(CONTENT[resource_type].resources().values())
        with path.open("w", encoding="utf-8") as out:
            out.writelines(_line(resource) for resource in definitions)
        return len(definitions)
    kind = KINDS[resource_type]
    assert job.started_at is not None
    rows = kind.records(user).filter(**{f"{kind.updated_field}__lte": job.started_at})
    if job.since is not None:
        rows = rows.filter(**{f"{kind.updated_field}__gt": job.since})
    rows = rows.order_by("pk")
    count = 0
    last: Any = None
    with path.open("w", encoding="utf-8") as out:
        while True:
            page = list((rows if last is None else rows.filter(pk__gt=last))[:PAGE])
            if not page:
                return count
            # a fresh context per page: the episodes' states of earlier pages are not kept
            ctx = BuildContext(user=user, base_url=job.base_url, today=clock.today(), lang=job.lang)
            out.writelines(_line(resource) for resource in kind.build(page, ctx))
            patients.update(_patient_of(row, kind.patient_field) for row in page)
            count += len(page)
            last = page[-1].pk
            if len(page) < PAGE:
                return count
            _progress(job, f"{job.types.index(resource_type)} of {len(job.types)} types written; "
                      f"{resource_type}: {count}")  # fmt: skip


def remove_old_exports(now: dt.datetime) -> int:
    """Removes the exports (files and rows) asked for more than `KEEP_HOURS` ago; one still running by then has lost
    its worker (or stops at its next page, finding its row gone)."""
    cutoff = now - dt.timedelta(hours=KEEP_HOURS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True))
    for job_id in old:
        shutil.rmtree(export_folder(job_id), ignore_errors=True)
    ExportJob.objects.filter(pk__in=old).delete()
    return len(old)


def _binary(request: HttpRequest, report_id: str) -> HttpResponse:
    from rugpad.web.fhir.build.document import binary

    return binary(request, report_id)


urlpatterns = [
    # `fhir/urls.py` puts these before its generic `<Type>` and `<Type>/<id>` routes, which would take `$export`
    # for a type and `Binary/<id>` for a read of a type the registry does not have.
    path("$export", kick_off, name="fhir_export"),
    path("$export-status/<uuid:job_id>", status, name="fhir_export_status"),
    path("$export-file/<uuid:job_id>/<str:resource_type>.ndjson", output_file, name="fhir_export_file"),
    path("Binary/<str:report_id>", view("GET")(_binary), name="fhir_binary"),
]
