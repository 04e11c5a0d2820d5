"""Load the profile's SSO token through botocore's own SSOTokenProvider, which refreshes it when < 15 min remain.

Usage: token_refresh.py PROFILE TOKEN_FILE. Emits the token file's expiresAt before and after, and whether the token changed.
"""
import json
import sys

import botocore.session
from botocore.tokens import SSOTokenProvider

from _common import emit

profile = sys.argv[1]
path = sys.argv[2]
with open(path) as f:
    before = json.load(f)
session = botocore.session.Session(profile=profile)
frozen = SSOTokenProvider(session).load_token().get_frozen_token()
with open(path) as f:
    after = json.load(f)
emit(
    {
        "changed": frozen.token != before["accessToken"],
        "fileMatches": frozen.token == after["accessToken"],
        "refreshTokenChanged": after.get("refreshToken") != before.get("refreshToken"),
        "expiresAtBefore": before["expiresAt"],
        "expiresAtAfter": after["expiresAt"],
    }
)
