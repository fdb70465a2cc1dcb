import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** TLS settings of a test client: the CAs it trusts and, for mutual TLS, its key and certificate (PEM). */
export interface TestTls {
  ca: string[];
  key?: string;
  cert?: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP(S) request on a connection of its own (no pooling: tests restart and kill services).
 * With `tls` an https URL is called with those CAs and, when given, that client certificate.
 */
export function request(url: string, o: { method?: string; headers?: Record<string, string>; body?: string | Buffer; tls?: TestTls } = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const body = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body, 'utf8');
  const options: RequestOptions & { ca?: string[]; key?: string; cert?: string } = {
    method: o.method ?? (body ? 'POST' : 'GET'),
    headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...o.headers },
    agent: false,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    };
    const req =
      target.protocol === 'https:'
        ? httpsRequest(target, { ...options, ...(o.tls ?? {}) }, onResponse)
        : httpRequest(target, options, onResponse);
    req.once('error', reject);
    req.end(body);
  });
}

/** POSTs JSON (an object, or a string as is) and parses the JSON answer. */
export async function postJson(url: string, body: unknown, tls?: TestTls, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), tls });
  return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
}
