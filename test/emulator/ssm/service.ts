// SSM (AWS JSON 1.1, X-Amz-Target: AmazonSSM.*): the session API and DescribeInstanceInformation.
import { randomBytes, randomUUID } from "node:crypto";
import type { EmulatedService, EmulatorContext } from "../context";
import { jsonRpcUnknownOperation } from "../endpoints";
import type { EmulatorRequest, EmulatorResponse } from "../http";
import { authenticate, type AuthFailure } from "./auth";
import { inRegion } from "../directory";
import { describeInstanceInformation } from "./instance-information";
import { assumedRoleArn, roleAllowsStartSession, sessionName } from "./identity";
import {
  newSessionId,
  newToken,
  PORT_DOCUMENTS,
  SessionRegistry,
  type PortDocument,
  type SsmSession,
} from "./sessions";

const SERVICE = "ssm";
const TARGET_PREFIX = "AmazonSSM.";

export interface SsmControls {
  /** Every session StartSession created, by id. */
  sessions: Map<string, SsmSession>;
  registry: SessionRegistry;
  /** ResumeSession answers without a token: all sessions (true) or the listed ids. */
  refuseResume: boolean | Set<string>;
  /** Ends a session as TerminateSession does (channel_closed with `output` to a connected client). */
  endSession(sessionId: string, reason?: string, output?: string): boolean;
}

export function createSsmService(ctx: EmulatorContext): EmulatedService & { controls: SsmControls } {
  const registry = new SessionRegistry();
  const controls: SsmControls = {
    sessions: registry.sessions,
    registry,
    refuseResume: false,
    endSession: (id, reason = "ended by test", output = "") => registry.end(id, reason, output),
  };

  const classify = (req: EmulatorRequest) => {
    const target = req.headers["x-amz-target"];
    if (req.method !== "POST" || typeof target !== "string" || !target.startsWith(TARGET_PREFIX)) return undefined;
    return { service: SERVICE, operation: target.slice(TARGET_PREFIX.length) };
  };

  function handle(req: EmulatorRequest): EmulatorResponse | undefined {
    const id = classify(req);
    if (!id) return undefined;
    const op = id.operation;
    let body: Record<string, unknown>;
    try {
      body = req.body.length ? (JSON.parse(req.body.toString("utf8")) as Record<string, unknown>) : {};
    } catch {
      return error(op, "SerializationException", "Start of structure or map found where not expected.", "message");
    }
    const auth = authenticate(ctx, req, SERVICE);
    if (!auth.ok) return withLog(authError(op, auth.failure, auth.message), body);
    const creds = auth.credentials;
    const answer = (): EmulatorResponse => {
      switch (op) {
        case "StartSession":
          return startSession(op, body, creds, auth.region);
        case "ResumeSession":
        case "TerminateSession": {
          // Roles without session rights lack ssm:ResumeSession / ssm:TerminateSession too.
          const denied = denySessionAction(op, body, creds, auth.region);
          if (denied) return denied;
          return op === "ResumeSession" ? resumeSession(op, body) : terminateSession(op, body);
        }
        case "DescribeInstanceInformation":
          return ok(op, describeInstanceInformation(ctx, body, auth.region));
        default:
          return { ...jsonRpcUnknownOperation(SERVICE, req), operation: op };
      }
    };
    return withLog(answer(), body);
  }

  function startSession(
    op: string,
    body: Record<string, unknown>,
    creds: Parameters<typeof assumedRoleArn>[0],
    region: string,
  ): EmulatorResponse {
    const target = typeof body.Target === "string" ? body.Target : "";
    const documentName = typeof body.DocumentName === "string" ? body.DocumentName : "SSM-SessionManagerRunShell";
    if (!target)
      return error(
        op,
        "ValidationException",
        "1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null",
      );
    if (!roleAllowsStartSession(ctx.directory, creds)) {
      const resource = `arn:aws:ec2:${region}:${creds.accountId}:instance/${target}`;
      return error(
        op,
        "AccessDeniedException",
        `User: ${assumedRoleArn(creds)} is not authorized to perform: ssm:StartSession on resource: ${resource} because no identity-based policy allows the ssm:StartSession action`,
      );
    }
    if (!(documentName in PORT_DOCUMENTS)) {
      return error(op, "InvalidDocument", `Document with name ${documentName} does not exist.`);
    }
    const params = parseParameters(body.Parameters);
    if (typeof params === "string") return error(op, "InvalidParameters", params);
    const doc = PORT_DOCUMENTS[documentName as PortDocument];
    const missing = doc.requires.find((k) => !params[k]?.[0]);
    if (missing) return error(op, "InvalidParameters", `Parameters [${missing}] are required but were not provided.`);
    // An instance of another region is not connected as far as this region's Session Manager knows.
    const instance = ctx.directory.instances.find((i) => i.instanceId === target && inRegion(i, region));
    if (!instance || !instance.online || instance.state !== "running") {
      return error(op, "TargetNotConnected", `${target} is not connected.`);
    }
    const sessionId = newSessionId(sessionName(creds));
    const token = newToken();
    const streamUrl = `${ctx.endpoint("ssmmessages").replace(/^http/, "ws")}/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=${randomBytes(24).toString("base64url")}`;
    const session: SsmSession = {
      sessionId,
      target,
      documentName: documentName as PortDocument,
      properties: {
        portNumber: params.portNumber?.[0] ?? "80",
        type: "LocalPortForwarding",
        localPortNumber: params.localPortNumber?.[0] ?? "0",
        ...(documentName === "AWS-StartPortForwardingSessionToRemoteHost" ? { host: params.host[0] } : {}),
      },
      tokens: [token],
      streamUrl,
      status: "Connected",
      startedAt: ctx.clock.now(),
      accountId: creds.accountId,
      roleName: creds.roleName,
    };
    registry.add(session);
    return ok(op, { SessionId: sessionId, TokenValue: token, StreamUrl: streamUrl });
  }

  function denySessionAction(
    op: string,
    body: Record<string, unknown>,
    creds: Parameters<typeof assumedRoleArn>[0],
    region: string,
  ): EmulatorResponse | undefined {
    if (roleAllowsStartSession(ctx.directory, creds)) return undefined;
    const resource = `arn:aws:ssm:${region}:${creds.accountId}:session/${String(body.SessionId ?? "")}`;
    return error(
      op,
      "AccessDeniedException",
      `User: ${assumedRoleArn(creds)} is not authorized to perform: ssm:${op} on resource: ${resource} because no identity-based policy allows the ssm:${op} action`,
    );
  }

  function resumeSession(op: string, body: Record<string, unknown>): EmulatorResponse {
    const sessionId = typeof body.SessionId === "string" ? body.SessionId : "";
    const session = registry.sessions.get(sessionId);
    if (!session) return error(op, "DoesNotExistException", `Session ${sessionId} does not exist.`);
    const refused =
      controls.refuseResume === true || (controls.refuseResume instanceof Set && controls.refuseResume.has(sessionId));
    // AWS answers a resume of an ended session without a token; the client treats that as "timed out".
    if (refused || session.status !== "Connected") return ok(op, { SessionId: sessionId });
    const token = newToken();
    session.tokens.push(token);
    return ok(op, { SessionId: sessionId, TokenValue: token, StreamUrl: session.streamUrl });
  }

  function terminateSession(op: string, body: Record<string, unknown>): EmulatorResponse {
    const sessionId = typeof body.SessionId === "string" ? body.SessionId : "";
    registry.end(sessionId, "TerminateSession", "");
    return ok(op, { SessionId: sessionId });
  }

  return { name: SERVICE, classify, handle, controls };
}

