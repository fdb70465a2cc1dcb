import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

/** The monitor's configuration, read from the environment once at start (see README). */
export class MonitorConfig {
  @IsString() KAFKA_BROKERS!: string;
  /** Prefix for topic and consumer-group names, to share one cluster between environments. */
  @IsString() @Matches(/^[a-z0-9._-]*$/) KAFKA_TOPIC_PREFIX: string = '';
  @IsString() DATABASE_URL!: string;
  @IsString() @Matches(/^[a-z_][a-z0-9_]*$/) DATABASE_SCHEMA: string = 'vir_monitor';
  @IsString() HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3003;
  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug']) LOG_LEVEL?: string;
  /** The parties file the gateway uses: OIN → name and covenant area (what a convenantbeheerder may see). */
  @IsOptional() @IsString() PARTIES_FILE?: string;
  /** Days of per-message events and message summaries kept. */
  @IsInt() @Min(1) @Max(3650) RAW_RETENTION_DAYS: number = 90;
  /** Days of per-day aggregates and figures kept (at least RAW_RETENTION_DAYS); per-minute counts are kept 48 hours. */
  @IsInt() @Min(1) @Max(36500) AGGREGATE_RETENTION_DAYS: number = 730;
  @IsInt() @Min(1000) RETENTION_INTERVAL_MS: number = 3_600_000;
  /** Console sessions end this long after sign-in. */
  @IsInt() @Min(1) @Max(1440) SESSION_TTL_MINUTES: number = 480;
  /** Failed sign-ins in a row that lock an account, and for how long. */
  @IsInt() @Min(1) @Max(100) LOGIN_MAX_FAILURES: number = 5;
  @IsInt() @Min(1) @Max(10080) LOGIN_LOCKOUT_MINUTES: number = 15;
  /** Mark the session cookie Secure (set true whenever the console is reached over HTTPS). */
  @IsIn(['true', 'false']) COOKIE_SECURE: string = 'false';
  /** The gateway's operators' port (its admin API), for the Delivery and Parties pages; unset: those pages say so. */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'GATEWAY_ADMIN_URL must be an http(s) URL' }) GATEWAY_ADMIN_URL?: string;
  /** A bearer token of the gateway's OPERATOR_TOKENS (32+ characters). */
  @IsOptional() @IsString() @MinLength(32) GATEWAY_ADMIN_TOKEN?: string;
  /** Alerts: how often the rules are evaluated. */
  @IsInt() @Min(1000) ALERT_INTERVAL_MS: number = 30_000;
  /** A party is silent after max(ALERT_SILENCE_MIN_SECONDS, ALERT_SILENCE_FACTOR × its usual time between messages over ALERT_SILENCE_BASELINE_DAYS). */
  @IsInt() @Min(1) ALERT_SILENCE_MIN_SECONDS: number = 3600;
  @IsNumber() @Min(0) @Max(1000) ALERT_SILENCE_FACTOR: number = 3;
  @IsInt() @Min(1) @Max(3650) ALERT_SILENCE_BASELINE_DAYS: number = 30;
  /** A signal not delivered this long after it arrived (queued, retrying, not acknowledged). */
  @IsInt() @Min(1) ALERT_SIGNAL_PENDING_SECONDS: number = 3600;
  /** A dead letter keeps its alert open this long. */
  @IsInt() @Min(1) ALERT_DEAD_LETTER_WINDOW_MINUTES: number = 1440;
  @IsInt() @Min(0) ALERT_LAG_RECORDS: number = 10_000;
  @IsInt() @Min(1) @Max(3650) ALERT_CERTIFICATE_DAYS: number = 60;
  /** `name=url` pairs, comma-separated: readiness endpoints polled for the component-unhealthy rule. */
  @IsOptional() @IsString() ALERT_HEALTH_URLS?: string;
  /** Alert transitions (opened, acknowledged, closed) are POSTed here as JSON. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) ALERT_WEBHOOK_URL?: string;
}
