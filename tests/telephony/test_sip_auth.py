from switchboard.telephony.sip.auth import (
    REALM,
    Binding,
    DigestAuth,
    Registrations,
    digest_response,
    ha1_of,
    parse_digest,
)

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
