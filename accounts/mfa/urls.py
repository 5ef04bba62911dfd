from django.urls import path

from accounts.mfa import views

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
]
