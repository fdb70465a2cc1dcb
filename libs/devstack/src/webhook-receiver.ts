import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  /** The party name from the URL path (/webhooks/<party>). */
  party: string;
  signalId: string;
  idempotencyKey: string;
  contentType: string;
  body: string;
  receivedAt: Date;
}

/**
 * The demo parties' side of push delivery: one HTTP server that records every matchsignaal
 * POSTed to /webhooks/<party>. `failFirst` makes a party answer 503 that many times first.
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  private server?: Server;
  private readonly failures = new Map<string, number>();
  private listeners: (() => void)[] = [];

  constructor(private readonly onDelivery: (d: Delivery) => void = () => undefined) {}

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
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
        if (left > 0) {
          this.failures.set(party, left - 1);
          res.writeHead(503).end();
          return;
        }
        const d: Delivery = {
          party,
          signalId: String(req.headers['x-vir-signal-id'] ?? ''),
          idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
          contentType: String(req.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: new Date(),
        };
        this.deliveries.push(d);
        res.writeHead(204).end();
        this.onDelivery(d);
        this.listeners.forEach((l) => l());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
  }

  failNext(party: string, times: number): void {
    this.failures.set(party, times);
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
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
  }
}
