"""Shared helpers for the botocore scripts the emulator tests run.

The environment (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO) comes from the test;
nothing here knows the emulator's address.
"""
import hashlib
import json
import os
import sys
from datetime import datetime, timedelta, timezone

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "us-east-1"
START_URL = "https://d-0000000000.awsapps.com/start"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def client(name, retries=1):
    """An unsigned client, as botocore's SSO code creates them; retries off so each error surfaces."""
    session = botocore.session.get_session()
    config = Config(signature_version=UNSIGNED, retries={"total_max_attempts": retries, "mode": "standard"})
    return session.create_client(name, region_name=REGION, config=config)


def emit(obj):
    """One JSON line on stdout, flushed so the test can react while the script runs."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def error_of(exc):
    """What a caller sees of a service error: botocore's exception class, HTTP status and OAuth error."""
    if not isinstance(exc, ClientError):
        raise exc
    return {
        "class": type(exc).__name__,
        "code": exc.response["Error"]["Code"],
        "status": exc.response["ResponseMetadata"]["HTTPStatusCode"],
        "error": exc.response.get("error"),
    }


def iso(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_token_cache(session_name, reg, token):
    """The token file exactly as `aws sso login` writes it for an sso-session (sso-tokens.md §4.2)."""
    cache_dir = os.path.join(os.path.expanduser("~"), ".aws", "sso", "cache")
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, hashlib.sha1(session_name.encode("utf-8")).hexdigest() + ".json")
    now = datetime.now(timezone.utc)
    data = {
        "startUrl": START_URL,
        "region": REGION,
        "accessToken": token["accessToken"],
        "expiresAt": iso(now + timedelta(seconds=token["expiresIn"])),
        "clientId": reg["clientId"],
        "clientSecret": reg["clientSecret"],
        "registrationExpiresAt": iso(datetime.fromtimestamp(reg["clientSecretExpiresAt"], timezone.utc)),
    }
    if "refreshToken" in token:
        data["refreshToken"] = token["refreshToken"]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
    return path
