from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views
from accounts.api.token_views import JWKSView
from accounts.mfa import api as mfa_api
from accounts.mfa import views as mfa_views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    # The admin's sign-in form, throttled per address as the site's own is, with the
    # second step for an account that has a second factor.
    path("admin/login/", views.sign_in_throttled(mfa_views.admin_login)),
    path("admin/", admin.site.urls),
    # The token sign-in and the second factors' API first: accounts.api.urls ends
    # with a JSON 404 for every other path.
    path("api/", include(mfa_api.urlpatterns)),
    path("api/", include("accounts.api.urls")),
    path(".well-known/jwks.json", JWKSView.as_view(), name="jwks"),
]

handler400 = "accounts.error_pages.bad_request"
handler403 = "accounts.error_pages.permission_denied"
handler404 = "accounts.error_pages.page_not_found"
handler500 = "accounts.error_pages.server_error"

# `manage.py authbench` nodes only (AUTHSITE_LAB_BENCH=1).
if settings.AUTHSITE_LAB_BENCH:
    urlpatterns += [path("lab/bench/", include("lab.bench_urls"))]
