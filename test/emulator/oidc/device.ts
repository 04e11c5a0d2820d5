// Device authorization grant: StartDeviceAuthorization and the device_code branch of CreateToken.
import type { EmulatorContext } from "../context";
import { OidcError } from "./errors";
import { newDeviceCode, newUserCode } from "./ids";
import { allowsGrant, authenticateClient } from "./register";
import { DEVICE_CODE_GRANT, ssoState, type DeviceAuthorization, type IssuedTokens, type Registration } from "./state";
import { requireString, type Body } from "./validate";

/** Polls may arrive a little early because of timer jitter. */
const POLL_TOLERANCE_MS = 50;

export function startDeviceAuthorization(ctx: EmulatorContext, body: Body): Record<string, unknown> {
  const reg = authenticateClient(ctx, body);
  const startUrl = requireString(body, "startUrl");
  if (!URL.canParse(startUrl)) throw new OidcError("InvalidRequestException", "Invalid start URL");
  if (!allowsGrant(reg, DEVICE_CODE_GRANT)) {
    throw new OidcError("UnauthorizedClientException", "Client is not authorized for the device code grant");
  }
  const state = ssoState(ctx);
  let userCode = newUserCode();
  while ([...state.deviceAuthorizations.values()].some((d) => d.userCode === userCode)) userCode = newUserCode();
  const now = ctx.clock.now();
  const auth: DeviceAuthorization = {
    deviceCode: newDeviceCode(),
    userCode,
    clientId: reg.clientId,
    startUrl,
    createdAt: now,
    expiresAt: now + ctx.knobs.deviceCodeTtlSeconds * 1000,
    interval: ctx.knobs.devicePollIntervalSeconds,
    status: "pending",
  };
  state.deviceAuthorizations.set(auth.deviceCode, auth);
  // IAM Identity Center sends users to its own host (device.sso.<region>.amazonaws.com/), not the OIDC endpoint.
  const verificationUri = `${ctx.endpoint("device")}/`;
  return {
    deviceCode: auth.deviceCode,
    userCode,
    verificationUri,
    verificationUriComplete: `${verificationUri}?user_code=${userCode}`,
    expiresIn: ctx.knobs.deviceCodeTtlSeconds,
    interval: auth.interval,
  };
}

export function deviceCodeGrant(ctx: EmulatorContext, reg: Registration, body: Body): IssuedTokens {
  const deviceCode = requireString(body, "deviceCode");
  const state = ssoState(ctx);
  const auth = state.deviceAuthorizations.get(deviceCode);
  if (!auth || auth.clientId !== reg.clientId || auth.status === "consumed") {
    throw new OidcError("InvalidGrantException", "Invalid grant provided");
  }
  const now = ctx.clock.now();
  if (now >= auth.expiresAt) throw new OidcError("ExpiredTokenException", "Device code has expired");
  if (auth.status === "denied") throw new OidcError("AccessDeniedException", "Access denied by the user");
  if (auth.status === "pending") {
    const tooFast = auth.lastPollAt !== undefined && now - auth.lastPollAt < auth.interval * 1000 - POLL_TOLERANCE_MS;
    auth.lastPollAt = now;
    if (tooFast) {
      auth.interval += 5;
      throw new OidcError("SlowDownException", "Client is polling too fast");
    }
    if (!ctx.knobs.autoApprove) throw new OidcError("AuthorizationPendingException", "Authorization is still pending");
    approveDevice(ctx, auth);
  }
  auth.status = "consumed";
  return state.issueTokens(state.logins.get(auth.loginId!)!);
}

/** The user clicked Allow on the device page (or a test approved it). */
export function approveDevice(ctx: EmulatorContext, auth: DeviceAuthorization): void {
  auth.status = "approved";
  auth.loginId = ssoState(ctx).startLogin(auth.clientId).id;
}
