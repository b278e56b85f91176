from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from mongo.paging import page_and_count

MAX_OFFSET = 2**62


class StandardPagination(PageNumberPagination):
    """docs/api.md: 20 per page, ?page=, ?page_size= up to 100.

    A queryset's page and its `count` come from one database command (mongo/paging.py) instead
    of DRF's two (COUNT, then the page). Same answers, same errors: page numbers that are not a positive
    integer, and `last`, take DRF's own path.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request: Request, view=None):
        number = request.query_params.get(self.page_query_param) or "1"
        page_size = self.get_page_size(request)
        if not isinstance(queryset, QuerySet) or not page_size or not str(number).isdigit() or int(number) < 1:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        number = int(number)
        if (number - 1) * page_size > MAX_OFFSET:  # past any real list, and past what BSON's $skip can carry
            message = self.invalid_page_message.format(page_number=number, message="That page contains no results")
            raise NotFound(message)
        rows, count = page_and_count(queryset, offset=(number - 1) * page_size, limit=page_size)
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.count = count  # a cached_property: known already
        try:
            paginator.validate_number(number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=str(exc))) from exc
        self.page = paginator._get_page(rows, number, paginator)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return rows


def paginated_response(request: Request, view: APIView, rows: Any, serializer_class: type[Serializer]) -> Response:
    """One StandardPagination page of `rows`, shaped by `serializer_class`, for an APIView's list."""
    paginator = StandardPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
