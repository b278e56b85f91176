from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from opd_wallet.api import IsMember
from opd_wallet.users.serializers import MeSerializer


class MeApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=MeSerializer, tags=["member"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
