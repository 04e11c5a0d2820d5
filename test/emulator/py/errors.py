"""Provoke one error per scenario and report the exception class botocore maps it to.

Usage: errors.py SCENARIO... Emits {scenario: {"class","code","status","error"}}. Scenarios needing emulator setup
(expired_token: deviceCodeTtlSeconds=0; too_many_requests / internal_server: faults) are arranged by the test.
"""
import sys
import urllib.parse
import urllib.request

from botocore.exceptions import ClientError

from _common import DEVICE_GRANT, START_URL, client, emit, error_of

oidc = client("sso-oidc")
sso = client("sso")


def registered(**extra):
    return oidc.register_client(clientName="botocore-client-errors", clientType="public", **extra)


def device(reg):
    return oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)


def poll(reg, dev):
    oidc.create_token(grantType=DEVICE_GRANT, clientId=reg["clientId"], clientSecret=reg["clientSecret"], deviceCode=dev["deviceCode"])


def deny_on_page(dev):
    """What a user does on the device page: Deny."""
    form = urllib.parse.urlencode({"user_code": dev["userCode"], "decision": "deny"}).encode()
    urllib.request.urlopen(urllib.request.Request(dev["verificationUri"], data=form, method="POST")).read()


def scenario(name):
    if name == "invalid_client":
        oidc.start_device_authorization(clientId="nope", clientSecret="nope", startUrl=START_URL)
    elif name == "authorization_pending":
        reg = registered()
        poll(reg, device(reg))
    elif name == "slow_down":
        reg = registered()
        dev = device(reg)
        try:
            poll(reg, dev)
        except oidc.exceptions.AuthorizationPendingException:
            pass
        poll(reg, dev)
    elif name in ("expired_token", "access_denied"):
        reg = registered()
        dev = device(reg)
        if name == "access_denied":
            deny_on_page(dev)
        poll(reg, dev)
    elif name == "invalid_grant":
        reg = registered(scopes=["sso:account:access"])
        oidc.create_token(grantType="refresh_token", clientId=reg["clientId"], clientSecret=reg["clientSecret"], refreshToken="aorNope")
    elif name == "invalid_request":
        reg = registered()
        oidc.create_token(grantType=DEVICE_GRANT, clientId=reg["clientId"], clientSecret=reg["clientSecret"])
    elif name == "unsupported_grant_type":
        reg = registered()
        oidc.create_token(grantType="password", clientId=reg["clientId"], clientSecret=reg["clientSecret"])
    elif name == "invalid_scope":
        registered(scopes=["not a scope"])
    elif name == "invalid_redirect_uri":
        registered(grantTypes=["authorization_code"], redirectUris=["http://example.com/callback"])
    elif name in ("unauthorized", "too_many_requests"):
        sso.get_role_credentials(accessToken="not-a-token", accountId="111122223333", roleName="Developer")
    elif name == "internal_server":
        registered()
    else:
        raise SystemExit("unknown scenario " + name)


results = {}
for name in sys.argv[1:]:
    try:
        scenario(name)
        results[name] = None
    except ClientError as e:
        results[name] = error_of(e)
emit(results)
