/** Receives one human-readable line per lifecycle event (never the servers' own chatter). */
export type DevstackLog = (line: string) => void;

export interface KafkaHandle {
  /** `host:port` of the PLAINTEXT listener. */
  brokers: string;
  pid: number;
  /** SIGTERM, up to 15 s grace, then SIGKILL; resolves once the JVM is gone. Idempotent. */
  stop(): Promise<void>;
}

export interface PostgresHandle {
  /** `postgres://user:pass@127.0.0.1:port/<database>` */
  url: string;
  port: number;
  pid: number;
  /** Fast shutdown, escalating to immediate and SIGKILL; resolves once no server process is left. Idempotent. */
  stop(): Promise<void>;
  /** Creates the database unless it exists; returns its url. */
  createDatabase(name: string): Promise<string>;
}

export interface Infrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
  /** Which parts were started here (false = an external one was passed in and is left alone). */
  started: { kafka: boolean; postgres: boolean };
  /** Stops only what was started here and removes per-run data. Idempotent. */
  stop(): Promise<void>;
}
