import hashlib

from switchboard.telephony.sip.auth import (
    REALM,
    Binding,
    DigestAuth,
    Registrations,
    digest_response,
    ha1_of,
    parse_digest,
)
from switchboard.telephony.sip.trunks import TrunkRegistrations

# What we store: MD5(username:realm:password), never the password.
PASSWORDS = {"101": ha1_of("101", REALM, "s3cret")}


def answer(auth: DigestAuth, now: float, password="s3cret", qop=True, uri="sip:127.0.0.1"):
    params = parse_digest(auth.challenge(now))
    params.update(username="101", uri=uri)
    if qop:
        params.update(nc="00000001", cnonce="abc")
    else:
        params.pop("qop")
    params["response"] = digest_response(params, "REGISTER", password)
    fields = ", ".join(f'{k}="{v}"' for k, v in params.items() if k not in ("algorithm",))
    return f"Digest {fields}, algorithm=MD5"


def test_a_phone_with_the_right_password_is_authenticated():
    auth = DigestAuth()
    assert auth.check(answer(auth, 1000), "REGISTER", PASSWORDS.get, now=1001) == "101"
    assert auth.check(answer(auth, 1000, qop=False), "REGISTER", PASSWORDS.get, now=1001) == "101"


def test_a_wrong_password_an_old_nonce_or_a_forged_nonce_is_refused():
    auth = DigestAuth(nonce_ttl=300)
    assert auth.check(answer(auth, 1000, password="guess"), "REGISTER", PASSWORDS.get, 1001) is None
    assert auth.check(answer(auth, 1000), "REGISTER", PASSWORDS.get, now=1400) is None
    other = DigestAuth()
    assert other.check(answer(auth, 1000), "REGISTER", PASSWORDS.get, now=1001) is None
    assert auth.check(answer(auth, 1000), "INVITE", PASSWORDS.get, now=1001) is None
    assert auth.check("Basic abc", "REGISTER", PASSWORDS.get) is None
    assert auth.check('Digest username="101"', "REGISTER", PASSWORDS.get) is None


def test_registrations_expire_and_can_be_removed():
    registrations = Registrations(max_expires=3600, min_expires=60)
    assert registrations.granted(None) == 3600
    assert registrations.granted(10) == 60
    assert registrations.granted(0) == 0
    binding = Binding("101", "127.0.0.1", 5062, "sip:101@127.0.0.1:5062", expires_at=100.0)
    registrations.register(binding, "101")
    assert registrations.lookup("101", now=99) == binding
    assert registrations.lookup("101", now=100) is None
    registrations.register(binding, "101")
    registrations.register(None, "101")
    assert registrations.lookup("101", now=0) is None


def test_the_stored_ha1_is_enough_to_check_a_phone_and_no_password_is_needed():
    auth = DigestAuth()
    stored = {"101": ha1_of("101", REALM, "s3cret")}
    assert stored["101"] == hashlib.md5(b"101:switchboard:s3cret").hexdigest()
    assert auth.check(answer(auth, 1000), "REGISTER", stored.get, now=1001) == "101"
    upper = {"101": stored["101"].upper()}  # a hash pasted in capitals still works
    assert auth.check(answer(auth, 1000), "REGISTER", upper.get, now=1001) == "101"
    # An unknown user, or an extension whose password was never set, is refused.
    assert auth.check(answer(auth, 1000), "REGISTER", {}.get, now=1001) is None
    assert auth.check(answer(auth, 1000), "REGISTER", {"101": ""}.get, now=1001) is None
    # The HA1 of another realm (or another number) does not open this one.
    other_realm = {"101": ha1_of("101", "elsewhere", "s3cret")}
    assert auth.check(answer(auth, 1000), "REGISTER", other_realm.get, now=1001) is None


def test_a_registered_trunk_trusts_its_address_until_it_expires_or_unregisters():
    trunks = TrunkRegistrations()
    trunks.register("gateway", "203.0.113.7", 300, now=0)
    assert trunks.trunk_at("203.0.113.7", now=299) == "gateway"
    assert trunks.trunk_at("203.0.113.8", now=1) is None
    assert trunks.trunk_at("203.0.113.7", now=300) is None  # expired
    trunks.register("gateway", "[2001:db8::1]", 300, now=0)
    assert trunks.trunk_at("2001:db8::1", now=1) == "gateway"
    trunks.register("gateway", "2001:db8::1", 0, now=2)  # Expires: 0
    assert trunks.trunk_at("2001:db8::1", now=3) is None
