import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MatchsignaalBericht } from '@vir/contracts';
import { DEMO_PARTIES, DEV_INDEX } from '@vir/devstack';
import { loadCredentials, loadTrustStore } from '@vir/pki';
import { ROOT_DIR, regionalMelding, testBsn } from '@vir/testing';
import { openMatchsignaal, sealMelding, XmlMessageError } from '@vir/xml';
import { toMeldingBericht, type RegionaleMeldingDto } from '@vir/contracts';
import { IndexCrypto, type IndexCryptoFiles } from '../src/matching/index-crypto';
import { InThreadXml, type IndexXml } from '../src/matching/index-xml';
import { XmlWorkerPool } from '../src/matching/xml-worker.pool';
import { devIndexFiles } from './index-store.fixture';

// The worker threads give exactly what the calling thread gives: the same opened melding, the
// same coded refusal (an XmlMessageError rebuilt on this side), signals that verify. The worker
// script is the compiled one in dist/ (npm test builds first), as the index runs it.

let pool: XmlWorkerPool;
let local: InThreadXml;
let files: IndexCryptoFiles;

beforeAll(async () => {
  files = await devIndexFiles();
  const crypto = new IndexCrypto(files);
  local = new InThreadXml(crypto);
  pool = new XmlWorkerPool(crypto.signer.oin, { files, crlRefreshMs: 600_000 }, 2, join(ROOT_DIR, 'dist', 'apps', 'index', 'src', 'matching', 'xml.worker.js'));
});

afterAll(async () => {
  await pool?.close();
});

function sealed(n: number): string {
  const nhn = DEMO_PARTIES.find((p) => p.name === 'regio-nhn')!;
  const signer = loadCredentials(join(ROOT_DIR, 'certs', 'dev'), nhn.name);
  const melding = toMeldingBericht(regionalMelding({ bsn: testBsn(n), melderId: `w${n}` }) as unknown as RegionaleMeldingDto, nhn, new Date());
  return sealMelding(melding, { signer, recipientCertificatePem: readFileSync(files.decryptionCertFile!, 'utf8') });
}

it('opens meldingen on worker threads exactly as in the calling thread', async () => {
  const xmls = Array.from({ length: 8 }, (_, i) => sealed(7000 + i));
  const at = new Date();
  const [viaPool, inThread] = await Promise.all([pool.openMeldingen(xmls, at), local.openMeldingen(xmls, at)]);
  expect(viaPool).toEqual(inThread);
  expect(viaPool.map((o) => (o.ok ? o.value.message.jeugdige.bsn : o.error))).toEqual(xmls.map((_, i) => testBsn(7000 + i)));
});

it('rejects a tampered melding with the same coded XmlMessageError', async () => {
  const tampered = sealed(7100).replace(/<Referentie>[^<]*<\/Referentie>/, '<Referentie>changed</Referentie>');
  const at = new Date();
  const error = async (xml: IndexXml) => {
    const [opened] = await xml.openMeldingen([tampered], at);
    return opened.ok ? opened.value : opened.error;
  };
  const [fromPool, fromThread] = [await error(pool), await error(local)];
  expect(fromThread).toBeInstanceOf(XmlMessageError);
  expect(fromPool).toBeInstanceOf(XmlMessageError);
  expect(fromPool).toMatchObject({ code: (fromThread as XmlMessageError).code, detailCode: 'SIGNATURE_DIGEST_MISMATCH' });
});

it('opens a chunk in one request per worker: results in order, a refusal fails only its own melding', async () => {
  const xmls = Array.from({ length: 7 }, (_, i) => sealed(7200 + i));
  xmls[4] = xmls[4].replace(/<Referentie>[^<]*<\/Referentie>/, '<Referentie>changed</Referentie>');
  const at = new Date();
  const [viaPool, inThread] = await Promise.all([pool.openMeldingen(xmls, at), local.openMeldingen(xmls, at)]);
  expect(viaPool.map((r) => r.ok)).toEqual([true, true, true, true, false, true, true]);
  expect(viaPool.flatMap((r) => (r.ok ? [r.value.message.jeugdige.bsn] : []))).toEqual(xmls.flatMap((_, i) => (i === 4 ? [] : [testBsn(7200 + i)])));
  expect(viaPool.filter((r) => r.ok)).toEqual(inThread.filter((r) => r.ok));
  const refused = viaPool[4];
  expect(refused.ok ? undefined : refused.error).toBeInstanceOf(XmlMessageError);
  expect(refused.ok ? undefined : refused.error).toMatchObject({ detailCode: 'SIGNATURE_DIGEST_MISMATCH' });
  expect(await pool.openMeldingen([], at)).toEqual([]);
});

it('signs matchsignalen across the workers, in order, and they verify as the index', async () => {
  const berichten: MatchsignaalBericht[] = Array.from({ length: 5 }, (_, i) => ({
    berichtId: randomUUID(),
    afzenderOin: pool.signerOin,
    ontvangerOin: '00000003273416560001',
    verzonden: new Date().toISOString(),
    matchId: randomUUID(),
    soort: 'kind',
    reikwijdte: 'binnen-convenant',
    eigenMelding: { referentie: `R-${i}`, berichtId: randomUUID() },
    andereMelder: { id: `m${i}`, naam: 'Professional', convenant: '7' },
    andereOrganisatie: { naam: 'School', domein: 'onderwijs' },
  }));
  const xmls = await pool.signMatchsignalen(berichten);
  const trustStore = loadTrustStore({ rootFile: files.rootFile, intermediatesFile: files.intermediatesFile, crlFile: files.crlFile });
  const opened = xmls.map((x) => openMatchsignaal(x, { trustStore, at: new Date() }));
  expect(opened.map((o) => o.message.eigenMelding.referentie)).toEqual(['R-0', 'R-1', 'R-2', 'R-3', 'R-4']);
  expect(new Set(opened.map((o) => o.signerOin))).toEqual(new Set([DEV_INDEX.oin]));
});
