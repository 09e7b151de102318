from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from api.views import OAuthTokenView
from candidates.api import CaseProfileViewSet  # api17a
from cms.api import EventRegistrationViewSet, EventViewSet
from coaching.api import DirectoryExchangeViewSet, OrganizationViewSet, ServiceViewSet
from coaching.api_followalong import EmploymentViewSet  # api17a
from coaching.api_referrals import ReferralViewSet
from config import metrics, views
from employers.api import (
    CandidateViewSet,
    IntroductionViewSet,
    PlacementIntroductionViewSet,
    PlacementViewSet,
)

# The database out of reach answers 503 with a page that says so, not the 500 page (config/views.py).
handler500 = "config.views.server_error"

# One way in: the packages' own password forms lead to allauth (rate limit, lockout, TOTP).
# These routes come before the packages' own; tests/security/test_one_way_in.py walks the
# resolver for any login or password view that is still reachable.
_one_way_in = [
    path("django-admin/login/", accounts_views.to_login),
    re_path(r"^django-admin/password_change/", accounts_views.to_password_change),
    path("cms-admin/login/", accounts_views.to_login),
    re_path(r"^cms-admin/password_reset/", accounts_views.to_password_reset),
    # Wagtail's shared password for a document collection: no shared passwords (as for pages).
    re_path(r"^documents/authenticate_with_password/", accounts_views.no_shared_passwords),
]

# The API (issue 17): each app owns its resources (<app>/api.py), composed here under /api/v1/.
api_v1 = SimpleRouter()
api_v1.register("placements", PlacementViewSet, basename="placement")
api_v1.register(
    r"placements/(?P<id>[^/]+)/introductions",
    PlacementIntroductionViewSet,
    basename="placement-introduction",
)
api_v1.register("introductions", IntroductionViewSet, basename="introduction")
api_v1.register("candidates", CandidateViewSet, basename="candidate")
api_v1.register("directory/services", ServiceViewSet, basename="directory-service")
# Events and their registrations (cms/api.py).
api_v1.register("events", EventViewSet, basename="event")
api_v1.register(
    r"events/(?P<id>[^/]+)/registrations", EventRegistrationViewSet, basename="event-registration"
)
# (end of events)
# api17a: full profiles for the case organisation, employments for the coaching organisation.
api_v1.register("cases", CaseProfileViewSet, basename="case")
api_v1.register("employments", EmploymentViewSet, basename="employment")
# end api17a
# --- directory writes, HSDS exchange and referrals (issue 17, api17b) ---
api_v1.register("directory/organizations", OrganizationViewSet, basename="directory-organization")
api_v1.register("directory", DirectoryExchangeViewSet, basename="directory")
api_v1.register("referrals", ReferralViewSet, basename="referral")
# --- end api17b ---
_api = [
    path("api/v1/", include((api_v1.urls, "api-v1"))),
    # OAuth2 client credentials (django-oauth-toolkit's token endpoint only: no authorisation pages).
    path("api/oauth/token/", OAuthTokenView.as_view(), name="api-oauth-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start script is a file of its own (the split view), so the page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    *_one_way_in,
    *_api,
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Our own switcher view: Django's resolves ``next`` in the wrong language (issue 13).
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Liveness (process up, no dependencies) under both addresses; readiness names what failed.
    # config.health answers these before the host check and the HTTPS redirect; here for reverse().
    path("health/", views.health_live, name="health"),
    path("health/live/", views.health_live, name="health_live"),
    path("health/ready/", views.health_ready, name="health_ready"),
    # Prometheus, for a bearer of LOTSE_METRICS_TOKEN only (config.metrics); answered like the probes.
    path("metrics/", metrics.metrics_view, name="metrics"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, name="sitemap"),
]

urlpatterns += i18n_patterns(
    # Before allauth's own route of the same address (reverse("mfa_activate_totp") still works).
    path("accounts/2fa/totp/activate/", accounts_views.ActivateTOTPView.as_view()),
    path("accounts/", include("allauth.urls")),
    path("app/", include("accounts.urls")),
    path("app/notifications/", include("notifications.urls")),
    path("app/api/", include("api.urls")),
    path("app/api/webhooks/", include("webhooks.urls")),
    path("app/organisations/", include("organisations.urls")),
    path("app/taxonomy/", include("taxonomy.urls")),
    path("app/candidates/", include("candidates.urls")),
    path("app/employers/", include("employers.urls")),
    path("app/coaching/", include("coaching.urls")),
    path("app/monitoring/", include("monitoring.urls")),
    # Before Wagtail's catch-all: the cancellation link of an event registration e-mail.
    path("veranstaltungen/", include("cms.urls")),
    path("_util/login/", accounts_views.to_login),
    re_path(r"^_util/authenticate_with_password/", accounts_views.no_shared_passwords),
    # Wagtail serves everything else, starting with the site root.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
