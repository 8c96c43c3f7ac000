"""Who is calling the API: a bearer token (scripts, the PBX, other systems) or the browser's
session (pages of our own that call the API)."""

from ninja.security import HttpBearer, SessionAuth

from switchboard.accounts.actions import get_user_for_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer sb_…`, a token from `manage.py issue_token`."""

    openapi_description = "An API token issued with `manage.py issue_token USERNAME NAME`."

    def authenticate(self, request, token):
        user = get_user_for_token(token)
        if user is None:
            return None
        # Views and access checks read request.user, whichever way the caller came in.
        request.user = user
        return user


class Session(SessionAuth):
    """The signed-in browser; unsafe methods need the CSRF token, as for any form."""

    openapi_description = "The session cookie of a signed-in user (with the CSRF token)."


AUTH = [BearerToken(), Session()]
