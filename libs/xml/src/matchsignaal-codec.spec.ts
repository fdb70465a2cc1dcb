import { openMatchsignaal, signMatchsignaal, XmlMessageError } from './index';
import { createTestPki, NOW, OIN, sampleMatchsignaal, type TestPki } from './test-pki.fixture';

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
