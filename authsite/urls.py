from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

# `manage.py authbench` nodes only (AUTHSITE_LAB_BENCH=1).
if settings.AUTHSITE_LAB_BENCH:
    urlpatterns += [path("lab/bench/", include("authsite.lab.bench_urls"))]
