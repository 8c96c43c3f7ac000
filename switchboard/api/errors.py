"""One shape for every API error: `{"detail": "…"}`, or for bad input (422) the list ninja
itself returns: `{"detail": [{"loc": [...], "msg": "…", "type": "…"}]}`."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError


def field_errors(exc: DjangoValidationError, loc: tuple[str, ...]) -> list[dict]:
    """A Django ValidationError from a check_* action as ninja's list of field errors.

    `loc` is where the input came from, e.g. ("body", "payload"); the field name is added.
    """
    if not hasattr(exc, "error_dict"):
        return [{"loc": list(loc), "msg": m, "type": "value_error"} for m in exc.messages]
    return [
        {
            "loc": list(loc) if field == "__all__" else [*loc, field],
            "msg": message,
            "type": "value_error",
        }
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def install(api) -> None:
    @api.exception_handler(DjangoValidationError)
    def validation_error(request, exc):
        return api.create_response(
            request, {"detail": field_errors(exc, ("body", "payload"))}, status=422
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return api.create_response(
            request, {"detail": _("You do not have permission to do this.")}, status=403
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = api.create_response(
            request,
            {"detail": _("Sign in, or send a valid API token as “Authorization: Bearer …”.")},
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
