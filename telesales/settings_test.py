"""Test overrides: a fast password hasher (factories hash a password for every user)."""

from telesales.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
