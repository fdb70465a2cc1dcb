// Shared by the specs of this lib (not exported): a development PKI in a temp dir, plus a second,
// unrelated CA that issued a certificate with the same OIN as a real party (an impostor).
import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as forge from 'node-forge';
import type {
  FoutBericht,
  IntrekkingBericht,
  MatchsignaalBericht,
  MatchsignalenBericht,
  MeldingBericht,
  OntvangstbevestigingBericht,
  PingBericht,
  VerwijderingBericht,
} from '@vir/contracts';
import { createDevPki, loadCaBundle, loadCredentials, TrustStore, type Credentials } from '@vir/pki';
import { XmlMessageError } from './xml-errors';

export const OIN = {
  index: '00000001823288444000',
  rvdk: '00000001003214345000',
  regio: '00000003273416560001',
};

export interface TestPki {
  dir: string;
  index: Credentials;
  /** The index's EC P-256 encryption certificate (keyAgreement only): ECDH-ES. */
  indexEnc: Credentials;
  rvdk: Credentials;
  regio: Credentials;
  /** EC P-256 signing certificates (keyUsage digitalSignature): ECDSA signatures. */
  indexEc: Credentials;
  rvdkEc: Credentials;
  /** Same OIN as rvdk, issued by a CA we do not trust. */
  impostor: Credentials;
  /** Issued by our CA for rvdk's OIN, but its keyUsage lacks digitalSignature. */
  noDigitalSignature: Credentials;
  trustStore: TrustStore;
  cleanup(): void;
}

export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'vir-xml-pki-'));
  const rogueDir = mkdtempSync(join(tmpdir(), 'vir-xml-rogue-'));
  await Promise.all([
    createDevPki(dir, [
      { name: 'index', oin: OIN.index, commonName: 'Landelijke Verwijsindex', keyEncipherment: true },
      { name: 'index-enc', oin: OIN.index, commonName: 'Landelijke Verwijsindex (versleuteling)', keyType: 'ec-p256', keyAgreement: true },
      { name: 'rvdk', oin: OIN.rvdk, commonName: 'Raad voor de Kinderbescherming' },
      { name: 'regio', oin: OIN.regio, commonName: 'Verwijsindex Noord-Holland Noord' },
      { name: 'index-ec', oin: OIN.index, commonName: 'Landelijke Verwijsindex (ECDSA)', keyType: 'ec-p256' },
      { name: 'rvdk-ec', oin: OIN.rvdk, commonName: 'Raad voor de Kinderbescherming (ECDSA)', keyType: 'ec-p256' },
    ]),
    createDevPki(rogueDir, [{ name: 'rvdk', oin: OIN.rvdk, commonName: 'Raad voor de Kinderbescherming' }]),
  ]);
  const [root, issuing] = loadCaBundle(dir);
  return {
    dir,
    index: loadCredentials(dir, 'index'),
    indexEnc: loadCredentials(dir, 'index-enc'),
    rvdk: loadCredentials(dir, 'rvdk'),
    regio: loadCredentials(dir, 'regio'),
    indexEc: loadCredentials(dir, 'index-ec'),
    rvdkEc: loadCredentials(dir, 'rvdk-ec'),
    impostor: loadCredentials(rogueDir, 'rvdk'),
    noDigitalSignature: issueWithoutDigitalSignature(dir, OIN.rvdk),
    trustStore: new TrustStore({ roots: [root], intermediates: [issuing] }),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(rogueDir, { recursive: true, force: true });
    },
  };
}

