// Opening frame and handshake payloads (ssm-protocol.md §5, §8).
import { CLIENT_VERSION } from "../versions";

export interface OpenDataChannelInput {
  MessageSchemaVersion: "1.0";
  RequestId: string;
  TokenValue: string;
  ClientId: string;
  ClientVersion: string;
}

/** The first TEXT frame of every (re)open; field order as the official client emits it. */
export function openDataChannelInput(requestId: string, tokenValue: string, clientId: string): string {
  const input: OpenDataChannelInput = {
    MessageSchemaVersion: "1.0",
    RequestId: requestId,
    TokenValue: tokenValue,
    ClientId: clientId,
    ClientVersion: CLIENT_VERSION,
  };
  return JSON.stringify(input);
}

export interface HandshakeInfo {
  agentVersion: string;
  sessionType: string;
  /** The session document's properties, e.g. portNumber, localPortNumber, type, host. */
  properties: Record<string, string>;
}

interface RequestedAction {
  ActionType?: string;
  ActionParameters?: { SessionType?: string; Properties?: Record<string, unknown> };
}

interface ProcessedAction {
  ActionType: string;
  ActionStatus: 1 | 2 | 3;
  ActionResult: null;
  Error: string;
}

export interface HandshakeOutcome {
  info: HandshakeInfo;
  /** JSON for the HandshakeResponse payload (§8.2). */
  response: string;
  /** Errors we reported; the agent cancels the session when any action failed. */
  errors: string[];
  /** Why this session cannot forward ports (unreadable request, no or another session type, declined actions). */
  problem?: string;
}

/** Answers a HandshakeRequest. Only Port sessions are accepted; KMS and unknown actions are declined. */
export function answerHandshake(payload: Buffer): HandshakeOutcome {
  let request: { AgentVersion?: unknown; RequestedClientActions?: RequestedAction[] } = {};
  let unreadable = false;
  try {
    const parsed: unknown = JSON.parse(payload.toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) request = parsed;
    else unreadable = true;
  } catch {
    unreadable = true;
  }
  if (unreadable) {
    const error = "the HandshakeRequest is not a JSON object";
    const response = JSON.stringify({ ClientVersion: CLIENT_VERSION, ProcessedClientActions: [], Errors: [error] });
    return {
      info: { agentVersion: "", sessionType: "", properties: {} },
      response,
      errors: [error],
      problem: "the SSM agent's handshake could not be read (it is not JSON)",
    };
  }
  const info: HandshakeInfo = {
    agentVersion: typeof request.AgentVersion === "string" ? request.AgentVersion : "",
    sessionType: "",
    properties: {},
  };
  const processed: ProcessedAction[] = [];
  const errors: string[] = [];
  for (const action of Array.isArray(request.RequestedClientActions) ? request.RequestedClientActions : []) {
    const type = String(action?.ActionType ?? "");
    if (type === "SessionType") {
      const sessionType = String(action.ActionParameters?.SessionType ?? "");
      info.sessionType = sessionType;
      info.properties = stringProperties(action.ActionParameters?.Properties);
      const ok = sessionType === "Port";
      const error = ok ? "" : `session type ${sessionType} is not supported by a port-forwarding client`;
      processed.push({ ActionType: type, ActionStatus: ok ? 1 : 2, ActionResult: null, Error: error });
      if (!ok) errors.push(error);
    } else {
      const error = `action ${type} is not supported`;
      processed.push({ ActionType: type, ActionStatus: 3, ActionResult: null, Error: error });
      errors.push(error);
    }
  }
  if (!info.sessionType) errors.push("the HandshakeRequest has no SessionType action");
  const response = JSON.stringify({
    ClientVersion: CLIENT_VERSION,
    ProcessedClientActions: processed,
    Errors: errors.length ? errors : null,
  });
  return { info, response, errors, problem: handshakeProblem(info, errors) };
}

function handshakeProblem(info: HandshakeInfo, errors: string[]): string | undefined {
  if (!info.sessionType) return "the SSM agent's handshake names no session type";
  if (info.sessionType !== "Port") {
    return `the SSM agent offered a ${info.sessionType} session, not port forwarding (check the session document)`;
  }
  if (errors.length) return `the SSM agent asked for what a port-forwarding client cannot do: ${errors.join("; ")}`;
  return undefined;
}

function stringProperties(props: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (props && typeof props === "object") {
    for (const [k, v] of Object.entries(props)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

export interface HandshakeComplete {
  handshakeTimeToCompleteNs: number;
  customerMessage: string;
}

export function parseHandshakeComplete(payload: Buffer): HandshakeComplete {
  try {
    const v = JSON.parse(payload.toString("utf8")) as { HandshakeTimeToComplete?: number; CustomerMessage?: string };
    return {
      handshakeTimeToCompleteNs: Number(v.HandshakeTimeToComplete ?? 0),
      customerMessage: v.CustomerMessage ?? "",
    };
  } catch {
    return { handshakeTimeToCompleteNs: 0, customerMessage: "" };
  }
}

/** The Output text of a channel_closed message (§13.2); its CreatedDate is a string there. */
export function channelClosedOutput(payload: Buffer): string {
  try {
    const v = JSON.parse(payload.toString("utf8")) as { Output?: unknown };
    return typeof v.Output === "string" ? v.Output : "";
  } catch {
    return "";
  }
}
