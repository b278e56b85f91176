"""The project's database backend: django-mongodb-backend, sending index-friendly filters (see compiler.py)."""
