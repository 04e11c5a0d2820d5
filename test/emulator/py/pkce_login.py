"""Authorization code + PKCE login the way `aws sso login` (CLI >= 2.22) does it, with botocore's sso-oidc client.

Usage: pkce_login.py SESSION_NAME. The emulator must auto-approve: the "browser" is one GET of the authorize URL whose
302 goes to our loopback port; we read code and state from it instead of running a listener.
"""
import base64
import hashlib
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

from _common import START_URL, client, emit, write_token_cache

session_name = sys.argv[1]
oidc = client("sso-oidc")
reg = oidc.register_client(
    clientName="botocore-client-" + session_name,
    clientType="public",
    grantTypes=["authorization_code", "refresh_token"],
    redirectUris=["http://127.0.0.1/oauth/callback"],
    issuerUrl=START_URL,
    scopes=["sso:account:access"],
)
verifier = "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") for _ in range(64))
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
state = str(uuid.uuid4())
redirect_uri = "http://127.0.0.1:%d/oauth/callback" % (20000 + secrets.randbelow(20000))
query = urllib.parse.urlencode(
    [
        ("response_type", "code"),
        ("client_id", reg["clientId"]),
        ("redirect_uri", redirect_uri),
        ("state", state),
        ("code_challenge_method", "S256"),
        ("scopes", "sso:account:access"),
        ("code_challenge", challenge),
    ],
    quote_via=urllib.parse.quote,
    safe="-._~",
)
authorize_url = oidc.meta.endpoint_url + "/authorize?" + query


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


try:
    urllib.request.build_opener(NoRedirect).open(authorize_url)
    raise SystemExit("authorize did not redirect (is autoApprove on?)")
except urllib.error.HTTPError as e:
    location = e.headers["Location"]
params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
if params.get("state") != state or "code" not in params:
    raise SystemExit("bad redirect")
token = oidc.create_token(
    grantType="authorization_code",
    clientId=reg["clientId"],
    clientSecret=reg["clientSecret"],
    redirectUri=redirect_uri,
    codeVerifier=verifier,
    code=params["code"],
)
path = write_token_cache(session_name, reg, token)
emit({"event": "done", "authorizeUrl": authorize_url.split("?")[0], "refreshable": "refreshToken" in token, "file": path})
