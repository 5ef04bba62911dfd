"""Signing in with a passkey, under /accounts/login/passkey/: without a password, or
as the second step after one."""

from django.urls import path

from accounts.mfa import passkey_views

urlpatterns = [
    path("begin/", passkey_views.sign_in_begin, name="passkey_sign_in_begin"),
    path("complete/", passkey_views.sign_in_complete, name="passkey_sign_in_complete"),
    path(
        "second-step/begin/",
        passkey_views.second_step_begin,
        name="passkey_second_step_begin",
    ),
    path(
        "second-step/complete/",
        passkey_views.second_step_complete,
        name="passkey_second_step_complete",
    ),
]
