// Per-session counters that DataChannelControls reports (README "Stats per session").

export interface SessionStats {
  /** input_stream_data frames received (duplicates included). */
  messagesIn: number;
  /** output_stream_data first transmissions. */
  messagesOut: number;
  retransmissions: number;
  /** input_stream_data frames whose sequence number had already arrived: the client's retransmissions. */
  clientRetransmits: number;
  duplicatesReacked: number;
  outOfOrderBuffered: number;
  acksSent: number;
  acksReceived: number;
  acksWithheld: number;
  /** Output payload bytes delivered to the plugin / sent to the client. */
  bytesIn: number;
  bytesOut: number;
  /** Largest Output payload sent (the agent's limit is 1024). */
  largestOutput: number;
  /** Pacing sleeps taken after sending a message, and the time they took (ms, each at least 1). */
  pacingSleeps: number;
  pacedMs: number;
  faultsApplied: number;
  rejectedFrames: number;
  /** Acks the client sent for floodOutOfOrder() messages (it should hold only a bounded number of them). */
  floodAcked: number;
}

export function newSessionStats(): SessionStats {
  return {
    messagesIn: 0,
    messagesOut: 0,
    retransmissions: 0,
    clientRetransmits: 0,
    duplicatesReacked: 0,
    outOfOrderBuffered: 0,
    acksSent: 0,
    acksReceived: 0,
    acksWithheld: 0,
    bytesIn: 0,
    bytesOut: 0,
    largestOutput: 0,
    pacingSleeps: 0,
    pacedMs: 0,
    faultsApplied: 0,
    rejectedFrames: 0,
    floodAcked: 0,
  };
}
