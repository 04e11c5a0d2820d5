// Retransmission timeout (ssm-protocol.md §7.4, §7.5): Jacobson/Karels, on every matched ack.

export const INITIAL_RTO_MS = 200;
export const INITIAL_SRTT_MS = 100;
export const CLOCK_GRANULARITY_MS = 10;
export const MAX_RTO_MS = 1000;

export class RtoEstimator {
  srtt = INITIAL_SRTT_MS;
  rttvar = 0;
  rto = INITIAL_RTO_MS;

  /** `sampleMs` = now − the acked message's original send time (§7.5). */
  sample(sampleMs: number): void {
    const r = Math.max(0, sampleMs);
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
    this.srtt = 0.875 * this.srtt + 0.125 * r;
    this.rto = Math.min(MAX_RTO_MS, this.srtt + Math.max(CLOCK_GRANULARITY_MS, 4 * this.rttvar));
  }

  /** Wait before resend number `resends + 1`: RTO doubled per resend, capped at 1 s (§15 item 5). */
  backoff(resends: number): number {
    return Math.min(MAX_RTO_MS, this.rto * 2 ** Math.min(resends, 16));
  }
}
