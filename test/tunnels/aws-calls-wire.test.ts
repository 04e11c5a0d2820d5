// Errors cross from the AWS helper process to the worker and mean the same there: the worker's failure handling
// (classifyFailure, memberVerdict, classifySsoError) sees what it would have seen in-process.
import { SessionApiError } from "../../src/lib/ssm/session-api";
import { classifySsoError, SsoError } from "../../src/lib/sso/errors";
import { fromWire, toWire } from "../../src/lib/tunnels/worker/aws-calls/wire";
import { classifyFailure, memberVerdict } from "../../src/lib/tunnels/worker/errors";
import { AuthRequiredError, TunnelConfigError } from "../../src/lib/tunnels/worker/tunnel-auth";

function sdkError(name: string, status: number, message: string, fault: "client" | "server" = "client") {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: fault });
}

const cases: [string, unknown][] = [
  ["SsoError auth-required", new SsoError("auth-required", "Your SSO session is no longer valid.", { code: "X" })],
  ["SsoError permission", new SsoError("permission", "Access denied by IAM Identity Center (403).")],
  ["AuthRequiredError", new AuthRequiredError("not signed in")],
  ["TunnelConfigError", new TunnelConfigError('profile "x" is not in ~/.aws/config')],
  ["SessionApiError permanent", new SessionApiError("AccessDeniedException", "needs ssm:StartSession", true)],
  ["SessionApiError transient", new SessionApiError("TargetNotConnected", "i-1 is not connected", false)],
  ["SDK throttling", sdkError("ThrottlingException", 400, "Rate exceeded")],
  ["SDK invalid grant", sdkError("InvalidGrantException", 400, "Invalid grant provided")],
  ["SDK server error", sdkError("InternalServerException", 500, "boom", "server")],
  ["network", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })],
  ["network in cause", Object.assign(new Error("socket hang up"), { cause: { code: "ECONNRESET" } })],
];

describe("AWS helper wire errors", () => {
  it.each(cases)("%s is classified the same after the trip", (_label, err) => {
    const back = fromWire(JSON.parse(JSON.stringify(toWire(err))));
    expect(classifyFailure(back)).toEqual(classifyFailure(err));
    expect(memberVerdict(back)).toEqual(memberVerdict(err));
    const sso = (e: unknown) => {
      const c = classifySsoError(e);
      return { kind: c.kind, code: c.code, message: c.message };
    };
    expect(sso(back)).toEqual(sso(err));
  });

  it("keeps the AWS name and the message, and never invents a secret", () => {
    const w = toWire(sdkError("ThrottlingException", 400, "Rate exceeded"));
    expect(w).toEqual({
      cls: "Error",
      name: "ThrottlingException",
      message: "Rate exceeded",
      status: 400,
      fault: "client",
    });
  });
});
