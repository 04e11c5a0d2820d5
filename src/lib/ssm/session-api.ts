// Thin wrappers over the SSM API for port-forwarding sessions (ssm-protocol.md §3, §11, §12, §13).
// Errors keep the AWS error name but get a message a person can act on; tokens never appear in them.
import {
  ResumeSessionCommand,
  StartSessionCommand,
  TerminateSessionCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";

export const PORT_FORWARDING_DOCUMENT = "AWS-StartPortForwardingSession";
export const REMOTE_HOST_DOCUMENT = "AWS-StartPortForwardingSessionToRemoteHost";
export const SESSION_RIGHTS = ["ssm:StartSession", "ssm:TerminateSession", "ssm:ResumeSession"] as const;

export interface StartPortForwardingInput {
  /** Instance ID (or managed node ID) that forwards the traffic. */
  target: string;
  /** Port on the instance, or on `host` when given. */
  portNumber: number;
  /** Remote host reached through the instance (RDS, ElastiCache, …): selects the ToRemoteHost document. */
  host?: string;
  /** Goes into the handshake Properties; the worker binds its own listener, so it is informational. */
  localPortNumber?: number;
  reason?: string;
  /** Role name, for a clearer AccessDenied message. */
  roleName?: string;
}

export interface StartedSessionCredentials {
  sessionId: string;
  streamUrl: string;
  tokenValue: string;
}

/** An SSM API failure with an actionable message; `name` is the AWS error name. */
export class SessionApiError extends Error {
  /** True when retrying cannot help (e.g. missing rights): reconnect loops stop at once. */
  readonly permanent: boolean;

  constructor(name: string, message: string, permanent: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
    this.permanent = permanent;
  }
}

export function startSessionRequest(input: StartPortForwardingInput) {
  const parameters: Record<string, string[]> = { portNumber: [String(input.portNumber)] };
  if (input.localPortNumber !== undefined) parameters.localPortNumber = [String(input.localPortNumber)];
  if (input.host) parameters.host = [input.host];
  return {
    Target: input.target,
    DocumentName: input.host ? REMOTE_HOST_DOCUMENT : PORT_FORWARDING_DOCUMENT,
    Parameters: parameters,
    ...(input.reason ? { Reason: input.reason } : {}),
  };
}

/** Lets a caller give up on a call under way (the SDK rejects with an AbortError). */
export interface CallOptions {
  abortSignal?: AbortSignal;
}

export async function startPortForwardingSession(
  client: SSMClient,
  input: StartPortForwardingInput,
  options: CallOptions = {},
): Promise<StartedSessionCredentials> {
  const request = startSessionRequest(input);
  try {
    const out = await client.send(new StartSessionCommand(request), options);
    if (!out.SessionId || !out.StreamUrl || !out.TokenValue) {
      throw new SessionApiError("InvalidResponse", "StartSession returned no session, stream URL or token", false);
    }
    return { sessionId: out.SessionId, streamUrl: out.StreamUrl, tokenValue: out.TokenValue };
  } catch (err) {
    throw explainStartSessionError(err, input, request.DocumentName);
  }
}

/** ResumeSession: the new TokenValue, or undefined when the session no longer exists (§12). */
export async function resumeSession(
  client: SSMClient,
  sessionId: string,
  options: CallOptions = {},
): Promise<string | undefined> {
  try {
    const out = await client.send(new ResumeSessionCommand({ SessionId: sessionId }), options);
    return out.TokenValue || undefined;
  } catch (err) {
    const name = errorName(err);
    if (name === "DoesNotExistException") return undefined;
    if (name === "AccessDeniedException") {
      throw new SessionApiError(name, `ResumeSession was denied: the role needs ${SESSION_RIGHTS[2]}`, true, {
        cause: err,
      });
    }
    throw err;
  }
}

/** TerminateSession; idempotent, and a session that is already gone is not an error. */
export async function terminateSession(client: SSMClient, sessionId: string): Promise<void> {
  try {
    await client.send(new TerminateSessionCommand({ SessionId: sessionId }));
  } catch (err) {
    if (errorName(err) === "DoesNotExistException") return;
    throw err;
  }
}

export function explainStartSessionError(err: unknown, input: StartPortForwardingInput, document: string): Error {
  if (err instanceof SessionApiError) return err;
  const name = errorName(err);
  const aws = awsMessage(err);
  const role = input.roleName ? `The role ${input.roleName}` : "The profile's role";
  if (name === "AccessDeniedException") {
    return new SessionApiError(
      name,
      `${role} may not open a Session Manager session to ${input.target}: it needs ${SESSION_RIGHTS.join(", ")} ` +
        `on the instance and on the document ${document}.${aws ? ` AWS said: ${aws}` : ""}`,
      true,
      { cause: err },
    );
  }
  if (name === "TargetNotConnected") {
    return new SessionApiError(
      name,
      `${input.target} is not connected to Session Manager: check that the instance is running, its SSM agent is ` +
        `online and it can reach the ssmmessages endpoint (internet or VPC endpoints).${aws ? ` AWS said: ${aws}` : ""}`,
      false,
      { cause: err },
    );
  }
  if (name === "InvalidDocument" || name === "InvalidParameters" || name === "ValidationException") {
    return new SessionApiError(name, `StartSession rejected the request (${name})${aws ? `: ${aws}` : ""}`, true, {
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

function errorName(err: unknown): string {
  return err && typeof err === "object" && "name" in err ? String((err as { name: unknown }).name) : "";
}

function awsMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : "";
  return m.replace(/\s+/g, " ").trim().slice(0, 300);
}
