"""API of email verification: confirm an address by key or code, send it again."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import verification
from accounts.api import serializers as api_serializers
from accounts.api.throttles import AddressRateThrottle
from accounts.models import User
from accounts.security.client_ip import client_bucket

VERIFIED = inline_serializer(
    "EmailVerified",
    {"detail": serializers.CharField(), "email": serializers.EmailField()},
)
SENT = inline_serializer(
    "EmailVerificationSent",
    {"detail": serializers.CharField(), "code": serializers.CharField()},
)


def verification_sent_response() -> Response:
    """202, one body whether or not a message went (the address's account stays
    unknown to the caller)."""
    return Response(
        {
            "detail": _(
                "If the address is waiting to be confirmed, a message with a link "
                "and a code is on its way."
            ),
            "code": "verification_sent",
        },
        status=status.HTTP_202_ACCEPTED,
    )


def _refused(detail: str, code: str) -> Response:
    return Response({"detail": detail, "code": code}, status=400)


class EmailVerifyView(APIView):
    """Confirm an address: the link's `key`, or `email` and the 6-digit `code`."""

    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()
    throttle_classes = (AddressRateThrottle,)
    throttle_scope = "email_verify"

    @extend_schema(
        request=api_serializers.EmailVerifySerializer,
        responses={200: VERIFIED, 400: dict},
    )
    def post(self, request: Request) -> Response:
        serializer = api_serializers.EmailVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        try:
            if "key" in data:
                user = verification.email_verification_confirm_key(key=data["key"])
            else:
                pending = verification.email_verification_pending(email=data["email"])
                user = verification.email_verification_confirm_code(
                    verification=pending, code=data["code"]
                )
        except verification.VerificationInvalid:
            return _refused(
                _("The key or code is wrong, used or expired."), "invalid_verification"
            )
        except verification.VerificationAddressTaken:
            return _refused(
                _("Another account uses this email address now."), "email_taken"
            )
        return Response({"detail": _("Email address confirmed."), "email": user.email})


class EmailVerifyResendView(APIView):
    """Send the verification message again: of the signed-in caller's pending
    address, or of `email`. Throttled per client and per target address; 202 always."""

    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        request=api_serializers.EmailVerifyResendSerializer, responses={202: SENT}
    )
    def post(self, request: Request) -> Response:
        serializer = api_serializers.EmailVerifyResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user if isinstance(request.user, User) else None
        if user is not None and user.is_authenticated:
            # The token's snapshot user cannot be saved: the row, for the service.
            user = User.objects.get(pk=user.pk)
        else:
            user = None
        verification.email_verification_resend(
            client=client_bucket(request),
            email=serializer.validated_data.get("email", ""),
            user=user,
        )
        return verification_sent_response()
