from rest_framework import serializers

from core.serializers import ObjectIdField


class MeSerializer(serializers.Serializer):
    """The member's own profile: seed JSON names, never the password hash."""

    _id = ObjectIdField(source="pk", read_only=True)
    memberId = serializers.CharField(source="member_id", allow_null=True)
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    role = serializers.CharField()
    isActive = serializers.BooleanField(source="is_active")
    createdAt = serializers.DateTimeField(source="created_at")
