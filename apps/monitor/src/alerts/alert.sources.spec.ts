import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDevPki, issuePartyCertificate } from '@vir/pki';
import { AlertSources, certificateFilesOf, type AlertSourceOptions } from './alert.sources';

// The sources that need neither PostgreSQL nor Kafka: certificates from the parties file, and
// readiness URLs (a real HTTP server). The read-model sources run in the e2e tests.

const OPTIONS: AlertSourceOptions = { silenceBaselineDays: 30, pendingSignalMs: 3_600_000, deadLetterWindowMs: 86_400_000, certificateDays: 60, healthUrls: [] };
const sources = (o: Partial<AlertSourceOptions>) => new AlertSources(undefined as unknown as DataSource, async () => [], { ...OPTIONS, ...o }, () => undefined);

describe('alert sources', () => {
  let dir: string;
  let short: { notAfter: Date };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vir-alert-sources-'));
    await createDevPki(dir, [{ name: 'lang', oin: '00000001003214345000', commonName: 'Lang' }]);
    short = await issuePartyCertificate(dir, { name: 'kort', oin: '00000003273416560005', commonName: 'Kort' }, { validityDays: 30 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('watches the certificates the parties file names (relative paths from its folder), and reports those expiring within the window', () => {
    const file = join(dir, 'parties.json');
    writeFileSync(
      file,
      JSON.stringify({
        parties: [
          { oin: '00000003273416560005', name: 'Kort', certificateFiles: ['kort.cert.pem'], signingCertFile: join(dir, 'kort.cert.pem') },
          { oin: '00000001003214345000', name: 'Lang', certificateFiles: ['lang.cert.pem'] },
        ],
      }),
    );
    expect(certificateFilesOf(file)).toEqual([
      { party: 'Kort', file: join(dir, 'kort.cert.pem') },
      { party: 'Lang', file: join(dir, 'lang.cert.pem') },
    ]);
    const found = sources({ partiesFile: file }).certificates(new Date(short.notAfter.getTime() - 20.5 * 86_400_000));
    expect(found).toEqual([{ party: 'Kort', oin: '00000003273416560005', serialNumber: expect.stringMatching(/^[0-9A-F]+$/), notAfter: short.notAfter, daysLeft: 20 }]);
    expect(sources({}).certificates(new Date())).toEqual([]);
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
