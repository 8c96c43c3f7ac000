"""Operations on users: creating them with a role, preferences, API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from switchboard.accounts.models import ApiToken, Role, User


@transaction.atomic
def do_create_user(
    username: str,
    password: str,
    role: Role,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    return user


def check_set_preferences(user: User, *, language: str | None, time_zone: str | None) -> None:
    from django.conf import settings

    if language is not None and language not in {"", *dict(settings.LANGUAGES)}:
        raise ValidationError({"language": _("Choose Bengali or English.")})
    if time_zone is not None:
        from switchboard.accounts.models import validate_time_zone

        if time_zone:
            validate_time_zone(time_zone)
    do_set_preferences(user, language=language, time_zone=time_zone)


def do_set_preferences(user: User, *, language: str | None, time_zone: str | None) -> None:
    fields = []
    if language is not None:
        user.language = language
        fields.append("language")
    if time_zone is not None:
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.save(update_fields=fields)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def do_issue_api_token(user: User, name: str) -> str:
    """Create a token and return its clear text, which is shown once and never stored."""
    raw = "sb_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=hash_token(raw), prefix=raw[:8])
    return raw


def get_user_for_token(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(digest=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
