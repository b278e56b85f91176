"""Fixes for django-mongodb-backend 5.2.4 that keep user input out of MongoDB regular expressions.

`iexact` compiles to `{"$regex": "^<value>$", "$options": "i"}`, and the backend escapes the value for
`contains`/`startswith`/... (its `prep_for_like_query` is `re.escape`) but not for `iexact`: Django's base
operations alias `prep_for_iexact_query = prep_for_like_query` to ITS OWN method, which escapes only `%`,
`_` and `\\`. So `Doctor.objects.filter(email__iexact=typed_email)` let `.*` match every address and `[`
crash the query (a 500 at sign-in, found by the fuzzer). Installed once, from UsersConfig.ready().
"""

from django_mongodb_backend.operations import DatabaseOperations


def escape_iexact_lookups() -> None:
    """Make `iexact` escape like the other pattern lookups do (idempotent, and harmless once fixed upstream)."""
    DatabaseOperations.prep_for_iexact_query = DatabaseOperations.prep_for_like_query
