// What we write is already its own exclusive canonical form (xml-writer.ts), which is what lets
// signBuilt digest a document without parsing it. Checked here for every message type, with field
// values full of characters that canonicalisation escapes, against our c14n and xml-crypto's, and
// by signing each document both ways.
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import type { MeldingBericht } from '@vir/contracts';
import {
  KeyAgreementSession,
  sealMelding,
  signFoutbericht,
  signIntrekking,
  signMatchsignaal,
  signOntvangstbevestiging,
  signPing,
  signVerwijdering,
} from './index';
import { canonicalizeDocument } from './exc-c14n';
import { parseXml } from './xml-parser';
import { signBuilt, signDocument } from './xml-signer';
import { XML_DECLARATION } from './xml-writer';
import {
  createTestPki,
  sampleFoutbericht,
  sampleIntrekking,
  sampleMatchsignaal,
  sampleMelding,
  sampleOntvangstbevestiging,
  samplePing,
  sampleVerwijdering,
  stripSignature,
  type TestPki,
} from './test-pki.fixture';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => pki.cleanup());

function theirs(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  return new ExclusiveCanonicalization().process(doc.documentElement as unknown as Parameters<ExclusiveCanonicalization['process']>[0], {});
}

/** Free text as awkward as the field rules allow: markup characters, quotes, entities, non-ASCII. */
const AWKWARD = ['a & b', '<tag>', 'x > y', '"quoted"', "it's", '&amp;', ']]>', 'Zoë Ñúñez', '李', '😀', ' spaced  out '];

function sampleMessages(variant: number): Record<string, string> {
  const text = (base: string) => `${base} ${AWKWARD[variant % AWKWARD.length]}${AWKWARD[(variant * 7 + 3) % AWKWARD.length]}`.slice(0, 90);
  const melding: MeldingBericht = sampleMelding();
  melding.referentie = text('ref');
  melding.melder = { ...melding.melder, naam: text('Naam') };
  melding.organisatie = { ...melding.organisatie, naam: text('Org') };
  if (variant % 2 === 1) {
    melding.ouders = [];
    delete melding.melder.telefoon;
  }
  const signal = sampleMatchsignaal();
  signal.andereMelder = { ...signal.andereMelder, naam: text('Ander') };
  const ack = sampleOntvangstbevestiging();
  const fout = sampleFoutbericht();
  fout.omschrijving = text('omschrijving');
  return {
    'Melding (RSA-OAEP)': sealMelding(melding, { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem }),
    'Melding (ECDH-ES)': sealMelding(melding, { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem }),
    'Melding (ECDH-ES session)': sealMelding(melding, {
      signer: pki.rvdk,
      recipientCertificatePem: pki.indexEnc.certificatePem,
      keyAgreement: new KeyAgreementSession(),
    }),
    Intrekking: signIntrekking(sampleIntrekking(), pki.rvdk),
    Verwijdering: signVerwijdering(sampleVerwijdering(), pki.regio),
    Matchsignaal: signMatchsignaal(signal, pki.index),
    Ontvangstbevestiging: signOntvangstbevestiging(ack, pki.index),
    Foutbericht: signFoutbericht(fout, pki.index),
    Ping: signPing(samplePing(), pki.regio),
  };
}

describe('the documents we write are their own exclusive canonical form', () => {
  for (let variant = 0; variant < 6; variant++) {
    it(`every message type, field values variant ${variant}`, () => {
      for (const [kind, signed] of Object.entries(sampleMessages(variant))) {
        const unsigned = stripSignature(signed);
        expect(unsigned.startsWith(XML_DECLARATION)).toBe(true);
        const body = unsigned.slice(XML_DECLARATION.length);
        expect({ kind, c14n: canonicalizeDocument(parseXml(unsigned)) }).toEqual({ kind, c14n: body });
        expect({ kind, c14n: theirs(unsigned) }).toEqual({ kind, c14n: body });
        // RSA PKCS#1 v1.5 signatures are deterministic: the fast path signs exactly what the general one does.
        expect({ kind, signed: signBuilt(unsigned, pki.regio) }).toEqual({ kind, signed: signDocument(unsigned, pki.regio) });
      }
    });
  }

  it('signBuilt refuses what is not ours to digest unparsed, and characters XML does not allow', () => {
    expect(() => signBuilt('<Melding xmlns="urn:nl:vir:berichten:v1"></Melding>', pki.regio)).toThrow(/buildDocument/);
    const melding = sampleMelding();
    melding.melder.naam = 'Anna \uFFFF';
    expect(() => sealMelding(melding, { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem })).toThrow(
      expect.objectContaining({ code: 'XML_MALFORMED' }),
    );
    melding.melder.naam = 'Anna \uD800';
    expect(() => sealMelding(melding, { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem })).toThrow(
      expect.objectContaining({ code: 'XML_MALFORMED' }),
    );
  });
});
