"""Every write to extensions, trunks and prompts: check_* validates, do_* saves.

The admin, the API and the management commands call these; none of them saves on its own.
Passwords are turned into the digest HA1 here and never stored (docs/sip.md).
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from switchboard.contacts.phones import InvalidPhone, normalize_phone
from switchboard.telephony.audio import AudioError, WavInfo, to_prompt_wav
from switchboard.telephony.models import (
    Extension,
    InboundMode,
    Prompt,
    PromptLanguage,
    PromptName,
    Trunk,
    digits_only,
    sip_username,
)
from switchboard.telephony.sip.auth import REALM, ha1_of

MIN_PASSWORD = 8
_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def _check_password(password: str, username: str, errors: dict, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        errors[field] = _("Use at least %(n)d characters.") % {"n": MIN_PASSWORD}
    elif password == username:
        errors[field] = _("The password must not be the same as the user name.")


def _username_taken(name: str, *, extension: Extension | None = None, trunk: Trunk | None = None):
    """Phones and carriers' devices register in the same realm: one name, one owner."""
    extensions = Extension.objects.filter(number=name)
    trunks = Trunk.objects.filter(username=name)
    if extension is not None and extension.pk:
        extensions = extensions.exclude(pk=extension.pk)
    if trunk is not None and trunk.pk:
        trunks = trunks.exclude(pk=trunk.pk)
    return extensions.exists() or trunks.exists()


# -- extensions ----------------------------------------------------------------------------


def check_save_extension(
    extension: Extension | None,
    *,
    user=None,
    number: str,
    active: bool = True,
    password: str | None = None,
) -> Extension:
    """Create (`extension` None, with `user` and `password`) or change an extension. A new
    number needs a new password: the HA1 is made from the number."""
    number = validate_extension(extension, user=user, number=number, password=password)
    return do_save_extension(
        extension, user=user, number=number, active=active, password=password or None
    )


def validate_extension(extension, *, user, number: str, password: str | None) -> str:
    """The clean number, or ValidationError by field (forms call this before saving)."""
    errors: dict[str, str] = {}
    number = (number or "").strip()
    try:
        digits_only(number)
    except ValidationError as exc:
        errors["number"] = exc.messages[0]
    else:
        if _username_taken(number, extension=extension):
            errors["number"] = _("This number is already taken by another phone or a trunk.")
    if extension is None:
        if user is None:
            errors["user"] = _("Choose the person this phone belongs to.")
        elif Extension.objects.filter(user=user).exists():
            errors["user"] = _("This person already has an extension.")
    renumbered = extension is not None and number != extension.number
    if password:
        _check_password(password, number, errors)
    elif extension is None or renumbered or not extension.ha1:
        errors["password"] = (
            _("A new number needs a new password (the phone's login is made from both).")
            if renumbered
            else _("Set a password for the phone.")
        )
    if errors:
        raise ValidationError(errors)
    return number


@transaction.atomic
def do_save_extension(extension, *, user, number, active, password) -> Extension:
    if extension is None:
        extension = Extension(user=user)
    extension.number = number
    extension.active = active
    if password:
        extension.ha1 = ha1_of(number, REALM, password)
    extension.save()
    return extension


def check_set_extension_password(extension: Extension, password: str) -> Extension:
    errors: dict[str, str] = {}
    _check_password(password or "", extension.number, errors)
    if errors:
        raise ValidationError(errors)
    return do_set_extension_password(extension, password)


@transaction.atomic
def do_set_extension_password(extension: Extension, password: str) -> Extension:
    extension.ha1 = ha1_of(extension.number, REALM, password)
    extension.save(update_fields=["ha1"])
    return extension


# -- trunks --------------------------------------------------------------------------------


@dataclass
class TrunkData:
    name: str
    inbound_mode: str = InboundMode.IP
    allowed_addresses: str = ""
    username: str = ""
    outbound_host: str = ""
    outbound_port: int = 5060
    caller_id: str = ""
    active: bool = True


def check_trunk_networks(text: str) -> list[str]:
    """The allow-list as clean lines, or ValidationError naming the first bad entry."""
    clean = []
    for entry in (e.strip() for e in text.replace(",", "\n").splitlines()):
        if not entry:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValidationError(
                _(
                    "“%(entry)s” is not an IP address or CIDR block "
                    "(write e.g. 203.0.113.7 or 203.0.113.0/24)."
                )
                % {"entry": entry}
            ) from None
        if network.prefixlen == 0:
            raise ValidationError(
                _("“%(entry)s” would accept calls from anywhere; list the carrier's addresses.")
                % {"entry": entry}
            )
        clean.append(str(network) if "/" in entry else entry)
    return clean


def check_save_trunk(trunk: Trunk | None, data: TrunkData, password: str | None = None) -> Trunk:
    """Create or change a trunk. A registration trunk needs a password when it is new, when
    its username changes, or when it had none."""
    return do_save_trunk(trunk, validate_trunk(trunk, data, password), password or None)


