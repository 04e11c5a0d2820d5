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
    const request = {
      AgentVersion: this.ctx.knobs.agentVersion,
      RequestedClientActions: [
        {
          ActionType: "SessionType",
          ActionParameters: { SessionType: "Port", Properties: { ...this.session.ssm.properties } },
        },
      ],
    };
    this.sentAt = Date.now();
    this.session.log("handshake-request", { agentVersion: request.AgentVersion });
    this.outbound.sendStream(PayloadType.HandshakeRequest, Buffer.from(JSON.stringify(request)));
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
    let response: { ClientVersion?: string; ProcessedClientActions?: { ActionType?: string; ActionStatus?: number }[] };
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
    // The ack must precede HandshakeComplete (§14 step 3) unless the test asks for the order that breaks the official client.
    if (this.ctx.knobs.reversedHandshakeOrder) {
      complete();
      this.outbound.sendAck(m);
    } else {
      this.outbound.sendAck(m);
      complete();
    }
    const failed = (response.ProcessedClientActions ?? []).find((a) => a.ActionStatus !== 1);
    if (failed) {
      session.log("handshake-failed", { action: failed.ActionType, status: failed.ActionStatus });
      session.end(
        "client failed a handshake action",
        `Handshake failed: action ${failed.ActionType} was not processed.`,
      );
      return;
    }
    const choice = chooseMode(this.ctx.knobs.agentVersion, session.clientVersion, session.ssm.properties.type);
    session.keepAlive = choice.keepAlive;
    session.log("handshake-complete", {
      clientVersion: session.clientVersion,
      mode: choice.mode,
      keepAlive: choice.keepAlive,
    });
    if (choice.mode === "mux") {
      const mux = new MuxPlugin(session);
      session.plugin = mux;
      if (choice.keepAlive) this.startKeepAlive(mux);
    } else {
      session.plugin = new BasicPlugin(session);
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
