"""The tests' command counter lives in `devtools/db_commands.py` (the benchmark's middleware uses it too).

    with count_db_commands() as commands:
        client.get("/api/v1/doctors")
    assert commands.count == 2, commands.names

It counts the commands sent from the test's own thread, which is where Django's test client runs views, raw
pymongo calls included (counters, capacity, GridFS), which Django's `django_assert_num_queries` misses. For
plain limits use conftest.py's fixtures: `with assert_db_commands(2): ...`, `with assert_max_db_commands(3): ...`.
"""

from devtools.db_commands import CommandLog, count_db_commands

__all__ = ["CommandLog", "count_db_commands"]
