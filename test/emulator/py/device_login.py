"""Device-code login the way `aws sso login --use-device-code` does it, with botocore's sso-oidc client.

Usage: device_login.py SESSION_NAME. Emits {"event":"pending","userCode"} once the first poll is pending (the test
approves it then), and {"event":"done",...} after writing the token cache file. Follows interval and slow_down.
"""
import sys
import time

from _common import DEVICE_GRANT, START_URL, client, emit, write_token_cache

session_name = sys.argv[1]
oidc = client("sso-oidc")
reg = oidc.register_client(clientName="botocore-client-" + session_name, clientType="public", scopes=["sso:account:access"])
dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)
interval = dev.get("interval") or 5
pending = slow_downs = 0
while True:
    try:
        token = oidc.create_token(
            grantType=DEVICE_GRANT, clientId=reg["clientId"], clientSecret=reg["clientSecret"], deviceCode=dev["deviceCode"]
        )
        break
    except oidc.exceptions.AuthorizationPendingException:
        pending += 1
        if pending == 1:
            emit({"event": "pending", "userCode": dev["userCode"], "verificationUriComplete": dev["verificationUriComplete"]})
    except oidc.exceptions.SlowDownException:
        slow_downs += 1
        interval += 5
    time.sleep(interval)
path = write_token_cache(session_name, reg, token)
emit({"event": "done", "pendingPolls": pending, "slowDowns": slow_downs, "refreshable": "refreshToken" in token, "file": path})
