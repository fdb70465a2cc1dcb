import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { GatewayCertificate } from '../operations/gateway-admin.client';
import { AlertSources, type AlertSourceOptions } from './alert.sources';

// The sources that need neither PostgreSQL nor Kafka: the certificates of the gateway's report
// (the real API in the e2e tests), and readiness URLs (a real HTTP server). The read-model sources
// run in the e2e tests.

const OPTIONS: AlertSourceOptions = { silenceBaselineDays: 30, pendingSignalMs: 3_600_000, deadLetterWindowMs: 86_400_000, certificateDays: 60, healthUrls: [] };
const sources = (o: Partial<AlertSourceOptions>, certificates: (days: number) => Promise<GatewayCertificate[]> = async () => []) =>
  new AlertSources(undefined as unknown as DataSource, async () => [], certificates, { ...OPTIONS, ...o }, () => undefined);

describe('alert sources', () => {
  it("raises the gateway's expiring and expired certificates, each once (a tenant's client and signing certificate are often one)", async () => {
    const c = (partyName: string, fingerprint: string, status: GatewayCertificate['status'], daysLeft: number | null, use: GatewayCertificate['use'] = 'client'): GatewayCertificate => ({
      partyOin: '00000003273416560005',
      partyName,
      use,
      fingerprint,
      subject: daysLeft === null ? null : `CN=${partyName}`,
      serialNumber: daysLeft === null ? null : `0${fingerprint}`,
      notAfter: daysLeft === null ? null : new Date(Date.UTC(2026, 0, 1) + daysLeft * 86_400_000).toISOString(),
      daysLeft,
      status,
    });
    const asked: number[] = [];
    const report = async (days: number) => {
      asked.push(days);
      return [c('Kort', 'A1', 'expiring', 20), c('Kort', 'A1', 'expiring', 20, 'signing'), c('Weg', 'B2', 'expired', -3), c('Lang', 'C3', 'valid', 400), c('Nieuw', 'D4', 'unknown', null)];
    };
    const found = await sources({}, report).certificates();
    expect(asked).toEqual([60]);
    expect(found).toEqual([
      { party: 'Kort', oin: '00000003273416560005', serialNumber: '0A1', notAfter: new Date(Date.UTC(2026, 0, 21)), daysLeft: 20 },
      { party: 'Weg', oin: '00000003273416560005', serialNumber: '0B2', notAfter: new Date(Date.UTC(2025, 11, 29)), daysLeft: -3 },
    ]);
  });

  describe('components', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => (req.url === '/ready' ? res.writeHead(200).end('{"status":"ok"}') : res.writeHead(503).end('{"status":"unavailable"}')));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((r) => server.close(r)));

    it('is healthy on 2xx, and not on another status or no answer', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/ready`;
      await new Promise((r) => closed.close(r));
      const s = sources({ healthUrls: [{ name: 'gateway', url: `${base}/ready` }, { name: 'index', url: `${base}/down` }, { name: 'monitor', url: gone }] });
      // One failed check is not yet unhealthy (a component still starting); the second in a row is.
      expect((await s.components()).map((c) => c.healthy)).toEqual([true, true, true]);
      const result = await s.components();
      expect(result).toEqual([
        { name: 'gateway', healthy: true, detail: 'ready' },
        { name: 'index', healthy: false, detail: 'HTTP 503 {"status":"unavailable"}' },
        { name: 'monitor', healthy: false, detail: 'ECONNREFUSED' },
      ]);
    });
  });
});
