"""Role credentials through botocore's SSO credential provider, then listing and logout with the 'sso' client.

Usage: role_credentials.py PROFILE TOKEN_FILE. Emits the method and access key id (not the secret), the accounts and
roles seen, and what GetRoleCredentials says after Logout.
"""
import json
import sys

import botocore.session
from botocore.exceptions import ClientError

from _common import client, emit, error_of

profile, path = sys.argv[1], sys.argv[2]
session = botocore.session.Session(profile=profile)
creds = session.get_credentials()
frozen = creds.get_frozen_credentials()
with open(path) as f:
    token = json.load(f)["accessToken"]
sso = client("sso")
accounts = []
for page in sso.get_paginator("list_accounts").paginate(accessToken=token, PaginationConfig={"PageSize": 1}):
    accounts += [a["accountId"] for a in page["accountList"]]
roles = [r["roleName"] for r in sso.list_account_roles(accessToken=token, accountId="111122223333")["roleList"]]
sso.logout(accessToken=token)
try:
    sso.get_role_credentials(accessToken=token, accountId="111122223333", roleName="Developer")
    after_logout = None
except ClientError as e:
    after_logout = error_of(e)
emit({"method": creds.method, "accessKeyId": frozen.access_key, "accounts": accounts, "roles": roles, "afterLogout": after_logout})
