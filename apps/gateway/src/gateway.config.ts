import { IsInt, IsIn, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { BsnEncryption } from '@vir/xml';

/** The gateway's configuration, read from the environment once at start (see README). */
export class GatewayConfig {
  @IsString() KAFKA_BROKERS!: string;
  /** Prefix for topic and consumer-group names, to share one cluster between environments. */
  @IsString() @Matches(/^[a-z0-9._-]*$/) KAFKA_TOPIC_PREFIX: string = '';
  @IsString() DATABASE_URL!: string;
  @IsString() @Matches(/^[a-z_][a-z0-9_]*$/) DATABASE_SCHEMA: string = 'vir_gateway';
  /** Plain HTTP: health and the operators' admin API. Keep it on loopback or a private network. */
  @IsString() HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3001;
  /** HTTPS with mutual TLS: the parties' API. */
  @IsString() TLS_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) TLS_PORT: number = 3443;
  /** The gateway's TLS server certificate (PEM, leaf first, may include its CA chain) and key; also its client identity towards https webhooks. */
  @IsString() TLS_CERT_FILE!: string;
  @IsString() TLS_KEY_FILE!: string;
  /** JSON file with the parties (tenants and direct parties): seeds the party table (parties it lacks are added at start); see README. */
  @IsString() PARTIES_FILE!: string;
  /** How often the party table is re-read (changes made through another gateway instance). */
  @IsInt() @Min(100) PARTIES_REFRESH_MS: number = 5_000;
  /** `name:token` pairs for the admin API (tokens of 32+ characters); the name is the actor in the party audit. Unset: the admin API is off. */
  @IsOptional()
  @Matches(/^([a-z0-9._-]+:[A-Za-z0-9._~+/=-]{32,})(,[a-z0-9._-]+:[A-Za-z0-9._~+/=-]{32,})*$/, { message: 'OPERATOR_TOKENS must be name:token pairs, tokens of 32+ characters' })
  OPERATOR_TOKENS?: string;
  @IsString() TRUST_ROOT_FILE!: string;
  @IsOptional() @IsString() TRUST_INTERMEDIATES_FILE?: string;
  /** The issuing CA's CRL; re-read every CRL_REFRESH_MS. Without it revocation is not checked. */
  @IsOptional() @IsString() TRUST_CRL_FILE?: string;
  @IsInt() @Min(1000) CRL_REFRESH_MS: number = 600_000;
  /** The national index's (signing) certificate: signals must be signed by its OIN. */
  @IsString() INDEX_CERT_FILE!: string;
  /** The index's encryption certificate (EC P-256: ECDH-ES); without it BSNs are encrypted for INDEX_CERT_FILE (RSA-OAEP). */
  @IsOptional() @IsString() INDEX_ENCRYPTION_CERT_FILE?: string;
  /** The gateway's own signing identity, for the acknowledgements it sends direct parties. */
  @IsOptional() @IsString() GATEWAY_KEY_FILE?: string;
  @IsOptional() @IsString() GATEWAY_CERT_FILE?: string;
  @IsInt() @Min(1024) MAX_BODY_BYTES: number = 65_536;
  /** A regional batch (POST /v1/meldingen/batch): at most this many meldingen, and this many bytes. */
  @IsInt() @Min(1) @Max(10_000) BATCH_MAX_ITEMS: number = 100;
  @IsInt() @Min(1024) BATCH_MAX_BYTES: number = 1_048_576;
  @IsInt() @Min(10) DELIVERY_POLL_MS: number = 500;
  @IsInt() @Min(10) DELIVERY_RETRY_BASE_MS: number = 1_000;
  /** Retry a delivery for this long before marking it failed (Digikoppeling: 5 days). */
  @IsInt() @Min(1) DELIVERY_GIVE_UP_MS: number = 5 * 24 * 3600 * 1000;
  /**
   * How meldingen carry their BSNs: `together` (schema 1.3, one EncryptedData in Melding/Bsns) or
   * `separately` (schema 1.2, one per Bsn element), for as long as the index still runs a 1.2 version.
   */
  @IsIn(['together', 'separately']) BSN_ENCRYPTION: BsnEncryption = 'together';
  /** Worker threads that encrypt and sign meldingen (0: on the event loop's thread). */
  @IsInt() @Min(0) @Max(32) SEAL_WORKERS: number = 1;
  /** Days the signed XML of a forwarded message is kept (the operators' raw view in the console). */
  @IsInt() @Min(1) @Max(3650) INGRESS_XML_RETENTION_DAYS: number = 30;
  /** Days a delivered or acknowledged signal keeps its content (names, contact details); then status and history only. */
  @IsInt() @Min(1) @Max(3650) SIGNAL_CONTENT_RETENTION_DAYS: number = 30;
  @IsInt() @Min(1000) RETENTION_INTERVAL_MS: number = 3_600_000;
  @IsInt() @Min(100) DELIVERY_TIMEOUT_MS: number = 10_000;
  /** A claimed push delivery not finished within this time is claimed again (after a crash); unset: max(30 s, 3 × DELIVERY_TIMEOUT_MS). Must exceed DELIVERY_TIMEOUT_MS. */
  @IsOptional() @IsInt() @Min(200) DELIVERY_LEASE_MS?: number;
  /** Pull: a signal listed to the party and not acknowledged comes again on a pull after this time. */
  @IsInt() @Min(100) PULL_VISIBILITY_TIMEOUT_MS: number = 60_000;
  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug']) LOG_LEVEL?: string;
}