def validate_trunk(trunk: Trunk | None, data: TrunkData, password: str | None) -> TrunkData:
    """`data` cleaned (addresses, caller ID in E.164), or ValidationError by field."""
    errors: dict[str, str] = {}
    data.name = (data.name or "").strip()
    data.username = (data.username or "").strip()
    data.outbound_host = (data.outbound_host or "").strip()
    data.caller_id = (data.caller_id or "").strip()
    if not data.name:
        errors["name"] = _("Give the trunk a name.")
    elif Trunk.objects.filter(name=data.name).exclude(pk=getattr(trunk, "pk", None)).exists():
        errors["name"] = _("Another trunk has this name.")
    if data.inbound_mode not in InboundMode.values:
        errors["inbound_mode"] = _("Choose how the carrier reaches us: IP or registration.")
    elif data.inbound_mode == InboundMode.IP:
        try:
            networks = check_trunk_networks(data.allowed_addresses or "")
        except ValidationError as exc:
            errors["allowed_addresses"] = exc.messages[0]
        else:
            if not networks:
                errors["allowed_addresses"] = _("List at least one address the carrier uses.")
            data.allowed_addresses = "\n".join(networks)
        data.username = ""
    else:
        data.allowed_addresses = ""
        try:
            sip_username(data.username)
        except ValidationError as exc:
            errors["username"] = exc.messages[0]
        else:
            if _username_taken(data.username, trunk=trunk):
                errors["username"] = _("This name is already taken by a phone or another trunk.")
        new_name = trunk is None or trunk.username != data.username or not trunk.ha1
        if password:
            _check_password(password, data.username, errors)
        elif new_name:
            errors["password"] = _("Set the password the carrier's device registers with.")
    if data.outbound_host and not _valid_host(data.outbound_host):
        errors["outbound_host"] = _("Write a host name or an IP address, without a port.")
    if not 0 < int(data.outbound_port or 0) < 65536:
        errors["outbound_port"] = _("A port is a number from 1 to 65535.")
    if data.caller_id:
        try:
            data.caller_id = normalize_phone(data.caller_id)
        except InvalidPhone as exc:
            errors["caller_id"] = _("Not a valid caller ID: %(reason)s") % {"reason": exc}
    if errors:
        raise ValidationError(errors)
    return data


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return bool(_HOST.match(host))


@transaction.atomic
def do_save_trunk(trunk: Trunk | None, data: TrunkData, password: str | None) -> Trunk:
    trunk = trunk or Trunk()
    for name, value in vars(data).items():
        setattr(trunk, name, value)
    if data.inbound_mode == InboundMode.REGISTRATION:
        if password:
            trunk.ha1 = ha1_of(data.username, REALM, password)
    else:
        trunk.ha1 = ""
    trunk.save()
    return trunk


# -- prompts -------------------------------------------------------------------------------


def check_save_prompt(
    *, menu, name: str, language: str, data: bytes, generated: bool = False
) -> Prompt:
    """Store a prompt for (menu or every menu, name, language), replacing what was there.
    The audio must be a PCM WAV; it is converted to 8 kHz mono 16-bit when it is not."""
    audio, info = validate_prompt(name=name, language=language, data=data)
    return do_save_prompt(
        menu=menu,
        name=name,
        language=language,
        audio=audio,
        duration_ms=info.duration_ms,
        generated=generated,
    )


def validate_prompt(*, name: str, language: str, data: bytes) -> tuple[bytes, WavInfo]:
    """The audio ready to store (converted if needed), or ValidationError by field."""
    errors: dict[str, str] = {}
    if name not in PromptName.values:
        errors["name"] = _("Choose which prompt this is.")
    if language not in PromptLanguage.values:
        errors["language"] = _("Choose Bengali, English or any language.")
    try:
        audio, info = to_prompt_wav(data)
    except AudioError as exc:
        errors["audio"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return audio, info


def do_save_prompt(*, menu, name, language, audio: bytes, duration_ms: int, generated) -> Prompt:
    storage = Prompt._meta.get_field("audio").storage
    # The file first, under a fresh name: if the row cannot be written it is removed again,
    # and the old file goes only once the new row is committed.
    stem = f"{menu.dialed_number.lstrip('+') if menu else 'all'}-{name}-{language or 'any'}"
    stored = storage.save(f"prompts/{stem}-{uuid.uuid4().hex[:8]}.wav", ContentFile(audio))
    try:
        with transaction.atomic():
            prompt = (
                # Ordered by pk: the default order joins the menu, which FOR UPDATE cannot take.
                Prompt.objects.select_for_update()
                .filter(menu=menu, name=name, language=language)
                .order_by("pk")
                .first()
            ) or Prompt(menu=menu, name=name, language=language)
            old = prompt.audio.name if prompt.pk else None
            prompt.audio.name = stored
            prompt.duration_ms = duration_ms
            prompt.generated = generated
            prompt.save()
            if old and old != stored:
                transaction.on_commit(lambda: storage.delete(old))
    except BaseException:
        storage.delete(stored)
        raise
    return prompt


@transaction.atomic
def do_delete_prompt(prompt: Prompt) -> None:
    name, storage = prompt.audio.name, prompt.audio.storage
    prompt.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def do_move_prompt(prompt: Prompt, *, menu, name: str, language: str) -> Prompt:
    """Give a stored prompt another slot (menu, name or language); its audio stays."""
    prompt.menu, prompt.name, prompt.language = menu, name, language
    prompt.generated = False
    prompt.save()
    return prompt
