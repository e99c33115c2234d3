"""Issue an API token from the command line, so a fresh install needs no browser:

    manage.py create_api_token --name dialer --scope calls:write [--scope leads:read] [--user USERNAME]

The key is printed once on stdout (only the key, so scripts can capture it) and never stored.
Without --user the token acts as the integration account `api-<name>`, created on first use."""

from django.core.management.base import BaseCommand, CommandError

from accounts import scopes
from accounts.models import User
from accounts.services import issue_api_token
from telesales.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token with the given scopes and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The integration's name, e.g. dialer.")
        parser.add_argument("--scope", action="append", required=True, dest="scopes", choices=list(scopes.SCOPES),
                            help="A scope the token has; repeat for several. 'admin' includes every other.")
        parser.add_argument("--user", help="Username the token acts as (default: the account api-<name>).")

    def handle(self, *args, name, scopes, user, **options):
        account = None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            token, key = issue_api_token(name=name, scopes=scopes, user=account)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(f"Token {token.name!r} for {token.user.username} with {', '.join(token.scopes)}; "
                          f"the key below is shown once:")
        self.stdout.write(key)
