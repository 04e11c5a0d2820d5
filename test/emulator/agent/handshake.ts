// The agent's half of the handshake (ssm-protocol.md §8, §14 steps 2–3): HandshakeRequest, then on the client's
// HandshakeResponse the ack and HandshakeComplete, the mode choice (§10.1) and, for mux, the keepalive.
import { PayloadType, type ClientMessage } from "../../../src/lib/ssm/message";
import type { EmulatorContext } from "../context";
import type { SsmSession } from "../ssm/sessions";
import { BasicPlugin } from "./basic";
import { MuxPlugin } from "./mux";
import type { Outbound } from "./outbound";
import type { PluginHost, PortPlugin } from "./plugin";
import type { SharedState } from "./shared";
import type { SessionTimers } from "./timers";
import { chooseMode } from "./versions";

/** reversedHandshakeOrder: how long after HandshakeComplete the ack follows (a separate read for the client). */
const REVERSED_ACK_DELAY_MS = 20;
/** behaviour.closeAfterHandshakeMs: what the channel_closed says (a port plugin that failed right after starting). */
export const CLOSED_AFTER_HANDSHAKE_OUTPUT = "The port plugin stopped.";

/** The session as the handshake sees it: the plugins' host, and where the outcome is recorded. */
export interface HandshakeSession extends PluginHost {
  readonly ssm: SsmSession;
  readonly ended: boolean;
  clientVersion?: string;
  keepAlive: boolean;
  plugin?: PortPlugin;
}

export class Handshake {
  private sentAt = 0;

  constructor(
    private readonly session: HandshakeSession,
    private readonly ctx: EmulatorContext,
    private readonly shared: SharedState,
    private readonly outbound: Outbound,
    private readonly timers: SessionTimers,
  ) {}

  start(): void {
    const { handshake } = this.shared.behaviour;
    const request = {
      AgentVersion: this.ctx.knobs.agentVersion,
      RequestedClientActions: [
        handshake === "wrong-session-type"
          ? { ActionType: "SessionType", ActionParameters: { SessionType: "Standard_Stream", Properties: {} } }
          : {
              ActionType: "SessionType",
              ActionParameters: { SessionType: "Port", Properties: { ...this.session.ssm.properties } },
            },
      ],
    };
    this.sentAt = Date.now();
    this.session.log("handshake-request", { agentVersion: request.AgentVersion, behaviour: handshake });
    if (handshake !== "none") {
      const payload = handshake === "not-json" ? "HandshakeRequest, but not JSON {" : JSON.stringify(request);
      this.outbound.sendStream(PayloadType.HandshakeRequest, Buffer.from(payload));
    }
    this.timers.after(this.shared.timing.handshakeTimeoutMs, () => {
      if (!this.session.plugin && !this.session.ended) {
        this.session.end(
          "handshake timeout",
          "Handshake timed out. Please ensure that you have the latest version of the session manager plugin.",
        );
      }
    });
  }

  onResponse(m: ClientMessage): void {
    const { session } = this;
    let response: {
      ClientVersion?: string;
      ProcessedClientActions?: { ActionType?: string; ActionStatus?: number; Error?: string }[];
    };
    try {
      response = JSON.parse(m.payload.toString("utf8"));
    } catch {
      response = {};
    }
    session.clientVersion = response.ClientVersion ?? "";
    const complete = () =>
      this.outbound.sendStream(
        PayloadType.HandshakeComplete,
        Buffer.from(JSON.stringify({ HandshakeTimeToComplete: (Date.now() - this.sentAt) * 1e6, CustomerMessage: "" })),
      );
    const failed = (response.ProcessedClientActions ?? []).find((a) => a.ActionStatus !== 1);
    if (failed) {
      // The agent acks the response, cancels the session and never sends HandshakeComplete.
      this.outbound.sendAck(m);
      session.log("handshake-failed", { action: failed.ActionType, status: failed.ActionStatus });
      session.end(
        "client failed a handshake action",
        `${failed.ActionType} failed on client with status ${failed.ActionStatus} error: ${failed.Error ?? ""}`,
      );
      return;
    }
    // The ack must precede HandshakeComplete (§14 step 3) unless the test asks for the order that breaks the official
    // client. Reversed, the two go out in separate writes a moment apart, so a client really handles them apart.
    if (this.ctx.knobs.reversedHandshakeOrder) {
      complete();
      this.outbound.flush();
      this.timers.after(REVERSED_ACK_DELAY_MS, () => !session.ended && this.outbound.sendAck(m));
    } else {
      this.outbound.sendAck(m);
      complete();
    }
    const choice = chooseMode(this.ctx.knobs.agentVersion, session.clientVersion, session.ssm.properties.type);
    session.keepAlive = choice.keepAlive;
    session.log("handshake-complete", {
      clientVersion: session.clientVersion,
      mode: choice.mode,
      keepAlive: choice.keepAlive,
    });
    const dest = session.destination();
    if (!dest.ok && dest.forbidden) {
      session.log("dial-failed", { destination: dest.label, reason: dest.reason });
      session.end("forbidden destination", dest.reason);
      return;
    }
    if (choice.mode === "mux") {
      const mux = new MuxPlugin(session);
      session.plugin = mux;
      if (choice.keepAlive) this.startKeepAlive(mux);
    } else {
      session.plugin = new BasicPlugin(session);
    }
    const closeAfter = this.shared.behaviour.closeAfterHandshakeMs;
    if (closeAfter !== undefined) {
      this.timers.after(closeAfter, () => session.end("closeAfterHandshakeMs", CLOSED_AFTER_HANDSHAKE_OUTPUT));
    }
  }

  /** NOP every interval; the session ends when a whole timeout passes without an inbound frame. */
  private startKeepAlive(mux: MuxPlugin): void {
    const { keepAliveIntervalMs, keepAliveTimeoutMs } = this.shared.timing;
    this.timers.every(keepAliveIntervalMs, () => mux.sendNop());
    this.timers.every(keepAliveTimeoutMs, () => {
      if (mux.framesSinceCheck === 0) {
        this.session.log("keepalive-timeout", { silentMs: Date.now() - mux.lastInboundFrame });
        this.session.end("smux keepalive timeout", "");
      }
      mux.framesSinceCheck = 0;
    });
  }
}
