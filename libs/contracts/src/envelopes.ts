import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ORGANISATIE_DOMEINEN } from './national-messages';
import { MessageContract } from './message-contract';
import { TOPICS } from './topics';

export const OIN_PATTERN = /^\d{20}$/;
/** A UUID in its textual form, either case (message ids, signal ids, tracking ids). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const GEMEENTECODE = /^\d{4}$/;
const FIGURE_CONVENANT = /^[0-9A-Za-z-]{1,16}$/;
/**
 * One match of a new melding on its `index.matched` flow event:
 * `soort|reikwijdte|other melding's message id|other's convenant|other's gemeente (or empty)|other's domein`.
 */
export const FIGURE_MATCH =
  /^(kind|gezin)\|(binnen-convenant|convenant-overstijgend)\|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\|[0-9A-Za-z-]{1,16}\|(\d{4})?\|[a-z-]{1,40}$/;

/** How a party reached the gateway: translated from its JSON, or its own signed XML. */
export type IngressChannel = 'regional-json' | 'direct-xml';
export const INBOUND_TYPES = ['melding', 'intrekking', 'verwijdering', 'ping'] as const;
export type InboundType = (typeof INBOUND_TYPES)[number];

/** vir.inbound.v1 — a signed national message on its way to the index. */
export class InboundMessage {
  @IsUUID() messageId!: string;
  @IsIn(INBOUND_TYPES) type!: InboundType;
  @Matches(OIN_PATTERN) senderOin!: string;
  @IsIn(['regional-json', 'direct-xml']) channel!: IngressChannel;
  @IsISO8601() receivedAt!: string;
  /** The signed XML; every BSN inside is encrypted for the index. */
  @IsString() @MaxLength(1_048_576) xml!: string;
}

export const OUTBOUND_TYPES = ['matchsignaal', 'matchsignalen', 'foutbericht', 'ping'] as const;
export type OutboundType = (typeof OUTBOUND_TYPES)[number];

/** vir.outbound.v1 — a signed message (matchsignaal, or a foutbericht about a refused message) from the index to one party, keyed by its OIN. */
export class OutboundMessage {
  @IsUUID() messageId!: string;
  @IsIn(OUTBOUND_TYPES) type!: OutboundType;
  @Matches(OIN_PATTERN) recipientOin!: string;
  /**
   * The message ids (tracking ids) of the meldingen this signal is about: its party's own melding's,
   * then the other's. For a Matchsignalen (type matchsignalen), those two of every signal in it,
   * in the bundle's order (messageId is then the bundle's id).
   */
  @IsArray() @IsUUID('all', { each: true }) correlationIds!: string[];
  @IsISO8601() producedAt!: string;
  @IsString() @MaxLength(1_048_576) xml!: string;
}

export const FLOW_OUTCOMES = ['ok', 'rejected', 'failed'] as const;
export type FlowOutcome = (typeof FLOW_OUTCOMES)[number];
export const COMPONENTS = ['gateway', 'index', 'monitor'] as const;
export type Component = (typeof COMPONENTS)[number];

/**
 * vir.flow-events.v1 — one step of one message. Never carries a BSN or message content:
 * only ids, the party, the step, the time and the outcome (with an error code).
 */
export class FlowEvent {
  @IsUUID() eventId!: string;
  /** The message this step is about (melding tracking id or signal id). */
  @IsUUID() messageId!: string;
  /** Related messages: for a signal, the meldingen it is about. */
  @IsOptional() @IsArray() @IsUUID('all', { each: true }) correlationIds?: string[];
  @IsOptional() @Matches(OIN_PATTERN) partyOin?: string;
  @IsIn(COMPONENTS) component!: Component;
  @IsString() @Matches(/^[a-z][a-z0-9.-]{1,63}$/) step!: string;
  @IsIn(FLOW_OUTCOMES) outcome!: FlowOutcome;
  @IsOptional() @IsString() @Matches(/^[A-Z][A-Z0-9_]{1,63}$/) code?: string;
  @IsISO8601() at!: string;
  /** Short human-readable detail; BSN-free by construction (never built from message data). */
  @IsOptional() @IsString() @MaxLength(500) detail?: string;
  // Figure dimensions (index.matched of a new melding; index.signal-queued: the receiving
  // melding's). Flat fields, so the compiled contract check stays fast. No personal data: the
  // young person only as `subject`, a key the monitor cannot link to a BSN or to the index's
  // pseudonym (see README, Figures).
  /** Covenant area of the melding. */
  @IsOptional() @Matches(FIGURE_CONVENANT) convenant?: string;
  /** CBS code (4 digits) of the young person's municipality of residence, when the melding carries it. */
  @IsOptional() @Matches(GEMEENTECODE) gemeente?: string;
  @IsOptional() @IsIn(ORGANISATIE_DOMEINEN) domein?: string;
  /** Statistics key of the young person (22 base64url characters). */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{22}$/) subject?: string;
  /** The matches a new melding made, one string each (see FIGURE_MATCH). */
  @IsOptional() @IsArray() @ArrayMaxSize(10_000) @Matches(FIGURE_MATCH, { each: true }) matches?: string[];
}

/** vir.dead-letter.v1 — a message a consumer could not process at all. */
export class DeadLetter {
  @IsString() sourceTopic!: string;
  @IsString() consumerGroup!: string;
  @IsString() @Matches(/^[A-Z][A-Z0-9_]{1,63}$/) code!: string;
  @IsString() @MaxLength(1000) reason!: string;
  @IsISO8601() at!: string;
  /** The original value, base64, for an operator to inspect or resend. */
  @IsString() valueBase64!: string;
}

/** vir.party-settings.v1 — what the index must know of a party's settings, as the gateway's operators set them. */
export class PartySettings {
  @Matches(OIN_PATTERN) partyOin!: string;
  /** The party matches within its own covenant area itself: it gets only cross-area signals. */
  @IsBoolean() localMatching!: boolean;
  /**
   * The party's matchsignalen may reach the gateway in bundles (Matchsignalen, schema 1.4), one
   * signature per bundle: the gateway verifies the bundle and hands each signal on as JSON. Absent
   * (older gateways) means no: each signal signed on its own, as a party taking XML must get it.
   */
  @IsOptional() @IsBoolean() bundledSignals?: boolean;
  /** When the settings were last changed (an older record never overwrites a newer one). */
  @IsISO8601() changedAt!: string;
}

export const Contracts = {
  inbound: new MessageContract(TOPICS.inbound, InboundMessage),
  outbound: new MessageContract(TOPICS.outbound, OutboundMessage),
  flowEvent: new MessageContract(TOPICS.flowEvents, FlowEvent),
  deadLetter: new MessageContract(TOPICS.deadLetter, DeadLetter),
  partySettings: new MessageContract(TOPICS.partySettings, PartySettings),
};
