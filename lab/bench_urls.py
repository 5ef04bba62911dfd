from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from lab import bench_views

urlpatterns = [
    path("page/", bench_views.page),
    path("api/hello/", bench_views.HelloView.as_view()),
    path("api/me/", bench_views.MeView.as_view()),
    path("api/me-token/", bench_views.MeTokenView.as_view()),
    # DRF's own view that hands out database tokens, as djoser and dj-rest-auth do.
    path("api/token-auth/", obtain_auth_token),
]
