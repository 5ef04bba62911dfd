from django.urls import path

from authsite.lab import bench_views

urlpatterns = [
    path("api/hello/", bench_views.HelloView.as_view()),
    path("api/me/", bench_views.MeView.as_view()),
    path("api/me-token/", bench_views.MeTokenView.as_view()),
]
