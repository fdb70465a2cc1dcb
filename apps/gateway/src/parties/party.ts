import { X509Certificate } from 'node:crypto';
import type { Signer } from '@vir/xml';

export type PartyKind = 'regional' | 'direct';
export type PartyStatus = 'active' | 'suspended';
export type DeliveryFormat = 'json' | 'xml';

/** A party as persisted and audited: everything the gateway knows about it, no key material. */
export interface PartyRecord {
  oin: string;
  name: string;
  /** A regional index (a tenant, signed for by the gateway) or a direct party (signs its own XML). */
  kind: PartyKind;
  /** Its covenant area (the RvdK: 66). */
  convenant: string;
  /** SHA-256 fingerprints (`AB:CD:…`) of its client certificates: one, two during a rollover. */
  certificates: string[];
  /** Push delivery; null: none. */
  webhookUrl: string | null;
  /** Pull delivery (the party fetches its signals). */
  pull: boolean;
  deliveryFormat: DeliveryFormat;
  /**
   * Signals per push request: 1 (one per request), or up to MAX_PUSH_BATCH together in one JSON
   * request, in production order, delivered all or none (JSON delivery only).
   */
  pushBatchSize: number;
  /** The tenant matches within its own area itself: it gets cross-area signals only. */
  localMatching: boolean;
  /** Requests per second at the party port; null: unlimited. */
  rateLimitPerSecond: number | null;
  status: PartyStatus;
  /** Why it was suspended (operators' note). */
  statusReason: string | null;
  /** Regional tenants: the key and certificate files the gateway signs their messages with. */
  signingKeyFile: string | null;
  signingCertFile: string | null;
}

/** A party at run time: its record and, for a regional tenant, the signer made from its key. */
export interface Party extends PartyRecord {
  signer?: Signer;
}

export const MAX_CERTIFICATES = 2;
export const MAX_PUSH_BATCH = 100;

/** Signed XML signals are separate documents: batches exist only in the JSON form. */
export function pushBatchProblem(p: Pick<PartyRecord, 'pushBatchSize' | 'deliveryFormat'>): string | undefined {
  return p.pushBatchSize > 1 && p.deliveryFormat !== 'json' ? 'pushBatchSize above 1 needs deliveryFormat json' : undefined;
}
export const FINGERPRINT_PATTERN = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

/** `ab:cd…`, `ABCD…` or `AB:CD…` → `AB:CD:…` (node's fingerprint256 form); undefined if it is not a SHA-256 fingerprint. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/** The SHA-256 fingerprint of a PEM certificate, as the trust store reports it. */
export function fingerprintOf(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256;
}
