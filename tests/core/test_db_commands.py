"""The command counter (devtools/db_commands.py) and the bench-only X-DB-Commands middleware."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from devtools.db_commands import CountDbCommandsMiddleware, count_db_commands
from doctors.models import Specialty

pytestmark = pytest.mark.django_db


def two_queries(request: HttpRequest) -> HttpResponse:
    list(Specialty.objects.all())
    Specialty.objects.filter(is_active=True).exists()
    return HttpResponse("ok")


def test_the_middleware_answers_with_the_number_of_commands_the_request_sent() -> None:
    response = CountDbCommandsMiddleware(two_queries)(RequestFactory().get("/"))
    assert response["X-DB-Commands"] == "2"


def test_nested_counts_add_up_in_the_outer_count() -> None:
    with count_db_commands() as outer:
        with count_db_commands() as inner:
            list(Specialty.objects.all())
        list(Specialty.objects.all())
    assert (inner.count, outer.count) == (1, 2)
    assert outer.names == ["aggregate", "aggregate"]


def test_a_raw_pymongo_call_is_counted(assert_db_commands) -> None:
    """Django's query counter misses these (counters, capacity, GridFS); the command counter does not."""
    from django.db import connection

    with assert_db_commands(1) as commands:
        connection.get_collection(Specialty._meta.db_table).find_one({})
    assert commands.names == ["find"]


def test_assert_max_db_commands_fails_above_the_limit(assert_max_db_commands) -> None:
    with pytest.raises(pytest.fail.Exception, match="at most 1 MongoDB commands, got 2"), assert_max_db_commands(1):
        list(Specialty.objects.all())
        list(Specialty.objects.all())
