import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { TOPICS } from '@vir/contracts';

/**
 * A lone instance works every partition of the inbound topic at once: a chunk spends most of its
 * time waiting (for the XML worker, for PostgreSQL, for a lock), and six in flight kept the two
 * cores busier than three (`npm run bench -- index --lanes 3|6`, README). Instances added share the
 * partitions, so each then has fewer than this.
 */
export const DEFAULT_PARTITIONS_CONCURRENTLY = TOPICS.inbound.partitions;

/** The index's configuration, read from the environment once at start (see README). */
export class IndexConfig {
  @IsString() KAFKA_BROKERS!: string;
  /** Prefix for topic and consumer-group names, to share one cluster between environments. */
  @IsString() @Matches(/^[a-z0-9._-]*$/) KAFKA_TOPIC_PREFIX: string = '';
  @IsString() DATABASE_URL!: string;
  @IsString() @Matches(/^[a-z_][a-z0-9_]*$/) DATABASE_SCHEMA: string = 'vir_index';
  @IsString() HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3002;
  @IsString() INDEX_KEY_FILE!: string;
  @IsString() INDEX_CERT_FILE!: string;
  /** The encryption key parties encrypt BSNs for (EC P-256, ECDH-ES); the RSA key above still decrypts RSA-OAEP. */
  @IsOptional() @IsString() INDEX_DECRYPTION_KEY_FILE?: string;
  @IsOptional() @IsString() INDEX_DECRYPTION_CERT_FILE?: string;
  /** An EC P-256 key + certificate (same OIN) that signs matchsignalen with ECDSA; without it INDEX_KEY_FILE signs (RSA). */
  @IsOptional() @IsString() INDEX_SIGNING_KEY_FILE?: string;
  @IsOptional() @IsString() INDEX_SIGNING_CERT_FILE?: string;
  @IsString() TRUST_ROOT_FILE!: string;
  @IsOptional() @IsString() TRUST_INTERMEDIATES_FILE?: string;
  /** The issuing CA's CRL; re-read every CRL_REFRESH_MS. Without it revocation is not checked. */
  @IsOptional() @IsString() TRUST_CRL_FILE?: string;
  @IsInt() @Min(1000) CRL_REFRESH_MS: number = 600_000;
  /** Secret for the keyed BSN pseudonyms (base64, at least 32 bytes). */
  @IsString() @MinLength(43) PSEUDONYM_KEY!: string;
  @IsString() @Matches(/^v\d+$/) PSEUDONYM_KEY_VERSION: string = 'v1';
  /** After a rotation: the previous keys as `v1:base64,…`, so rows made under them are still found. */
  @IsOptional() @Matches(/^v\d+:[A-Za-z0-9+/=]{43,}(,v\d+:[A-Za-z0-9+/=]{43,})*$/, { message: 'PSEUDONYM_PREVIOUS_KEYS must be version:base64 pairs' })
  PSEUDONYM_PREVIOUS_KEYS?: string;
  /** Key (base64, ≥ 32 bytes) of the young person's statistics key on flow events; unset: derived from PSEUDONYM_KEY. */
  @IsOptional() @Matches(/^[A-Za-z0-9+/=]{43,}$/, { message: 'STATISTICS_KEY must be base64 of at least 32 bytes' }) STATISTICS_KEY?: string;
  @IsInt() @Min(1) @Max(64) PARTITIONS_CONCURRENTLY: number = DEFAULT_PARTITIONS_CONCURRENTLY;
  /** Worker threads that verify, decrypt and sign (0: all in the event loop's thread). */
  @IsInt() @Min(0) @Max(32) INDEX_XML_WORKERS: number = 1;
  @IsInt() @Min(10) OUTBOX_POLL_MS: number = 250;
  /** A chunk's outbox row still unpublished after this long is published by any instance's relay (its writer publishes it from memory). */
  @IsInt() @Min(0) OUTBOX_ORPHAN_AFTER_MS: number = 5_000;
  /** How often every instance re-reads the parties' local-matching settings (published by the gateway). */
  @IsInt() @Min(100) PARTY_SETTINGS_REFRESH_MS: number = 5_000;
  /** Comma-separated OINs of parties that may order a melding removed after an objection (verwijdering). */
  @IsOptional() @Matches(/^\d{20}(,\d{20})*$/) REMOVAL_AUTHORISED_OINS?: string;
  /** How often the lifecycle job ends and purges meldingen (it also runs at start). */
  @IsInt() @Min(1000) LIFECYCLE_INTERVAL_MS: number = 3_600_000;
  /** `name:token` pairs (tokens ≥ 32 characters) allowed to use the audited inzage API; empty: nobody. */
  @IsOptional() @Matches(/^([a-z0-9._-]+:[A-Za-z0-9._~+/=-]{32,})(,[a-z0-9._-]+:[A-Za-z0-9._~+/=-]{32,})*$/, { message: 'INZAGE_TOKENS must be name:token pairs, tokens of 32+ characters' })
  INZAGE_TOKENS?: string;
  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug']) LOG_LEVEL?: string;
}
