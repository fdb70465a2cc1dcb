import { MAX_SIGNALEN, openMatchsignaal, openMatchsignalen, signMatchsignaal, signMatchsignalen, XmlMessageError } from './index';
import { createTestPki, NOW, OIN, sampleMatchsignaal, sampleMatchsignalen, stripSignature, type TestPki } from './test-pki.fixture';
import { signDocument } from './xml-signer';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => pki.cleanup());

const open = (xml: string) => openMatchsignaal(xml, { trustStore: pki.trustStore, at: NOW });

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof XmlMessageError)) throw error;
    return error.code;
  }
}

describe('signMatchsignaal / openMatchsignaal', () => {
  it('round-trips a matchsignaal', () => {
    const signal = sampleMatchsignaal();
    const opened = open(signMatchsignaal(signal, pki.index));
    expect(opened.message).toEqual(signal);
    expect(opened.signerOin).toBe(OIN.index);
  });

  it('round-trips optional contact details and both match kinds', () => {
    const signal = { ...sampleMatchsignaal(), soort: 'kind' as const, reikwijdte: 'binnen-convenant' as const };
    signal.andereMelder = { id: 'a', naam: 'B', telefoon: '020-1234567', convenant: '66' };
    expect(open(signMatchsignaal(signal, pki.index)).message).toEqual(signal);
  });

  it('produces the documented shape', () => {
    const xml = signMatchsignaal(sampleMatchsignaal(), pki.index);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Matchsignaal xmlns="urn:nl:vir:berichten:v1"><Kop>/);
    expect(xml).toContain('<AndereMelder><Id>lk-3</Id><Naam>Piet Pietersen</Naam><Email>');
    expect(xml).toMatch(/<\/ds:Signature><\/Matchsignaal>$/);
  });

  it('rejects altered content', () => {
    const xml = signMatchsignaal(sampleMatchsignaal(), pki.index).replace('<Soort>gezin</Soort>', '<Soort>kind</Soort>');
    expect(codeOf(() => open(xml))).toBe('SIGNATURE_INVALID');
  });

  it('rejects a signal whose AfzenderOin is not the signer', () => {
    const signal = { ...sampleMatchsignaal(), afzenderOin: OIN.regio };
    expect(codeOf(() => signMatchsignaal(signal, pki.index))).toBe('OIN_MISMATCH');
    const xml = signMatchsignaal(signal, { ...pki.index, oin: OIN.regio });
    expect(codeOf(() => open(xml))).toBe('OIN_MISMATCH');
  });

  it('rejects a signal signed under another CA', () => {
    const signal = { ...sampleMatchsignaal(), afzenderOin: OIN.rvdk };
    expect(codeOf(() => open(signMatchsignaal(signal, pki.impostor)))).toBe('CERT_UNTRUSTED');
  });

  it('refuses to sign invalid fields', () => {
    const signal = { ...sampleMatchsignaal(), soort: 'buren' as never };
    expect(codeOf(() => signMatchsignaal(signal, pki.index))).toBe('XML_SCHEMA_VIOLATION');
    const noId = { ...sampleMatchsignaal(), berichtId: 'not-a-uuid' };
    expect(codeOf(() => signMatchsignaal(noId, pki.index))).toBe('XML_SCHEMA_VIOLATION');
  });

  it('is not accepted as a melding, nor a melding as a signal', () => {
    const xml = signMatchsignaal(sampleMatchsignaal(), pki.index);
    const asMelding = xml.replace('<Matchsignaal ', '<Melding ').replace('</Matchsignaal>', '</Melding>');
    expect(codeOf(() => open(asMelding))).toBe('XML_SCHEMA_VIOLATION');
  });
});

