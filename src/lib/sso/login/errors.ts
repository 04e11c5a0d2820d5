// The login failures a user can act on, each with its own message (quoted in the README's troubleshooting section).
import type { SsoSessionGroup } from "../../aws";
import { classifySsoError, SsoError } from "../errors";

type Where = Pick<SsoSessionGroup, "startUrl" | "ssoRegion" | "sessionName">;

function sessionSection(g: Where): string {
  return g.sessionName ? `[sso-session ${g.sessionName}]` : "the profile";
}

/** Network failure talking to OIDC: wrong region, VPN, offline. */
export function unreachable(g: Where, err: SsoError, endpoint: string): SsoError {
  return new SsoError(
    "transient",
    `Cannot reach IAM Identity Center at ${endpoint} (${err.code}). Check your network or VPN, and that ` +
      `sso_region = ${g.ssoRegion} is the region of ${g.startUrl}.`,
    { code: err.code, cause: err },
  );
}

export function registrationRejected(g: Where, err: SsoError): SsoError {
  return new SsoError(
    "config",
    `IAM Identity Center rejected StormTunnel's client registration for ${g.startUrl} (${err.code ?? "error"}). ` +
      `Check sso_start_url, sso_region and sso_registration_scopes in ${sessionSection(g)}.`,
    { code: err.code, cause: err },
  );
}

/** Even a client registered moments ago was refused: the cause is not a stale cache. */
export function clientRefused(g: Where, err: SsoError): SsoError {
  return new SsoError(
    "config",
    `IAM Identity Center refused StormTunnel's client registration for ${g.startUrl} (InvalidClientException), ` +
      `even one made just now. Check that sso_region = ${g.ssoRegion} is the region of that start URL in ` +
      `${sessionSection(g)}, and that your network does not rewrite requests to IAM Identity Center.`,
    { code: err.code ?? "InvalidClientException", cause: err },
  );
}

export function startUrlRejected(g: Where, err: SsoError): SsoError {
  return new SsoError(
    "config",
    `IAM Identity Center in ${g.ssoRegion} does not accept the start URL ${g.startUrl} (${err.code ?? "error"}). ` +
      `Check sso_start_url and sso_region in ${sessionSection(g)}.`,
    { code: err.code, cause: err },
  );
}

export function accessDenied(): SsoError {
  return new SsoError(
    "auth-required",
    "Sign-in was denied in the browser. Start the login again and choose Allow; if you did, ask your " +
      "administrator whether your user may sign in to this AWS access portal.",
    { code: "access_denied" },
  );
}

export function loginExpired(minutes: number, code = "ExpiredTokenException"): SsoError {
  return new SsoError(
    "auth-required",
    `The sign-in request expired before it was approved. Start the login again and approve it within ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
    { code },
  );
}

export function missingCode(error?: string): SsoError {
  return new SsoError(
    "auth-required",
    `The browser returned without an authorization code${error ? ` (${error})` : ""}. Start the login again.`,
    { code: error ?? "MissingCode" },
  );
}

export function cancelled(): SsoError {
  return new SsoError("cancelled", "Login cancelled.", { code: "Cancelled" });
}

/** A failed OIDC call during login, with the region/start URL hints that make it actionable. */
export function loginCallFailed(g: Where, err: unknown, endpoint: string): SsoError {
  const e = classifySsoError(err);
  if (e.kind === "cancelled") return cancelled();
  if (e.kind === "transient" && e.code && /^E[A-Z]+|^UND_ERR/.test(e.code)) return unreachable(g, e, endpoint);
  return e;
}
