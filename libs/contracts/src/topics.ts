// Every Kafka topic the system uses, with its partition count. Names carry the contract
// version: a breaking change to a message gets a new topic, never a silent reinterpretation.
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Retention in ms; undefined = broker default. */
  retentionMs?: number;
  /** Keep only the latest record per key (cleanup.policy=compact). */
  compacted?: boolean;
}

export const TOPICS = {
  /** Party → index: signed national XML (meldingen), keyed by message id. */
  inbound: { name: 'vir.inbound.v1', partitions: 6 },
  /** Index → parties: signed matchsignalen, keyed by the recipient's OIN (ordering per party). */
  outbound: { name: 'vir.outbound.v1', partitions: 6 },
  /** Every step of every flow, keyed by message id; the monitor's raw material. */
  flowEvents: { name: 'vir.flow-events.v1', partitions: 3 },
  /**
   * Gateway → index: each party's settings the index needs (local matching), keyed by OIN, the
   * latest per party kept (compacted). One partition: one consumer sees every change in order.
   */
  partySettings: { name: 'vir.party-settings.v1', partitions: 1, compacted: true },
  /** Messages a consumer could not process at all, with the reason. */
  deadLetter: { name: 'vir.dead-letter.v1', partitions: 1 },
} as const satisfies Record<string, TopicSpec>;

export const ALL_TOPICS: TopicSpec[] = Object.values(TOPICS);

export const CONSUMER_GROUPS = {
  index: 'vir-index',
  gateway: 'vir-gateway-delivery',
  monitor: 'vir-monitor',
  /** The index's reader of party settings (its own group: the inbound group's offsets stay its own). */
  indexPartySettings: 'vir-index-party-settings',
} as const;
