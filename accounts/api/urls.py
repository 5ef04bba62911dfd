from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

# The schema module registers the authentication scheme with drf-spectacular.
from accounts.api import schema, sessions, views  # noqa: F401

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
    # auth/token/ (the sign-in, which may ask for a second factor) and the second
    # factors' own paths are in accounts.mfa.api, included before these.
    path(
        "auth/token/refresh/",
        views.TokenRefreshView.as_view(),
        name="api-token-refresh",
    ),
    path(
        "auth/token/verify/", views.TokenVerifyView.as_view(), name="api-token-verify"
    ),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="api-logout-all"),
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
