// Shared by the specs of this lib (not exported): a development PKI in a temp dir, plus a second,
// unrelated CA that issued a certificate with the same OIN as a real party (an impostor).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatchsignaalBericht, MeldingBericht } from '@vir/contracts';
import { createDevPki, loadCaBundle, loadCredentials, TrustStore, type Credentials } from '@vir/pki';

export const OIN = {
  index: '00000001823288444000',
  rvdk: '00000001003214345000',
  regio: '00000003273416560001',
};

export interface TestPki {
  dir: string;
  index: Credentials;
  rvdk: Credentials;
  regio: Credentials;
  /** Same OIN as rvdk, issued by a CA we do not trust. */
  impostor: Credentials;
  trustStore: TrustStore;
  cleanup(): void;
}

export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'vir-xml-pki-'));
  const rogueDir = mkdtempSync(join(tmpdir(), 'vir-xml-rogue-'));
  await Promise.all([
    createDevPki(dir, [
      { name: 'index', oin: OIN.index, commonName: 'Landelijke Verwijsindex', keyEncipherment: true },
      { name: 'rvdk', oin: OIN.rvdk, commonName: 'Raad voor de Kinderbescherming' },
      { name: 'regio', oin: OIN.regio, commonName: 'Verwijsindex Noord-Holland Noord' },
    ]),
    createDevPki(rogueDir, [{ name: 'rvdk', oin: OIN.rvdk, commonName: 'Raad voor de Kinderbescherming' }]),
  ]);
  const [root, issuing] = loadCaBundle(dir);
  return {
    dir,
    index: loadCredentials(dir, 'index'),
    rvdk: loadCredentials(dir, 'rvdk'),
    regio: loadCredentials(dir, 'regio'),
    impostor: loadCredentials(rogueDir, 'rvdk'),
    trustStore: new TrustStore({ roots: [root], intermediates: [issuing] }),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(rogueDir, { recursive: true, force: true });
    },
  };
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

/** A moment at which every test certificate is valid. */
export const NOW = new Date();

export function stripSignature(xml: string): string {
  return xml.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
}
