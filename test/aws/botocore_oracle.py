"""What botocore (the AWS CLI's core) makes of a config file: the independent oracle for the TypeScript parser.

Usage: python3 botocore_oracle.py CONFIG_PATH HOME_DIR  ->  JSON on stdout.
The environment must point AWS_CONFIG_FILE at CONFIG_PATH and HOME at HOME_DIR (a temp dir).
"""
import hashlib
import json
import os
import sys

import botocore.configloader as configloader
import botocore.session
import botocore.tokens
from botocore.utils import SSOTokenLoader

path, home = sys.argv[1], sys.argv[2]
out = {"parseError": None, "raw": {}, "profiles": {}, "sessions": {}, "services": {}}
try:
    raw = configloader.raw_config_parse(path, parse_subsections=False)
except Exception as e:  # the whole file is refused
    out["parseError"] = str(e)
    print(json.dumps(out))
    sys.exit(0)

out["raw"] = raw
full = configloader.build_profile_map(configloader.raw_config_parse(path))
out["services"] = full["services"]


def scopes_of(value):
    # awscli.customizations.sso.utils.parse_sso_registration_scopes
    if value is None:
        return None
    return [s.strip() for s in value.split(",") if s.strip()]


def registration_file(start_url, region, scopes, session_name):
    # awscli's SSO registration cache key: json.dumps(sort_keys=True) of these args, SHA-1.
    args = {"tool": "botocore", "startUrl": start_url, "region": region, "scopes": scopes, "session_name": session_name}
    key = json.dumps(args, sort_keys=True)
    return {"key": key, "file": os.path.join(home, ".aws", "sso", "cache", hashlib.sha1(key.encode("utf-8")).hexdigest() + ".json")}


for name, conf in full["sso_sessions"].items():
    out["sessions"][name] = conf

for name, conf in full["profiles"].items():
    entry = {"values": conf, "credError": None, "tokenError": None, "tokenFile": None, "registration": None}
    session = botocore.session.Session(profile=name)
    resolver = session.get_component("credential_provider")
    # Never run a fixture's credential_process or probe instance metadata: only config validation matters here.
    for provider in ("custom-process", "container-role", "iam-role"):
        resolver.remove(provider)
    # credential_source alone would fetch from the environment or IMDS: a runtime matter, not config validation.
    runtime_only = "credential_source" in conf and "source_profile" not in conf
    try:
        if not runtime_only:
            resolver.load_credentials()
    except Exception as e:
        entry["credError"] = str(e)
    try:
        botocore.tokens.SSOTokenProvider(session, profile_name=name)._load_sso_config()
    except Exception as e:
        entry["tokenError"] = str(e)
    session_name = conf.get("sso_session")
    sso_conf = full["sso_sessions"].get(session_name, {}) if session_name is not None else conf
    start_url = sso_conf.get("sso_start_url")
    if session_name is not None or start_url is not None:
        key = SSOTokenLoader()._generate_cache_key(start_url, session_name)
        entry["tokenFile"] = os.path.join(home, ".aws", "sso", "cache", key + ".json")
        if start_url is not None and sso_conf.get("sso_region") is not None:
            scopes = scopes_of(sso_conf.get("sso_registration_scopes")) if session_name is not None else None
            entry["registration"] = registration_file(start_url, sso_conf["sso_region"], scopes, session_name)
    out["profiles"][name] = entry

print(json.dumps(out))
