from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import (
    sensitive_views,
    session_views,
    signup_views,
    verification_views,
    views,
)
from accounts.mfa import views as mfa_views

urlpatterns = [
    path("signup/", signup_views.SignupView.as_view(), name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path(
        "login/mfa/",
        views.sign_in_throttled(mfa_views.LoginMfaView.as_view()),
        name="mfa_login",
    ),
    path("login/passkey/", include("accounts.mfa.passkey_sign_in_urls")),
    path("mfa/", include("accounts.mfa.urls")),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set, name="set_language"),
    path("theme/", views.theme_set, name="set_theme"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path(
        "reauthenticate/",
        sensitive_views.ReauthenticateView.as_view(),
        name="reauthenticate",
    ),
    path("delete/", sensitive_views.AccountDeleteView.as_view(), name="account_delete"),
    path("sessions/", session_views.SessionsView.as_view(), name="sessions"),
    path(
        "sessions/revoke/",
        session_views.SessionRevokeView.as_view(),
        name="session_revoke",
    ),
    path(
        "sessions/revoke-others/",
        session_views.SessionsRevokeOthersView.as_view(),
        name="sessions_revoke_others",
    ),
    path(
        "password/change/", views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns += [
    path(
        "email/verify/",
        verification_views.EmailVerifyCodeView.as_view(),
        name="email_verify",
    ),
    path(
        "email/verify/resend/",
        verification_views.EmailVerifyResendView.as_view(),
        name="email_verify_resend",
    ),
    path(
        "email/verify/<str:key>/",
        verification_views.EmailVerifyKeyView.as_view(),
        name="email_verify_key",
    ),
]
