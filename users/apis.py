from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_docs import DetailSerializer, error_responses
from core.client_ip import client_ip
from users.permissions import IsMember
from users.serializers import MeSerializer
from users.services import member_login
from users.tokens import member_logout, member_tokens_issue, member_tokens_refresh

MSG_SIGNED_OUT = "You have signed out."


class MeApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=MeSerializer, tags=["member"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class MemberLoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class MemberTokenApi(APIView):
    # simplejwt's token pair, behind the same sign-in throttle as the doctors' (core/login_throttle.py).

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=MemberLoginSerializer,
        responses={
            200: TokenPairSerializer,
            **error_responses(400),
            401: OpenApiResponse(DetailSerializer, description="wrong email or password, or an inactive account"),
            429: OpenApiResponse(DetailSerializer, description="too many failed attempts (see Retry-After)"),
        },
        tags=["member"],
        summary="Sign in: an access and a refresh token for `Authorization: Bearer`",
        description=(
            "Members sign in with their email and password. Send the access token as `Authorization: Bearer "
            "<access>`; when it expires, get a new one from /api/v1/auth/token/refresh. Repeated wrong passwords "
            "are slowed down (429 with Retry-After)."
        ),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = MemberLoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = member_login(**body.validated_data, ip_address=client_ip(request))  # refusals: core/api.py
        pair = member_tokens_issue(user=user)
        return Response({"access": pair.access, "refresh": pair.refresh})


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class AccessSerializer(serializers.Serializer):
    access = serializers.CharField()


class SignedOutSerializer(serializers.Serializer):
    detail = serializers.CharField()


class MemberTokenRefreshApi(APIView):
    """A new access token, while the refresh token is live, not revoked and bound to the current password."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=RefreshSerializer,
        responses={
            200: AccessSerializer,
            **error_responses(400),
            401: OpenApiResponse(
                DetailSerializer,
                description="the refresh token is invalid, expired or revoked, or the password changed since",
            ),
        },
        tags=["member"],
        summary="A new access token for a refresh token",
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = RefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response({"access": member_tokens_refresh(refresh=body.validated_data["refresh"])})


class MemberLogoutApi(APIView):
    """Sign out: the refresh token and every access token of its sign-in stop working at once."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=RefreshSerializer,
        responses={
            200: SignedOutSerializer,
            **error_responses(400),
            401: OpenApiResponse(DetailSerializer, description="not a refresh token of ours"),
        },
        tags=["member"],
        summary="Sign out: revoke a refresh token and its access tokens",
    )
    def post(self, request: Request) -> Response:
        body = RefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member_logout(refresh=body.validated_data["refresh"])
        return Response({"detail": MSG_SIGNED_OUT})
