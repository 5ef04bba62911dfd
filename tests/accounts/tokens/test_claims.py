"""Reading what a token says without accepting it: which sign-in it named."""

import pytest

from accounts.tokens import claims, issue
from accounts.tokens.errors import TokenInvalid

pytestmark = pytest.mark.django_db


def test_expired_access_token_still_names_its_sign_in(user, settings):
    settings.JWT_ACCESS_TOKEN_LIFETIME = -3600
    pair = issue.token_pair_issue(user_id=user.pk)

    with pytest.raises(TokenInvalid):
        claims.access_token_read(pair.access)
    assert claims.token_sign_in_named(pair.access) == pair.sid


def test_refresh_token_names_its_sign_in_by_its_jti(user):
    pair = issue.token_pair_issue(user_id=user.pk)

    assert claims.token_sign_in_named(pair.refresh) == pair.sid


def test_token_with_a_forged_signature_names_no_sign_in(user):
    pair = issue.token_pair_issue(user_id=user.pk)
    header, payload, signature = pair.access.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"

    assert claims.token_sign_in_named(forged) is None
