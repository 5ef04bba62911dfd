"""`/api/me/sessions/`: the caller's sessions from the session index, and ending one."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.api.permissions import RecentlyAuthenticated
from accounts.services import user_sessions


class SessionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Opaque id; never the session key or a token.")
    current = serializers.BooleanField(
        help_text="True for the session or sign-in making this call."
    )
    created = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(allow_null=True)
    ip = serializers.CharField(allow_blank=True)
    device = serializers.CharField(allow_blank=True)


def _current_sign_in(request) -> str | None:
    # A Bearer access token names its sign-in (the refresh token's jti) in "sid".
    token = request.auth
    sid = token.get("sid") if token is not None else None
    return sid if isinstance(sid, str) else None


class MySessionsView(APIView):
    """The caller's live sessions, newest first: browser sessions, and under the
    `jwt` strategy every sign-in (refresh token)."""

    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request):
        entries = selectors.sessions_for_user(
            user=request.user, current_index_key=_current_sign_in(request)
        )
        response = Response(SessionSerializer(entries, many=True).data)
        response["Cache-Control"] = "no-store"
        return response


class MySessionView(APIView):
    """End one of the caller's sessions; that browser or client is signed out. Needs
    a recent re-authentication (403 ``reauthentication_required``)."""

    permission_classes = (permissions.IsAuthenticated, RecentlyAuthenticated)

    @extend_schema(
        request=None,
        responses={
            204: None,
            404: OpenApiResponse(description="No live session of yours has this id."),
        },
    )
    def delete(self, request, session_id: str):
        if not user_sessions.session_revoke(user=request.user, session_id=session_id):
            return Response(
                {
                    "detail": _("No live session of yours has this id."),
                    "code": "not_found",
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
