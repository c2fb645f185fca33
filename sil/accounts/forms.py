from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """allauth's login form; django-axes counts failures against the `login` field."""

    def user_credentials(self) -> dict[str, str]:
        credentials = super().user_credentials()
        # axes reads the username from the credentials it is given.
        credentials.setdefault("login", self.cleaned_data.get("login", ""))
        return credentials
