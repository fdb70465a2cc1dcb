import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toMeldingBericht, type MeldingBericht, type RegionaleMeldingDto } from '@vir/contracts';
import { DEMO_PARTIES, DEV_INDEX_ENCRYPTION, ensureDevPki } from '@vir/devstack';
import { loadCredentials, loadTrustStore } from '@vir/pki';
import { ROOT_DIR, regionalMelding, testBsn } from '@vir/testing';
import { openMelding, type Signer } from '@vir/xml';
import { InThreadSealer, SealerPool } from '../src/ingress/melding-sealer';

// Sealing on worker threads gives what sealing in the calling thread gives: meldingen the index
// opens to the same content, signed by the tenant; a failure is a rejection, and the pool goes on.
// The worker script is the compiled one in dist/ (npm test builds first), as the gateway runs it.

let pool: SealerPool;
let local: InThreadSealer;
let signer: Signer;
let open: (xml: string) => MeldingBericht;

beforeAll(async () => {
  const pki = await ensureDevPki(ROOT_DIR);
  const recipientCertificatePem = readFileSync(pki.cert(DEV_INDEX_ENCRYPTION.name), 'utf8');
  pool = new SealerPool({ recipientCertificatePem }, 2, join(ROOT_DIR, 'dist', 'apps', 'gateway', 'src', 'ingress', 'sealer.worker.js'));
  local = new InThreadSealer(recipientCertificatePem);
  signer = loadCredentials(join(ROOT_DIR, 'certs', 'dev'), 'regio-nhn');
  const trustStore = loadTrustStore({ rootFile: pki.rootCert, intermediatesFile: pki.intermediateCert, crlFile: pki.crl });
  const recipientKey = createPrivateKey(readFileSync(pki.key(DEV_INDEX_ENCRYPTION.name)));
  open = (xml) => {
    const opened = openMelding(xml, { trustStore, at: new Date(), recipientKey });
    expect(opened.signerOin).toBe(signer.oin);
    return opened.message;
  };
});

afterAll(async () => {
  await pool?.close();
});

const melding = (n: number): MeldingBericht => {
  const nhn = DEMO_PARTIES.find((p) => p.name === 'regio-nhn')!;
  return toMeldingBericht(regionalMelding({ bsn: testBsn(n), melderId: `s${n}` }) as unknown as RegionaleMeldingDto, nhn, new Date());
};

it('seals meldingen on worker threads that open to exactly what they were, as sealed in this thread', async () => {
  const meldingen = Array.from({ length: 12 }, (_, i) => melding(8000 + i));
  const [viaPool, inThread] = await Promise.all([Promise.all(meldingen.map((m) => pool.seal(m, signer))), Promise.all(meldingen.map((m) => local.seal(m, signer)))]);
  expect(viaPool.map(open)).toEqual(meldingen);
  expect(inThread.map(open)).toEqual(meldingen);
});

it('writes schema 1.3 (one EncryptedData in Bsns) by default, 1.2 (one per Bsn) with BSN_ENCRYPTION=separately', async () => {
  const pki = await ensureDevPki(ROOT_DIR);
  const recipientCertificatePem = readFileSync(pki.cert(DEV_INDEX_ENCRYPTION.name), 'utf8');
  const separatePool = new SealerPool({ recipientCertificatePem, bsnEncryption: 'separately' }, 1, join(ROOT_DIR, 'dist', 'apps', 'gateway', 'src', 'ingress', 'sealer.worker.js'));
  try {
    const m = { ...melding(8200), ouders: [{ bsn: testBsn(8201) }] };
    const together = [await pool.seal(m, signer), await local.seal(m, signer)];
    const separately = [await separatePool.seal(m, signer), await new InThreadSealer(recipientCertificatePem, 'separately').seal(m, signer)];
    for (const xml of together) {
      expect(xml).toContain('<Bsns><xenc:EncryptedData ');
      expect(xml.match(/<xenc:EncryptedData /g)).toHaveLength(1);
    }
    for (const xml of separately) {
      expect(xml).not.toContain('<Bsns>');
      expect(xml.match(/<xenc:EncryptedData /g)).toHaveLength(2);
    }
    for (const xml of [...together, ...separately]) expect(open(xml)).toEqual(m);
  } finally {
    await separatePool.close();
  }
});

it('rejects what cannot be sealed, and keeps sealing after it', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }); // no key we can sign national messages with
  await expect(pool.seal(melding(8100), { ...signer, privateKey })).rejects.toThrow(/sealing failed/);
  expect(open(await pool.seal(melding(8101), signer)).jeugdige.bsn).toBe(testBsn(8101));
});
