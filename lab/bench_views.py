"""Views that exist only on `authbench` nodes (AUTHSITE_LAB_BENCH=1).

``page`` is the site's layout around one heading: what a signed-in page costs when it
reads nothing but the session and its user (the account home at ``/`` also reads the
user's activity and session list, by design, which would hide what authentication
costs). ``hello``, ``page_ceiling`` and every ``page_<strategy>`` request it.

The three API cases call the same view body and differ only in authentication, so
their ratios measure authentication and nothing else: none (``api_hello``), the
project's default API authentication, its JWT (``api_jwt``), and DRF's database
``TokenAuthentication`` (``api_drf_token``), the peer.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def page(request: HttpRequest) -> HttpResponse:
    return render(request, "lab/bench_page.html")


class HelloView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    # Throttles would count in Redis: measured here is authentication alone.
    throttle_classes = []

    def get(self, request: Request) -> Response:
        return Response({"hello": "world"})


class MeView(APIView):
    """Authenticated by the project's DEFAULT_AUTHENTICATION_CLASSES (JWT)."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    throttle_classes = []

    def get(self, request: Request) -> Response:
        user = request.user
        return Response({"id": user.pk, "username": user.get_username()})


class MeTokenView(MeView):
    authentication_classes = [TokenAuthentication]
