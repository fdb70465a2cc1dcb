import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevPki, issuePartyCertificate, loadCredentials } from '@vir/pki';
import { certificateReport, detailsOfPem, type CertificateDetails } from './certificate-register';
import type { Party } from './party';
import { testParty } from './party.fixture';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00Z');

const party = (oin: string, name: string, certificates: string[], extra: Partial<Party> = {}): Party => testParty({ oin, name, certificates, ...extra });

const known = (fingerprint: string, daysLeft: number): CertificateDetails => ({
  fingerprint,
  oin: '1'.repeat(20),
  subject: `CN=${fingerprint}`,
  serialNumber: fingerprint,
  notBefore: new Date(NOW.getTime() - 400 * DAY),
  notAfter: new Date(NOW.getTime() + daysLeft * DAY + DAY / 2),
});

describe('certificateReport', () => {
  it('gives every registered certificate its status, soonest expiry first and unknown ones last', () => {
    const details = new Map([
      ['AA', known('AA', 100)],
      ['BB', known('BB', 30)],
      ['CC', known('CC', -3)],
      ['DD', known('DD', 59)],
    ]);
    const parties = [party('1'.repeat(20), 'een', ['AA', 'XX']), party('2'.repeat(20), 'twee', ['BB', 'CC']), party('3'.repeat(20), 'drie', ['DD'])];
    const report = certificateReport(parties, details, NOW, 60);
    expect(report.map((e) => [e.fingerprint, e.status, e.daysLeft])).toEqual([
      ['CC', 'expired', -3],
      ['BB', 'expiring', 30],
      ['DD', 'expiring', 59],
      ['AA', 'valid', 100],
      ['XX', 'unknown', null],
    ]);
    expect(report[4]).toEqual({ partyOin: '1'.repeat(20), partyName: 'een', use: 'client', fingerprint: 'XX', subject: null, serialNumber: null, notAfter: null, daysLeft: null, status: 'unknown' });
    expect(certificateReport(parties, details, NOW, 10).filter((e) => e.status === 'expiring')).toEqual([]);
    expect(certificateReport([], details, NOW, 60)).toEqual([]);
  });

  describe('with real certificates', () => {
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vir-cert-register-'));
      await createDevPki(dir, [{ name: 'regio', oin: '00000003273416560001', commonName: 'Verwijsindex NHN' }]);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("reads a PEM's details and lists a regional tenant's signing certificate beside its client certificates", async () => {
      const regio = loadCredentials(dir, 'regio');
      const short = await issuePartyCertificate(dir, { name: 'regio', oin: '00000003273416560001', commonName: 'Verwijsindex NHN' }, { validityDays: 20, rollover: true });
      const d = detailsOfPem(regio.certificatePem);
      expect(d).toMatchObject({ oin: '00000003273416560001', fingerprint: expect.stringMatching(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/), serialNumber: expect.stringMatching(/^[0-9A-F]+$/) });
      expect(d.subject).toContain('CN=Verwijsindex NHN');
      expect(() => detailsOfPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow();
      const tenant = party('00000003273416560001', 'regio', [detailsOfPem(short.certificatePem).fingerprint], { kind: 'regional', signer: regio });
      const report = certificateReport([tenant], new Map([[detailsOfPem(short.certificatePem).fingerprint, detailsOfPem(short.certificatePem)]]), new Date(), 60);
      expect(report.map((e) => [e.use, e.status])).toEqual([
        ['client', 'expiring'],
        ['signing', 'valid'],
      ]);
      expect(report[1].fingerprint).toBe(d.fingerprint);
    });
  });
});
