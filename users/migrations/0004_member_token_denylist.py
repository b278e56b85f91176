from django.db import migrations

# Revoked member sign-ins (users/tokens.py): one document per `sid`, removed by MongoDB once `expiresAt`
# (the refresh token's own expiry) passes.
COLLECTION = "member_token_denylist"
TTL_INDEX = "member_token_denylist_ttl"


def create_denylist(apps, schema_editor):
    schema_editor.connection.get_collection(COLLECTION).create_index([("expiresAt", 1)], name=TTL_INDEX, expireAfterSeconds=0)


def drop_denylist(apps, schema_editor):
    schema_editor.connection.get_collection(COLLECTION).drop()


class Migration(migrations.Migration):
    dependencies = [("users", "0003_reminders_opt_out")]

    operations = [migrations.RunPython(create_denylist, drop_denylist)]
