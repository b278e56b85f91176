"""Instrumentation for tests and `make bench`: a MongoDB command counter and explain-plan helpers.

Not part of the running application: settings load `devtools.db_commands.CountDbCommandsMiddleware` only
when the benchmark asks for it.
"""
