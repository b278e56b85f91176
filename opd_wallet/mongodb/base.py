"""django-mongodb-backend with one change: its compilers send flat filters (opd_wallet/mongodb/compiler.py).

Settings name this package as the ENGINE; everything else is the upstream backend, unchanged.
"""

from django_mongodb_backend.base import DatabaseWrapper as MongoDatabaseWrapper
from django_mongodb_backend.operations import DatabaseOperations as MongoDatabaseOperations


class DatabaseOperations(MongoDatabaseOperations):
    compiler_module = "opd_wallet.mongodb.compiler"


class DatabaseWrapper(MongoDatabaseWrapper):
    ops_class = DatabaseOperations
