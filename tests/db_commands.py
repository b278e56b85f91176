"""The tests' command counter lives in `devtools/db_commands.py` (the benchmark's middleware uses it too).

    with count_db_commands() as commands:
        client.get("/api/v1/doctors")
    assert commands.count == 2, commands.names

It counts the commands sent from the test's own thread, which is where Django's test client runs views.
"""

from devtools.db_commands import CommandLog, count_db_commands

__all__ = ["CommandLog", "count_db_commands"]
