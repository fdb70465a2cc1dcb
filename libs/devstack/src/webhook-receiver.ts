import { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { oinOfCertificate } from '@vir/pki';

export interface Delivery {
  /** The party name from the URL path (/webhooks/<party>). */
  party: string;
  signalId: string;
  idempotencyKey: string;
  contentType: string;
  body: string;
  receivedAt: Date;
  /** The OIN in the client certificate the sender presented (mutual TLS), if any. */
  clientOin?: string;
  /** A signal that came with others in one request (a party's pushBatchSize): how many, and its place. */
  batch?: { size: number; index: number };
}

/** Every POST the receiver got, answered 2xx or not (a refused attempt is not a delivery). */
export interface DeliveryAttempt {
  party: string;
  signalId: string;
  idempotencyKey: string;
  /** The HTTP status the receiver answered. */
  status: number;
  at: Date;
}

/** The receiver's TLS server identity and the CAs the sender's client certificate must chain to (PEM). */
export interface WebhookTls {
  key: string;
  cert: string;
  ca: string[];
}

/** The signals of one POST: a batch (`X-VIR-Signal-Ids`, `{"signalen": […]}`) is split into one per signal. */
function signalsOf(req: IncomingMessage, body: string): { signalId: string; body: string; batch?: { size: number; index: number } }[] {
  const ids = req.headers['x-vir-signal-ids'];
  if (typeof ids !== 'string') return [{ signalId: String(req.headers['x-vir-signal-id'] ?? ''), body }];
  const list = ids.split(',');
  let items: unknown[] = [];
  try {
    items = (JSON.parse(body) as { signalen?: unknown[] }).signalen ?? [];
  } catch {
    // recorded with an empty body each: a test then sees what went wrong
  }
  return list.map((signalId, index) => ({ signalId, body: items[index] === undefined ? '' : JSON.stringify(items[index]), batch: { size: list.length, index } }));
}

/**
 * The demo parties' side of push delivery: one server that records every matchsignaal POSTed to
 * /webhooks/<party>. With `tls` it is HTTPS and requires a client certificate from our CAs (the
 * gateway's), as a party's webhook would; without, plain HTTP. `failNext` makes a party answer
 * 503 that many times first; `delay` makes it answer late (the delivery is recorded first, as a
 * real receiver that stores before it answers).
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  /** Every attempt, including the refused ones, in order of arrival. */
  readonly attempts: DeliveryAttempt[] = [];
  private readonly delays = new Map<string, number>();
  private server?: Server;
  private readonly failures = new Map<string, number>();
  private listeners: (() => void)[] = [];

  constructor(private readonly onDelivery: (d: Delivery) => void = () => undefined) {}

  /** Starts listening on 127.0.0.1; returns the base URL (`https://localhost:<port>/webhooks` with TLS). */
  async start(options: { port?: number; tls?: WebhookTls } = {}): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    const { tls } = options;
    this.server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, handler)
      : createHttpServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(options.port ?? 0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    // The server certificate names localhost (not the address): the client checks the name.
    return tls ? `https://localhost:${port}/webhooks` : `http://127.0.0.1:${port}/webhooks`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/webhooks\/([a-z0-9-]+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const party = match[1];
      const left = this.failures.get(party) ?? 0;
      const signals = signalsOf(req, Buffer.concat(chunks).toString('utf8'));
      const idempotencyKey = String(req.headers['idempotency-key'] ?? '');
      const at = new Date();
      if (left > 0) {
        this.failures.set(party, left - 1);
        for (const s of signals) this.attempts.push({ party, signalId: s.signalId, idempotencyKey, at, status: 503 });
        res.writeHead(503).end();
        return;
      }
      for (const s of signals) this.attempts.push({ party, signalId: s.signalId, idempotencyKey, at, status: 204 });
      const peer = (req.socket as TLSSocket).encrypted ? (req.socket as TLSSocket).getPeerCertificate() : undefined;
      const clientOin = peer?.raw ? oinOfCertificate(new X509Certificate(peer.raw).toString()) : undefined;
      const delivered: Delivery[] = signals.map((s) => ({
        party,
        signalId: s.signalId,
        idempotencyKey,
        contentType: String(req.headers['content-type'] ?? ''),
        body: s.body,
        receivedAt: new Date(),
        ...(clientOin ? { clientOin } : {}),
        ...(s.batch ? { batch: s.batch } : {}),
      }));
      this.deliveries.push(...delivered);
      const delay = this.delays.get(party) ?? 0;
      if (delay > 0) setTimeout(() => res.writeHead(204).end(), delay);
      else res.writeHead(204).end();
      delivered.forEach((d) => this.onDelivery(d));
      this.listeners.forEach((l) => l());
    });
  }

  failNext(party: string, times: number): void {
    this.failures.set(party, times);
  }

  /** The party's webhook answers `ms` late (0: at once). */
  delay(party: string, ms: number): void {
    this.delays.set(party, ms);
  }

  /** Resolves when `predicate` holds over the deliveries, or rejects after `timeoutMs`. */
  waitFor(predicate: (ds: Delivery[]) => boolean, timeoutMs: number): Promise<void> {
    if (predicate(this.deliveries)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this.deliveries)) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms with ${this.deliveries.length} deliveries`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
