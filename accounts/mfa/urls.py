from django.urls import path

from accounts.mfa import passkey_views, views

urlpatterns = [
    path("", views.MfaOverviewView.as_view(), name="mfa"),
    path("totp/", views.TotpView.as_view(), name="mfa_totp"),
    path(
        "recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="mfa_recovery_codes",
    ),
    path(
        "recovery-codes/download/",
        views.recovery_codes_download,
        name="mfa_recovery_codes_download",
    ),
    path("passkeys/", passkey_views.PasskeysView.as_view(), name="mfa_passkeys"),
    path(
        "passkeys/register/begin/",
        passkey_views.register_begin,
        name="mfa_passkey_register_begin",
    ),
    path(
        "passkeys/register/complete/",
        passkey_views.register_complete,
        name="mfa_passkey_register_complete",
    ),
    path(
        "passkeys/<int:passkey_id>/rename/",
        passkey_views.passkey_rename,
        name="mfa_passkey_rename",
    ),
    path(
        "passkeys/<int:passkey_id>/remove/",
        passkey_views.passkey_remove,
        name="mfa_passkey_remove",
    ),
]
