// STS (query protocol, XML): AssumeRole for role-chained profiles and GetCallerIdentity, signed (SigV4, signing name
// `sts`) with credentials the emulator issued: portal role credentials or an earlier AssumeRole's.
import type { EmulatedService, EmulatorContext } from "../context";
import type { EmulatorRequest, EmulatorResponse } from "../http";
import { queryClassifier, queryParams } from "../query";
import { authenticate, type AuthFailure } from "../ssm/auth";
import { assumeRole, getCallerIdentity, type AssumeRoleRecord } from "./assume-role";
import { errorResponse, resultXml, SERVICE, StsError } from "./xml";

const VERSION = "2011-06-15";

export interface StsControls {
  /** Every AssumeRole that returned credentials, in order. */
  readonly assumed: AssumeRoleRecord[];
  /** AssumeRole requests, answered or refused. */
  readonly assumeRoleCalls: number;
}

export function createStsService(ctx: EmulatorContext): EmulatedService & { controls: StsControls } {
  const assumed: AssumeRoleRecord[] = [];
  let calls = 0;

  const classify = queryClassifier(SERVICE, VERSION);

  function handle(req: EmulatorRequest): EmulatorResponse | undefined {
    const p = queryParams(req, VERSION);
    if (!p) return undefined;
    const operation = p.get("Action")!;
    const logged = Object.fromEntries(p.entries());
    if (operation === "AssumeRole") calls += 1;
    try {
      const auth = authenticate(ctx, req, SERVICE);
      if (!auth.ok) throw authError(auth.failure, auth.message);
      if (operation === "AssumeRole") {
        const { xml, record } = assumeRole(ctx, p, auth.credentials, auth.region);
        assumed.push(record);
        return { ...resultXml(operation, xml), logged };
      }
      if (operation === "GetCallerIdentity")
        return { ...resultXml(operation, getCallerIdentity(auth.credentials)), logged };
      throw new StsError(400, "InvalidAction", `Could not find operation ${operation} for version ${VERSION}`);
    } catch (err) {
      if (!(err instanceof StsError)) throw err;
      return { ...errorResponse(operation, err), logged };
    }
  }

  const controls: StsControls = {
    assumed,
    get assumeRoleCalls() {
      return calls;
    },
  };
  return { name: SERVICE, classify, handle, controls };
}

function authError(failure: AuthFailure, detail?: string): StsError {
  switch (failure) {
    case "missing":
      return new StsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
    case "unknown-key":
    case "bad-token":
      return new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    case "expired":
      return new StsError(403, "ExpiredToken", "The security token included in the request is expired");
    case "signature":
      return new StsError(
        403,
        "SignatureDoesNotMatch",
        detail ??
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
  }
}
