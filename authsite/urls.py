from django.contrib import admin
from django.urls import include, path

from accounts import views
from accounts.api.views import JWKSView

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("accounts.api.urls")),
    path(".well-known/jwks.json", JWKSView.as_view(), name="jwks"),
]