/** Parameters must be a map of string arrays, as the service model says. */
function parseParameters(v: unknown): Record<string, string[]> | string {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) return "Parameters must be a map of string lists.";
  const out: Record<string, string[]> = {};
  for (const [k, vals] of Object.entries(v as Record<string, unknown>)) {
    if (!Array.isArray(vals) || !vals.every((x) => typeof x === "string")) {
      return `Parameter ${k} must be a list of strings.`;
    }
    out[k] = vals as string[];
  }
  return out;
}

function withLog(res: EmulatorResponse, body: Record<string, unknown>): EmulatorResponse {
  return { ...res, logged: body };
}

function ok(operation: string, payload: unknown): EmulatorResponse {
  return {
    service: SERVICE,
    operation,
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() },
    body: JSON.stringify(payload),
  };
}

/** AWS JSON 1.1 errors: `__type` plus a message; the front end's auth errors spell it `message`. */
function error(
  operation: string,
  type: string,
  message: string,
  key: "Message" | "message" = "Message",
): EmulatorResponse {
  return {
    service: SERVICE,
    operation,
    status: 400,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-requestid": randomUUID(),
      "x-amzn-errortype": type,
    },
    body: JSON.stringify({ __type: type, [key]: message }),
  };
}

function authError(op: string, failure: AuthFailure, detail?: string): EmulatorResponse {
  switch (failure) {
    case "missing":
      return error(op, "MissingAuthenticationTokenException", "Missing Authentication Token", "message");
    case "unknown-key":
    case "bad-token":
      return error(
        op,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        "message",
      );
    case "expired":
      return error(op, "ExpiredTokenException", "The security token included in the request is expired", "message");
    case "signature":
      return error(
        op,
        "InvalidSignatureException",
        detail ??
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        "message",
      );
  }
}
