import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevPki } from './dev-pki';
import { certFile, crlFile, ISSUING_CA, ROOT_CA } from './dev-pki-files';
import { loadTrustStore } from './credential-loader';
import { readCrl, splitCrls } from './crl-reader';

describe('loadTrustStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vir-trust-'));
  beforeAll(() => createDevPki(dir, [{ name: 'party', oin: '00000003273416560009', commonName: 'Party' }]));

  it('loads roots, intermediates and a PEM or DER CRL from files, and trusts a party certificate', () => {
    const pemCrl = crlFile(dir);
    const derCrl = join(dir, 'crl.der');
    writeFileSync(derCrl, splitCrls(readFileSync(pemCrl, 'utf8'))[0]);
    expect(readCrl(readFileSync(derCrl)).entries).toEqual([]);
    for (const crl of [pemCrl, derCrl]) {
      const store = loadTrustStore({ rootFile: certFile(dir, ROOT_CA), intermediatesFile: certFile(dir, ISSUING_CA), crlFile: crl });
      expect(store.check(readFileSync(certFile(dir, 'party'), 'utf8'), new Date())).toMatchObject({ trusted: true, oin: '00000003273416560009', revocationChecked: true });
    }
  });
});
