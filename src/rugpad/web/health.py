"""`GET /health/`: a liveness answer for load balancers and the benchmark's baseline.

It passes through every middleware like any page but touches no record and no database (an anonymous request
reads no session), so the benchmark can divide a real page's throughput by this one's, measured in the same run."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
