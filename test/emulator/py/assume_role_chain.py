"""Role chaining as botocore's AssumeRoleProvider does it: PROFILE has role_arn + source_profile (an SSO profile).

Usage: assume_role_chain.py PROFILE. Emits the credential method, the access key id (never the secret) and the
caller identity the assumed session has.
"""
import sys

import botocore.session

from _common import emit

session = botocore.session.Session(profile=sys.argv[1])
creds = session.get_credentials()
frozen = creds.get_frozen_credentials()
who = session.create_client("sts").get_caller_identity()
emit({"method": creds.method, "accessKeyId": frozen.access_key, "arn": who["Arn"], "account": who["Account"]})
