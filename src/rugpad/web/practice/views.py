"""The clinician's API token page: create (the token is shown once), list with last use and expiry, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.web.practice.forms import TokenForm
from rugpad.web.practice.models import User, request_user
from rugpad.web.practice.tokens import access_own_token, do_create_token, do_revoke_token, tokens_of


def _require_token_holder(request: HttpRequest) -> User:
    """Only clinicians hold API tokens (the API's record routes are theirs); anybody else gets a 404."""
    user = request_user(request)
    if not user.may_use_api_tokens:
        raise Http404("Not found")
    return user


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = _require_token_holder(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        # Shown in this response only (pages are never stored, see middleware); a reload shows it no more.
        new_token = do_create_token(user, form.cleaned_data["name"], days=form.cleaned_data["days"], request=request)
        form = TokenForm()
    return render(
        request, "practice/api_tokens.html", {"form": form, "new_token": new_token, "tokens": tokens_of(user)}
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _require_token_holder(request)
    token = access_own_token(request, token_id)
    if do_revoke_token(request, token, actor=user):
        messages.success(request, _("Token “%(name)s” revoked; it no longer works.") % {"name": token.name})
    return redirect("api_tokens")
