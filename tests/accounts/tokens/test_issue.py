"""Issuing and rotation in the token domain, without the API around them."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.tokens import claims, issue
from accounts.tokens.errors import RefreshTokenAlreadyUsed, TokenInvalid

pytestmark = pytest.mark.django_db


def test_rotation_issues_a_new_pair_and_blacklists_the_old_refresh_token(user):
    pair = issue.token_pair_issue(user_id=user.pk)

    rotation = issue.refresh_rotate(raw=pair.refresh, sign_ins=None)

    assert rotation.user.pk == user.pk
    assert rotation.pair.sid != pair.sid
    assert claims.access_token_read(rotation.pair.access)["sid"] == rotation.pair.sid
    assert BlacklistedToken.objects.filter(token__jti=pair.sid).exists()


def test_a_refresh_token_claimed_by_a_concurrent_rotation_raises_already_used(user):
    pair = issue.token_pair_issue(user_id=user.pk)
    # Another request passed its checks and claimed the token, and has not yet
    # written the blacklist: this rotation loses the race.
    assert issue.refresh_claim(refresh=claims.refresh_token_read(pair.refresh))

    with pytest.raises(RefreshTokenAlreadyUsed):
        issue.refresh_rotate(raw=pair.refresh, sign_ins=None)


def test_a_rotated_refresh_token_presented_again_is_refused_as_blacklisted(user):
    pair = issue.token_pair_issue(user_id=user.pk)
    issue.refresh_rotate(raw=pair.refresh, sign_ins=None)

    with pytest.raises(TokenInvalid):
        issue.refresh_rotate(raw=pair.refresh, sign_ins=None)
