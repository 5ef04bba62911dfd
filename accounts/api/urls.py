from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

# The schema module registers the authentication scheme with drf-spectacular.
from accounts.api import (
    schema,  # noqa: F401
    sessions,
    token_views,
    verification,
    views,
)

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
    # auth/token/ (the sign-in, which may ask for a second factor) and the second
    # factors' own paths are in accounts.mfa.api, included before these.
    path(
        "auth/token/refresh/",
        token_views.TokenRefreshView.as_view(),
        name="api-token-refresh",
    ),
    path(
        "auth/token/verify/",
        token_views.TokenVerifyView.as_view(),
        name="api-token-verify",
    ),
    path("auth/logout/", token_views.LogoutView.as_view(), name="api-logout"),
    path(
        "auth/logout-all/", token_views.LogoutAllView.as_view(), name="api-logout-all"
    ),
    path(
        "auth/email/verify/",
        verification.EmailVerifyView.as_view(),
        name="api-email-verify",
    ),
    path(
        "auth/email/verify/resend/",
        verification.EmailVerifyResendView.as_view(),
        name="api-email-verify-resend",
    ),
    path("me/", views.MeView.as_view(), name="api-me"),
    path(
        "me/reauthenticate/",
        views.ReauthenticateView.as_view(),
        name="api-reauthenticate",
    ),
    path("me/password/", views.PasswordChangeView.as_view(), name="api-password"),
    path("me/sessions/", sessions.MySessionsView.as_view(), name="api-sessions"),
    re_path(
        r"^me/sessions/(?P<session_id>[0-9a-f]{1,64})/$",
        sessions.MySessionView.as_view(),
        name="api-session",
    ),
    path("health/", views.HealthView.as_view(), name="api-health"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.DocsView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: anything else under /api/ is a JSON 404 (a missing slash included, which
    # would otherwise be a redirect that drops a POST body).
    re_path(r"^(?P<path>.*)$", views.api_not_found),
]
