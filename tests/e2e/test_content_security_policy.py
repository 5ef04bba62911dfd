"""The Content Security Policy blocks nothing the site and its admin need.

Chromium reports every resource or script the policy refuses on the console; a page
that works only without the policy shows up here.
"""

from tests.e2e import steps
from tests.factories import PASSWORD, make_user

PAGES = [
    "/",
    "/accounts/profile/",
    "/accounts/password/change/",
    "/accounts/mfa/",
    "/accounts/mfa/totp/",
    "/accounts/mfa/recovery-codes/",
    "/accounts/reauthenticate/",
    "/accounts/delete/",
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/?q=csp&is_staff__exact=1",
    "/admin/accounts/user/add/",
    "/admin/accounts/user/{pk}/change/",
    "/admin/accounts/user/{pk}/password/",
    "/admin/accounts/user/{pk}/delete/",
    "/admin/auth/group/add/",
]


def test_pages_and_admin_work_under_the_content_security_policy(page):
    staff = make_user(username="csp", is_staff=True, is_superuser=True)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    anonymous_pages = ["/accounts/login/", "/accounts/signup/", "/admin/login/"]

    headers = [page.goto(path).headers for path in anonymous_pages]
    steps.sign_in(page, login="csp", password=PASSWORD)
    for path in PAGES:
        response = page.goto(path.format(pk=staff.pk))
        headers.append(response.headers)

    assert all("content-security-policy" in h for h in headers)
    assert refused == []