/** A leaf from the dev issuing CA whose keyUsage is keyEncipherment only (the dev PKI never issues one). */
function issueWithoutDigitalSignature(dir: string, oin: string): Credentials {
  const issuerCert = forge.pki.certificateFromPem(readFileSync(join(dir, 'issuing-ca.cert.pem'), 'utf8'));
  const issuerKey = createPrivateKey(readFileSync(join(dir, 'issuing-ca.key.pem'), 'utf8'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `4${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 10 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600 * 1000);
  cert.setSubject([
    { shortName: 'C', value: 'NL' },
    { name: 'serialNumber', value: oin },
    { shortName: 'CN', value: 'Encryption only' },
  ]);
  cert.setIssuer(issuerCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: false, keyEncipherment: true, critical: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  const { getTBSCertificate } = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  cert.tbsCertificate = getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, issuerKey).toString('binary');
  return { name: 'no-digital-signature', oin, privateKey, certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n') };
}

/** Valid under the 11-proef, and distinct so a leak of any one is detectable. */
export const BSN = { jeugdige: '111222333', ouder1: '123456782', ouder2: '999999990' };

export function sampleMelding(afzenderOin: string = OIN.rvdk): MeldingBericht {
  return {
    berichtId: randomUUID(),
    afzenderOin,
    verzonden: '2025-03-01T10:15:30.123Z',
    convenant: '66',
    referentie: 'RvdK-2025-0042 & <zaak>',
    jeugdige: { bsn: BSN.jeugdige, geboortedatum: '2012-03-04' },
    ouders: [{ bsn: BSN.ouder1 }, { bsn: BSN.ouder2 }],
    meldingsdatum: '2025-03-01',
    melder: { id: 'mw-17', naam: 'Anna de Vries-Özdemir', telefoon: '+31 6 1234 5678', email: 'a.devries@example.nl' },
    organisatie: { naam: 'Raad voor de Kinderbescherming', domein: 'politie-en-justitie' },
  };
}

export function sampleMatchsignaal(ontvangerOin: string = OIN.rvdk): MatchsignaalBericht {
  return {
    berichtId: randomUUID(),
    afzenderOin: OIN.index,
    ontvangerOin,
    verzonden: '2025-03-01T10:15:31Z',
    matchId: randomUUID(),
    soort: 'gezin',
    reikwijdte: 'convenant-overstijgend',
    eigenMelding: { referentie: 'RvdK-2025-0042', berichtId: randomUUID() },
    andereMelder: { id: 'lk-3', naam: 'Piet Pietersen', email: 'p.pietersen@school.example', convenant: '7' },
    andereOrganisatie: { naam: 'Basisschool De Regenboog', domein: 'onderwijs' },
  };
}

/** A Matchsignalen of `count` signals for one party, as the index bundles them. */
export function sampleMatchsignalen(count = 3, ontvangerOin: string = OIN.regio): MatchsignalenBericht {
  return {
    berichtId: randomUUID(),
    afzenderOin: OIN.index,
    ontvangerOin,
    verzonden: '2025-03-01T10:15:31Z',
    signalen: Array.from({ length: count }, (_, i) => ({ ...sampleMatchsignaal(ontvangerOin), soort: i % 2 === 0 ? ('gezin' as const) : ('kind' as const) })),
  };
}

/** A moment at which every test certificate is valid. */
export const NOW = new Date();

export function stripSignature(xml: string): string {
  return xml.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
}

export function sampleIntrekking(afzenderOin: string = OIN.rvdk): IntrekkingBericht {
  return {
    berichtId: randomUUID(),
    afzenderOin,
    verzonden: '2025-03-02T09:00:00+01:00',
    melding: { berichtId: randomUUID(), referentie: 'RvdK-2025-0042' },
    intrekkingsdatum: '2025-03-02',
    reden: 'zorg-afgerond',
  };
}

export function sampleVerwijdering(afzenderOin: string = OIN.regio): VerwijderingBericht {
  return {
    berichtId: randomUUID(),
    afzenderOin,
    verzonden: '2025-04-01T12:00:00Z',
    gemeentecode: '0363',
    melding: { afzenderOin: OIN.rvdk, referentie: 'RvdK-2025-0042' },
    reden: 'bezwaar-gegrond',
    besluitdatum: '2025-03-28',
  };
}

export function sampleOntvangstbevestiging(ontvangerOin: string = OIN.regio): OntvangstbevestigingBericht {
  const id = randomUUID();
  return {
    berichtId: randomUUID(),
    afzenderOin: OIN.index,
    ontvangerOin,
    verzonden: '2025-03-01T10:15:31Z',
    resultaten: [
      { trackingId: id, berichtId: id, resultaat: 'geaccepteerd' },
      { trackingId: randomUUID(), resultaat: 'afgewezen', fout: { code: 'BSN_INVALID', omschrijving: '/Melding/Jeugdige/Bsn fails the 11-proef' } },
    ],
  };
}

export function sampleFoutbericht(ontvangerOin: string = OIN.rvdk): FoutBericht {
  return {
    berichtId: randomUUID(),
    afzenderOin: OIN.index,
    ontvangerOin,
    verzonden: '2025-03-01T10:15:31Z',
    betreft: randomUUID(),
    code: 'SIGNATURE_DIGEST_MISMATCH',
    omschrijving: 'the message was altered after signing (reference digest mismatch)',
  };
}

export function samplePing(afzenderOin: string = OIN.regio): PingBericht {
  return {
    berichtId: randomUUID(),
    afzenderOin,
    ontvangerOin: OIN.index,
    verzonden: '2025-03-01T10:00:00.000Z',
    pingId: randomUUID(),
    richting: 'heen',
    hops: [{ component: 'regio:nhn/connector', tijdstip: '2025-03-01T10:00:00.000Z' }],
  };
}

/**
 * What a call refuses with (or 'accepted'), checking on the way that no refusal message ever
 * carries one of the test BSNs.
 */
export function refusalOf(fn: () => unknown): XmlMessageError | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof XmlMessageError)) throw error;
    for (const bsn of Object.values(BSN)) expect(error.message).not.toContain(bsn);
    return error;
  }
}
