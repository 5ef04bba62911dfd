"""Second factors: authenticator apps (TOTP), recovery codes and passkeys (WebAuthn).

A face-level sub-package: its pages and API sit beside the site's other faces and call
its own core. Inside, one module per factor holds everything that factor knows::

    views.py forms.py api.py urls.py     pages and API of the factors and the second step
    services.py selectors.py             writes and reads of Authenticator rows
    sign_in.py                           the second step of a sign-in (browser and API)
    totp.py recovery_codes.py passkeys.py  one factor each (pyotp, hashing, py_webauthn)

The rows themselves are ``accounts.models.Authenticator``.
"""
