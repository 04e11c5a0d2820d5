"""Interop probe: what botocore (the AWS CLI's core) makes of the SSO token cache StormTunnel shares with it.

Usage: sso_token.py PROFILE ACTION
  load     -> SSOTokenProvider loads (and, when < 15 min remain, refreshes) the token; emits whether it changed
  creds    -> botocore's SSO credential provider gets role credentials; emits the access key id (never the secret)
  cli-login -> a device-code login as the AWS CLI does it (auto-approved emulator), cache file written in place
  legacy-cli-login -> `aws sso login` (CLI v2) for a legacy profile: a client registered without scopes, so no
              refresh token; the registration and the token written under the CLI's legacy keys, in place
  logout   -> `aws sso logout` style: portal Logout with the cached token, then delete the cache file
The environment (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO) comes from the test.
"""
import hashlib
import json
import os
import sys

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.tokens import SSOTokenProvider


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def cache_path(key):
    return os.path.join(os.path.expanduser("~"), ".aws", "sso", "cache", hashlib.sha1(key.encode("utf-8")).hexdigest() + ".json")


def cache_file(session):
    cfg = session.get_scoped_config()
    # sso-session profiles are keyed by the session name, legacy ones by the start URL as written (§4.1).
    return cache_path(cfg["sso_session"] if "sso_session" in cfg else cfg["sso_start_url"])


def write_in_place(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.truncate()
        f.write(json.dumps(data))


profile, action = sys.argv[1], sys.argv[2]
session = botocore.session.Session(profile=profile)
path = cache_file(session)

if action == "load":
    with open(path) as f:
        before = json.load(f)
    frozen = SSOTokenProvider(session).load_token().get_frozen_token()
    with open(path) as f:
        after = json.load(f)
    emit({"changed": frozen.token != before["accessToken"], "fileMatches": frozen.token == after["accessToken"],
          "keys": sorted(after.keys()), "expiresAt": after["expiresAt"]})
elif action == "creds":
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    emit({"method": creds.method, "accessKeyId": frozen.access_key})
elif action == "cli-login":
    from datetime import datetime, timedelta, timezone

    cfg = session.get_scoped_config()
    sso_session = session.full_config["sso_sessions"][cfg["sso_session"]]
    region, start_url = sso_session["sso_region"], sso_session["sso_start_url"]
    oidc = session.create_client("sso-oidc", region_name=region, config=Config(signature_version=UNSIGNED))
    reg = oidc.register_client(clientName="botocore-client-" + cfg["sso_session"], clientType="public",
                               scopes=["sso:account:access"])
    dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=start_url)
    tok = oidc.create_token(grantType="urn:ietf:params:oauth:grant-type:device_code", clientId=reg["clientId"],
                            clientSecret=reg["clientSecret"], deviceCode=dev["deviceCode"])
    fmt = lambda dt: dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {"startUrl": start_url, "region": region, "accessToken": tok["accessToken"],
            "expiresAt": fmt(datetime.now(timezone.utc) + timedelta(seconds=tok["expiresIn"])),
            "clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
            "registrationExpiresAt": fmt(datetime.fromtimestamp(reg["clientSecretExpiresAt"], timezone.utc)),
            "refreshToken": tok["refreshToken"]}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.truncate()
        f.write(json.dumps(data))
    emit({"written": True})
elif action == "legacy-cli-login":
    import time
    from datetime import datetime, timedelta, timezone

    cfg = session.get_scoped_config()
    region, start_url = cfg["sso_region"], cfg["sso_start_url"]
    fmt = lambda dt: dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    oidc = session.create_client("sso-oidc", region_name=region, config=Config(signature_version=UNSIGNED))
    reg = oidc.register_client(clientName="botocore-client-%d" % int(time.time()), clientType="public")
    registration = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
                    "expiresAt": fmt(datetime.fromtimestamp(reg["clientSecretExpiresAt"], timezone.utc))}
    key = json.dumps({"tool": "botocore", "startUrl": start_url, "region": region, "scopes": None,
                      "session_name": None}, sort_keys=True)
    write_in_place(cache_path(key), registration)
    dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=start_url)
    tok = oidc.create_token(grantType="urn:ietf:params:oauth:grant-type:device_code", clientId=reg["clientId"],
                            clientSecret=reg["clientSecret"], deviceCode=dev["deviceCode"])
    data = {"startUrl": start_url, "region": region, "accessToken": tok["accessToken"],
            "expiresAt": fmt(datetime.now(timezone.utc) + timedelta(seconds=tok["expiresIn"])),
            "clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
            "registrationExpiresAt": registration["expiresAt"]}
    if "refreshToken" in tok:
        data["refreshToken"] = tok["refreshToken"]
    write_in_place(path, data)
    emit({"written": True, "refreshToken": "refreshToken" in tok, "registrationFile": cache_path(key)})
elif action == "logout":
    with open(path) as f:
        token = json.load(f)
    sso = session.create_client("sso", region_name=token["region"], config=Config(signature_version=UNSIGNED))
    try:
        sso.logout(accessToken=token["accessToken"])
    except Exception:
        pass
    os.remove(path)
    emit({"deleted": True})
