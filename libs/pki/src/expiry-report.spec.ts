import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevPki, expiringCertificates, issuePartyCertificate, loadCaBundle, loadCredentials } from './index';

const DAY_MS = 86_400_000;
let dir: string;
let pems: Record<string, string>;
let notAfter: Record<string, Date>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vir-expiry-'));
  await createDevPki(dir, [{ name: 'rvdk', oin: '00000001003214345000', commonName: 'Raad voor de Kinderbescherming' }]);
  const short = await issuePartyCertificate(dir, { name: 'kort', oin: '00000003273416560005', commonName: 'Kort' }, { validityDays: 30 });
  const [root, issuing] = loadCaBundle(dir);
  const rvdk = loadCredentials(dir, 'rvdk').certificatePem;
  pems = { kort: short.certificatePem, rvdk, 'issuing-ca': issuing, 'root-ca': root };
  notAfter = { kort: short.notAfter, rvdk: new Date(new X509Certificate(rvdk).validTo) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const certs = () => Object.entries(pems).map(([party, pem]) => ({ party, pem }));

describe('expiringCertificates', () => {
  it('lists what expires within the window, with OIN, serial and whole days left', () => {
    const at = new Date(notAfter.kort.getTime() - 10.5 * DAY_MS);
    expect(expiringCertificates(certs(), at)).toEqual([
      {
        party: 'kort',
        oin: '00000003273416560005',
        subject: 'C=NL, O=Kort, serialNumber=00000003273416560005, CN=Kort',
        serialNumber: expect.stringMatching(/^[0-9A-F]+$/),
        notAfter: notAfter.kort,
        daysLeft: 10,
        expired: false,
      },
    ]);
    expect(expiringCertificates(certs(), at, 5)).toEqual([]);
  });

  it('includes expired certificates first, soonest expiry first, CAs without OIN', () => {
    const at = new Date(notAfter.rvdk.getTime() - 7 * DAY_MS);
    const list = expiringCertificates(certs(), at, 60);
    expect(list.map((e) => [e.party, e.expired])).toEqual([
      ['kort', true],
      ['rvdk', false],
    ]);
    expect(list[0].daysLeft).toBeLessThan(0);
    expect(list[1].daysLeft).toBe(7);
    const farFuture = new Date(Date.now() + 25 * 365 * DAY_MS);
    const all = expiringCertificates(certs(), farFuture);
    expect(all).toHaveLength(4);
    expect(all.find((e) => e.party === 'root-ca')).not.toHaveProperty('oin');
  });

  it('refuses garbage and bad arguments', () => {
    expect(() => expiringCertificates([{ party: 'x', pem: 'nope' }], new Date())).toThrow(/'x'/);
    expect(() => expiringCertificates(certs(), new Date('nonsense'))).toThrow(TypeError);
    expect(() => expiringCertificates(certs(), new Date(), -1)).toThrow(RangeError);
  });
});
