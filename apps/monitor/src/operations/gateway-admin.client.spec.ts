import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayAdminClient, GatewayAdminError } from './gateway-admin.client';

// The client against a real HTTP server standing in for the gateway's operators' port: bearer
// token, JSON bodies, the gateway's coded refusals, and "not configured" / "not reachable".

let server: Server;
let base: string;
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/admin/signalen/counts') return res.end(JSON.stringify({ counts: [{ partyOin: '1'.repeat(20), status: 'failed', count: 2, oldestReceivedAt: '2026-11-22T00:00:00.000Z' }] }));
      if (req.url?.endsWith('/resend')) return res.writeHead(409).end(JSON.stringify({ code: 'SIGNAL_NOT_FAILED', message: 'The signal is delivered' }));
      res.writeHead(404).end(JSON.stringify({ code: 'NOT_FOUND', message: 'No such endpoint' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('GatewayAdminClient', () => {
  it('calls the admin API with the bearer token and reads its answer', async () => {
    const client = new GatewayAdminClient({ url: base, token: 't'.repeat(32) });
    expect(await client.signalCounts()).toEqual([{ partyOin: '1'.repeat(20), status: 'failed', count: 2, oldestReceivedAt: '2026-11-22T00:00:00.000Z' }]);
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/v1/admin/signalen/counts', auth: `Bearer ${'t'.repeat(32)}` });
  });

  it("passes on the gateway's coded refusal", async () => {
    const client = new GatewayAdminClient({ url: base, token: 't'.repeat(32) });
    const err = (await client.resendSignal('abc', 'console u: why').catch((e: unknown) => e)) as GatewayAdminError;
    expect(err).toBeInstanceOf(GatewayAdminError);
    expect([err.code, err.status, err.unavailable]).toEqual(['SIGNAL_NOT_FAILED', 409, false]);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ reason: 'console u: why' });
  });

  it('says when it is not configured or the gateway cannot be reached, without calling anything', async () => {
    const before = seen.length;
    const unconfigured = (await new GatewayAdminClient({}).parties().catch((e: unknown) => e)) as GatewayAdminError;
    expect([unconfigured.code, unconfigured.unavailable]).toEqual(['GATEWAY_NOT_CONFIGURED', true]);
    expect(new GatewayAdminClient({ url: base }).configured).toBe(false);
    expect(seen.length).toBe(before);
    const unreachable = (await new GatewayAdminClient({ url: 'http://127.0.0.1:1', token: 'x'.repeat(32) }).parties().catch((e: unknown) => e)) as GatewayAdminError;
    expect([unreachable.code, unreachable.unavailable]).toEqual(['GATEWAY_UNREACHABLE', true]);
  });
});
