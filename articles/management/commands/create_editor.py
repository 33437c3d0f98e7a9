"""manage.py create_editor USERNAME [--password-env VAR] : a staff login in the Editors group
(asks for the password on the terminal, or reads it from the environment variable VAR)."""

import getpass
import os
import warnings

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
            password, again = self.ask_password(username)
            if password != again:
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

    def ask_password(self, username: str) -> tuple[str, str]:
        # Without a terminal getpass would warn, then read stdin with echo (and meet its end in
        # a script): one clear line instead.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", getpass.GetPassWarning)
                return getpass.getpass(f"Password for {username}: "), getpass.getpass("Again: ")
        except (getpass.GetPassWarning, EOFError):
            raise CommandError(
                "no terminal to ask for the password on; use --password-env VAR, "
                "with the password in the environment variable VAR"
            ) from None
