from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rugpad.web.api import api
from rugpad.web.audit.views import audit_log
from rugpad.web.cdshooks import views as cds_views
from rugpad.web.health import health
from rugpad.web.login import ThrottledLoginView
from rugpad.web.portal import pwa

urlpatterns = [
    path("health/", health, name="health"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="web_manifest"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/tokens/", include("rugpad.web.practice.urls")),
    path("account/password/reset/", include("rugpad.web.practice.reset_urls")),
    path("accounts/", include("rugpad.web.practice.account_urls")),
    path("account/two-factor/", include("rugpad.web.twofactor.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", audit_log, name="audit_log"),
    path("api/", api.urls),
    path("fhir/", include("rugpad.web.fhir.urls")),
    path("cds-services", cds_views.discovery, name="cds_discovery"),  # the spec names it without a slash
    path("cds-services/", include("rugpad.web.cdshooks.urls")),
    path("django-admin/", admin.site.urls),
    path("plans/", include("rugpad.web.plans.urls")),
    path("portal/", include("rugpad.web.portal.urls")),
    path("outcomes/", include("rugpad.web.outcomes.urls")),
    path("aftercare/", include("rugpad.web.aftercare.urls")),
    path("work/", include("rugpad.web.work.urls")),
    path("groups/", include("rugpad.web.groups.urls")),
    path("", include("rugpad.web.costs.urls")),
    path("", include("rugpad.web.jobs.urls")),
    path("", include("rugpad.web.care.urls")),
]
