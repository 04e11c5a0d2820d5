// SSO OIDC emulator: the REST-JSON API (RegisterClient, StartDeviceAuthorization, CreateToken) and the /authorize
// consent page, all on the OIDC endpoint as in AWS; plus the device verification page, which AWS serves from its
// own host (device.sso.<region>.amazonaws.com). Wire format per sso-tokens.md §8.
import type { EmulatedService, EmulatorContext } from "../context";
import { json, type EmulatorRequest, type EmulatorResponse } from "../http";
import { authorizeStatus, getAuthorize, postAuthorize } from "./authorize";
import { createOidcControls, type OidcControls } from "./controls";
import { startDeviceAuthorization } from "./device";
import { getDevicePage, postDevicePage } from "./device-page";
import { OidcError, oidcErrorResponse } from "./errors";
import { registerClient } from "./register";
import { createToken, grantKind } from "./token";
import { parseBody, type Body } from "./validate";

export type { OidcControls } from "./controls";

const SERVICE = "sso-oidc";

function classify(req: EmulatorRequest): { service: string; operation: string } | undefined {
  const op = (operation: string) => ({ service: SERVICE, operation });
  if (req.method === "POST" && req.path === "/client/register") return op("RegisterClient");
  if (req.method === "POST" && req.path === "/device_authorization") return op("StartDeviceAuthorization");
  // POST /token?aws_iam=t is CreateTokenWithIAM (SigV4), which the emulator does not offer.
  if (req.method === "POST" && req.path === "/token" && !req.query.has("aws_iam")) return op("CreateToken");
  if (req.path === "/authorize" || req.path === "/authorize/status") return op("Authorize");
  return undefined;
}

function classifyDevicePage(req: EmulatorRequest): { service: string; operation: string } | undefined {
  const form = req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded");
  const page = req.path === "/" && (req.method === "GET" || (req.method === "POST" && form));
  return page ? { service: SERVICE, operation: "DeviceVerification" } : undefined;
}

export function createOidcService(
  ctx: EmulatorContext,
): EmulatedService & { controls: OidcControls; devicePage: EmulatedService } {
  const controls = createOidcControls(ctx);

  function api(operation: string, body: Buffer, run: (b: Body) => Record<string, unknown>): EmulatorResponse {
    let parsed: Body = {};
    try {
      parsed = parseBody(body);
      if (operation === "CreateToken") controls.countCreateToken(grantKind(parsed.grantType));
      return { ...json(SERVICE, operation, 200, run(parsed)), logged: parsed };
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      return { ...oidcErrorResponse(operation, err), logged: parsed };
    }
  }

  async function handle(req: EmulatorRequest): Promise<EmulatorResponse | undefined> {
    const id = classify(req);
    if (!id) return undefined;
    if (ctx.knobs.oidcDelayMs > 0) await new Promise((r) => setTimeout(r, ctx.knobs.oidcDelayMs));
    switch (id.operation) {
      case "RegisterClient":
        return api(id.operation, req.body, (b) => registerClient(ctx, b));
      case "StartDeviceAuthorization":
        return api(id.operation, req.body, (b) => startDeviceAuthorization(ctx, b));
      case "CreateToken":
        return api(id.operation, req.body, (b) => createToken(ctx, b));
      default:
        if (req.path === "/authorize/status") return authorizeStatus(ctx, req);
        if (req.method === "POST") return postAuthorize(ctx, req);
        return getAuthorize(ctx, req, controls.recordAuthorize);
    }
  }

  async function handleDevicePage(req: EmulatorRequest): Promise<EmulatorResponse | undefined> {
    if (!classifyDevicePage(req)) return undefined;
    if (ctx.knobs.oidcDelayMs > 0) await new Promise((r) => setTimeout(r, ctx.knobs.oidcDelayMs));
    return req.method === "POST" ? postDevicePage(ctx, req) : getDevicePage(ctx, req);
  }

  const devicePage: EmulatedService = { name: SERVICE, handle: handleDevicePage, classify: classifyDevicePage };
  return { name: SERVICE, handle, classify, controls, devicePage };
}
