"""manage.py create_editor USERNAME : a staff login in the Editors group (asks for a password)."""

import getpass
import os

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create (or update) an editor: a staff user in the Editors group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--password-env", metavar="VAR",
            help="read the password from this environment variable instead of asking",
        )

    def handle(self, *args, username, password_env, **options):
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"the environment variable {password_env} is empty or unset")
        else:
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("the passwords differ")
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name="Editors"))
        self.stdout.write(f"{username} can now log in at /admin/ as an editor")
