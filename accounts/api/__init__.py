"""The JSON API: SimpleJWT tokens that can be revoked, and the signed-in user's account."""