describe('signMatchsignalen / openMatchsignalen (a party\'s signals under one signature)', () => {
  const openBundle = (xml: string) => openMatchsignalen(xml, { trustStore: pki.trustStore, at: NOW });

  it('round-trips a bundle, in order, under ONE signature, with RSA and with ECDSA', () => {
    for (const signer of [pki.index, pki.indexEc]) {
      const bundle = sampleMatchsignalen(5);
      const xml = signMatchsignalen(bundle, signer);
      expect(xml.match(/<ds:Signature /g)).toHaveLength(1);
      expect(xml.match(/<Matchsignaal>/g)).toHaveLength(5);
      const opened = openBundle(xml);
      expect(opened.message).toEqual(bundle);
      expect(opened.signerOin).toBe(OIN.index);
    }
  });

  it('produces the documented shape: each Matchsignaal as a single one, without a signature of its own', () => {
    const bundle = sampleMatchsignalen(2);
    const xml = signMatchsignalen(bundle, pki.indexEc);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Matchsignalen xmlns="urn:nl:vir:berichten:v1"><Kop><BerichtId>[^<]+<\/BerichtId><AfzenderOin>/);
    const single = signMatchsignaal(bundle.signalen[0], pki.indexEc);
    const body = (x: string) => /<Kop>[\s\S]*<\/AndereOrganisatie>/.exec(x)![0];
    expect(xml).toContain(`<Matchsignaal>${body(single)}</Matchsignaal>`);
    expect(xml).toMatch(/<\/Matchsignaal><ds:Signature [\s\S]*<\/ds:Signature><\/Matchsignalen>$/);
  });

  it('rejects a bundle with one signal altered, removed or added', () => {
    const bundle = sampleMatchsignalen(3);
    const xml = signMatchsignalen(bundle, pki.indexEc);
    expect(codeOf(() => openBundle(xml.replace('<Soort>kind</Soort>', '<Soort>gezin</Soort>')))).toBe('SIGNATURE_INVALID');
    const second = /<Matchsignaal>[\s\S]*?<\/Matchsignaal>/g;
    const items = xml.match(second)!;
    expect(codeOf(() => openBundle(xml.replace(items[1], '')))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => openBundle(xml.replace(items[2], items[2] + items[0])))).toBe('SIGNATURE_INVALID');
  });

  it('refuses to sign (and to open) a signal for another party or from another sender in the bundle', () => {
    const forOther = sampleMatchsignalen(2);
    forOther.signalen[1] = { ...forOther.signalen[1], ontvangerOin: OIN.rvdk };
    expect(codeOf(() => signMatchsignalen(forOther, pki.indexEc))).toBe('XML_SCHEMA_VIOLATION');
    // Signed anyway (built by hand, the bundle's Kop naming another party): the reader refuses it too.
    const valid = signMatchsignalen(sampleMatchsignalen(2, OIN.rvdk), pki.indexEc);
    const kop = /<Kop>[\s\S]*?<\/Kop>/.exec(valid)![0];
    const handMade = signDocument(stripSignature(valid).replace(kop, kop.replace(OIN.rvdk, OIN.regio)), pki.indexEc);
    expect(codeOf(() => openBundle(handMade))).toBe('XML_SCHEMA_VIOLATION');
    expect(codeOf(() => openBundle(valid))).toBe('accepted');
  });

  it(`holds 1 to ${MAX_SIGNALEN} signals`, () => {
    expect(codeOf(() => signMatchsignalen(sampleMatchsignalen(0), pki.indexEc))).toBe('XML_SCHEMA_VIOLATION');
    expect(codeOf(() => signMatchsignalen(sampleMatchsignalen(MAX_SIGNALEN + 1), pki.indexEc))).toBe('XML_SCHEMA_VIOLATION');
    const full = signMatchsignalen(sampleMatchsignalen(MAX_SIGNALEN), pki.indexEc);
    expect(openBundle(full).message.signalen).toHaveLength(MAX_SIGNALEN);
  });

  it('is not accepted as a single matchsignaal, nor a single one as a bundle', () => {
    const bundleXml = signMatchsignalen(sampleMatchsignalen(1), pki.indexEc);
    expect(codeOf(() => open(bundleXml))).toBe('XML_SCHEMA_VIOLATION');
    expect(codeOf(() => openBundle(signMatchsignaal(sampleMatchsignaal(), pki.indexEc)))).toBe('XML_SCHEMA_VIOLATION');
  });
});
