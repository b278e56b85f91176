import factory

from users.models import Role, User

DEFAULT_PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    member_id = factory.Sequence(lambda n: f"USR{n + 1:04d}")
    name = factory.Faker("name", locale="en_IN")
    email = factory.Sequence(lambda n: f"member{n}@example.com")
    phone = factory.Sequence(lambda n: f"+9198{n:08d}")
    role = Role.MEMBER
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: dict | None = None) -> None:
        if create:
            instance.save()


class StaffFactory(UserFactory):
    member_id = None
    role = Role.ADMIN
    email = factory.Sequence(lambda n: f"staff{n}@example.com")
