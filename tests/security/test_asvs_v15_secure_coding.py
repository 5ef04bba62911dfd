"""OWASP ASVS 5.0.0 V15 Secure coding and architecture: mass assignment (V15.3.3)."""

import pytest

from accounts.models import User
from tests.factories import PASSWORD, make_user
from tests.helpers.accounts import sign_in

# --- V15.3.3 Mass assignment ---------------------------------------------------------------

PRIVILEGE_FIELDS = {"is_staff": "on", "is_superuser": "on", "is_active": ""}


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["signup", "profile"])
def test_v15_3_3_privilege_fields_sent_to_forms_change_nothing(client, form):
    if form == "signup":
        client.post(
            "/accounts/signup/",
            {
                "username": "mallory",
                "email": "mallory@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                **PRIVILEGE_FIELDS,
            },
        )
    else:
        make_user(username="mallory")
        sign_in(client, "mallory")
        client.post(
            "/accounts/profile/",
            {
                "first_name": "M",
                "last_name": "",
                "email": "mallory@example.com",
                "username": "root",
                **PRIVILEGE_FIELDS,
            },
        )

    user = User.objects.get(username="mallory")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert not User.objects.filter(username="root").exists()
