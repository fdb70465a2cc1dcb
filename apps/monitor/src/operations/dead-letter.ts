import { createHash } from 'node:crypto';
import { Contracts, TOPICS, UUID_PATTERN } from '@vir/contracts';
import type { KafkaRecord } from '@vir/messaging';

// Dead letters as the monitor keeps and resends them (pure): what a dead-letter record says, and
// where and under which key its original value goes back.

export interface DeadLetterRow {
  /** The dead-letter record's own position (idempotent ingestion). */
  position: string;
  /** `topic:partition:offset` of the original record. */
  sourceKey: string | null;
  sourceTopic: string;
  consumerGroup: string;
  code: string;
  reason: string;
  at: string;
  value: Buffer;
  messageId: string | null;
  partyOin: string | null;
}

const OIN = /^\d{20}$/;

/** The fields of an original value that name its message and party, when it is a JSON object. */
export function describeValue(value: Buffer): { json?: Record<string, unknown>; messageId: string | null; partyOin: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { messageId: null, partyOin: null };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { messageId: null, partyOin: null };
  const o = json as Record<string, unknown>;
  const messageId = typeof o.messageId === 'string' && UUID_PATTERN.test(o.messageId) ? o.messageId.toLowerCase() : null;
  const party = [o.senderOin, o.recipientOin, o.partyOin].find((p) => typeof p === 'string' && OIN.test(p));
  return { json: o, messageId, partyOin: (party as string | undefined) ?? null };
}

/** A dead-letter record as a row; undefined when the record itself violates its contract. */
export function parseDeadLetter(record: KafkaRecord): DeadLetterRow | undefined {
  let dl: ReturnType<typeof Contracts.deadLetter.parse>;
  try {
    dl = Contracts.deadLetter.parse(record.value);
  } catch {
    return undefined;
  }
  const value = Buffer.from(dl.valueBase64, 'base64');
  const { messageId, partyOin } = describeValue(value);
  return {
    position: `${record.partition}:${record.offset}`,
    sourceKey: record.key,
    sourceTopic: dl.sourceTopic,
    consumerGroup: dl.consumerGroup,
    code: dl.code,
    reason: dl.reason,
    at: dl.at,
    value,
    messageId,
    partyOin,
  };
}

export type ResendTarget = { topic: string; key: string } | { refusal: string };

/**
 * Where a dead letter goes back: its source topic (one of ours, never the
 * dead-letter topic itself), keyed as its producer keys it (inbound and flow events by message id,
 * outbound by recipient OIN: the order per party depends on it).
 */
export function resendTarget(sourceTopic: string, topicPrefix: string, value: Buffer): ResendTarget {
  // The transport records the unprefixed name; a prefixed one (older records) is understood too.
  const topic = topicPrefix && sourceTopic.startsWith(topicPrefix) ? sourceTopic.slice(topicPrefix.length) : sourceTopic;
  const { json, messageId } = describeValue(value);
  if (topic === TOPICS.inbound.name || topic === TOPICS.flowEvents.name) {
    return messageId ? { topic, key: messageId } : { refusal: `the original value names no messageId, so it cannot be keyed for ${topic}` };
  }
  if (topic === TOPICS.outbound.name) {
    const oin = json?.recipientOin;
    return typeof oin === 'string' && OIN.test(oin) ? { topic, key: oin } : { refusal: `the original value names no recipientOin, so it cannot be keyed for ${topic}` };
  }
  return { refusal: `${sourceTopic} is not a topic a dead letter can go back to` };
}

/** A stable message id for the flow event of a resend whose value names none. */
export function positionMessageId(position: string): string {
  const h = createHash('sha256').update(`dead-letter:${position}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
