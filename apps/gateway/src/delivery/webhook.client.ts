import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface WebhookResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** The gateway's TLS client identity for https webhooks, and the CAs a webhook's server certificate must chain to. */
export interface WebhookTls {
  key: string | Buffer;
  cert: string | Buffer;
  ca: string[];
}

/**
 * HTTP out to the parties' webhooks. An https webhook gets mutual TLS: the gateway presents its
 * own certificate and accepts only a server certificate from our trust anchors. Connections are
 * kept alive per host.
 */
export class WebhookClient {
  // An idle connection is closed after 4 s, before a server's usual 5 s keep-alive timeout ends it
  // (Node's default): otherwise a POST can go out on a connection the server is just closing.
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 32, timeout: 4_000 });
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 32, timeout: 4_000 });

  constructor(
    private readonly timeoutMs: number,
    private readonly tls?: WebhookTls,
  ) {}

  async post(url: string, body: string, contentType: string, headers: Record<string, string>): Promise<WebhookResult> {
    const first = await this.postOnce(url, body, contentType, headers);
    // A kept-alive connection the server closed just as it was reused: once more, on a new one
    // (the same Idempotency-Key, so a receiver that did get the first one ignores this).
    return first.staleConnection ? this.postOnce(url, body, contentType, headers) : first;
  }

  private postOnce(url: string, body: string, contentType: string, headers: Record<string, string>): Promise<WebhookResult & { staleConnection?: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      let req: ClientRequest | undefined;
      const timer = setTimeout(() => req?.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      const done = (r: WebhookResult & { staleConnection?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        done({ ok: false, error: 'invalid webhook URL' });
        return;
      }
      const options = { method: 'POST', headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers } };
      const onResponse = (res: IncomingMessage) => {
        res.resume();
        res.once('error', (err) => done({ ok: false, error: err.message.slice(0, 200) }));
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          done(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` });
        });
      };
      if (target.protocol === 'https:') {
        if (!this.tls) {
          done({ ok: false, error: 'https webhook but the gateway has no TLS identity' });
          return;
        }
        req = httpsRequest(target, { ...options, agent: this.httpsAgent, key: this.tls.key, cert: this.tls.cert, ca: this.tls.ca, minVersion: 'TLSv1.2' }, onResponse);
      } else if (target.protocol === 'http:') {
        req = httpRequest(target, { ...options, agent: this.httpAgent }, onResponse);
      } else {
        done({ ok: false, error: `unsupported webhook scheme ${target.protocol}` });
        return;
      }
      const sent = req;
      sent.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: err.message.slice(0, 200), staleConnection: sent.reusedSocket && err.code === 'ECONNRESET' }));
      sent.end(body);
    });
  }

  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }
}
