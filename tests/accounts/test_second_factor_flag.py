"""``User.has_second_factor`` follows the user's Authenticator rows, whichever way
they are written, and a stale copy of the user never writes it back."""

import pytest

from accounts.models import Authenticator, User
from tests.helpers.mfa import totp_enable
from tests.helpers.webauthn import passkey_add

pytestmark = pytest.mark.django_db


def flag(user: User) -> bool:
    return User.objects.get(pk=user.pk).has_second_factor


def app_row(user: User) -> Authenticator:
    return Authenticator(user=user, kind=Authenticator.Kind.TOTP, data={})


def test_a_new_user_has_none(user):
    assert flag(user) is False


def test_the_app_turned_on_sets_it(user):
    totp_enable(user)

    assert flag(user) is True
    assert user.has_second_factor is True  # the caller's copy too


def test_a_passkey_sets_it(user):
    passkey_add(user)

    assert flag(user) is True


def test_recovery_codes_alone_do_not_set_it(user):
    Authenticator.objects.create(user=user, kind=Authenticator.Kind.RECOVERY_CODES)

    assert flag(user) is False


def test_removing_one_row_clears_it(user):
    totp_enable(user)

    Authenticator.objects.get(user=user, kind=Authenticator.Kind.TOTP).delete()

    assert flag(user) is False


def test_removing_in_bulk_clears_it(user, other_user):
    totp_enable(user)
    totp_enable(other_user)

    Authenticator.objects.filter(kind=Authenticator.Kind.TOTP).delete()

    assert flag(user) is False
    assert flag(other_user) is False


def test_one_factor_left_keeps_it(user):
    totp_enable(user)
    passkey_add(user)

    Authenticator.objects.filter(user=user, kind=Authenticator.Kind.TOTP).delete()

    assert flag(user) is True


def test_creating_in_bulk_sets_it(user):
    Authenticator.objects.bulk_create([app_row(user)])

    assert flag(user) is True


def test_an_update_that_moves_a_factor_moves_it(user, other_user):
    totp_enable(user)

    Authenticator.objects.filter(user=user, kind=Authenticator.Kind.TOTP).update(
        user=other_user
    )

    assert flag(user) is False
    assert flag(other_user) is True


def test_a_stale_copy_of_the_user_does_not_write_it_back(user):
    stale = User.objects.get(pk=user.pk)
    totp_enable(user)

    stale.first_name = "Alice"
    stale.save()

    assert flag(user) is True
    assert User.objects.get(pk=user.pk).first_name == "Alice"
