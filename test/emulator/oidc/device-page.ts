// The device verification page (its own host, like device.sso.<region>.amazonaws.com): GET /[?user_code=…] to enter
// or confirm a code, POST / to decide.
import type { EmulatorContext } from "../context";
import type { EmulatorRequest, EmulatorResponse } from "../http";
import { approveDevice } from "./device";
import { normalizeUserCode } from "./ids";
import { deviceConfirmPage, deviceEntryPage, messagePage } from "./pages";
import { ssoState, type DeviceAuthorization } from "./state";

function html(status: number, body: string, logged: unknown): EmulatorResponse {
  return {
    service: "sso-oidc",
    operation: "DeviceVerification",
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
    body,
    logged,
  };
}

export function findByUserCode(ctx: EmulatorContext, input: string): DeviceAuthorization | undefined {
  const userCode = normalizeUserCode(input);
  for (const d of ssoState(ctx).deviceAuthorizations.values()) if (d.userCode === userCode) return d;
  return undefined;
}

/** Why a code can no longer be decided, if it cannot. */
function closedReason(ctx: EmulatorContext, auth: DeviceAuthorization): string | undefined {
  if (ctx.clock.now() >= auth.expiresAt) return "This code has expired. Start the sign-in again.";
  if (auth.status !== "pending") return `This request was already ${auth.status === "denied" ? "denied" : "approved"}.`;
  return undefined;
}

export function getDevicePage(ctx: EmulatorContext, req: EmulatorRequest): EmulatorResponse {
  const logged = Object.fromEntries(req.query);
  const input = req.query.get("user_code");
  if (!input) return html(200, deviceEntryPage(), logged);
  const auth = findByUserCode(ctx, input);
  if (!auth) return html(400, deviceEntryPage("Invalid code. Check it and try again."), logged);
  const closed = closedReason(ctx, auth);
  if (closed) return html(400, messagePage("Authorize request", closed), logged);
  const reg = ssoState(ctx).registrations.get(auth.clientId);
  return html(200, deviceConfirmPage(auth.userCode, reg?.clientName ?? auth.clientId), logged);
}

export function postDevicePage(ctx: EmulatorContext, req: EmulatorRequest): EmulatorResponse {
  const form = new URLSearchParams(req.body.toString("utf8"));
  const logged = Object.fromEntries(form);
  const auth = findByUserCode(ctx, form.get("user_code") ?? "");
  if (!auth) return html(400, deviceEntryPage("Invalid code. Check it and try again."), logged);
  const closed = closedReason(ctx, auth);
  if (closed) return html(400, messagePage("Authorize request", closed), logged);
  const allow = form.get("decision") === "allow";
  decideDevice(ctx, auth, allow);
  return allow
    ? html(200, messagePage("Request approved", "You can close this window and return to the application."), logged)
    : html(200, messagePage("Request denied", "The application was not given access."), logged);
}

export function decideDevice(ctx: EmulatorContext, auth: DeviceAuthorization, allow: boolean): void {
  if (allow) approveDevice(ctx, auth);
  else auth.status = "denied";
}
