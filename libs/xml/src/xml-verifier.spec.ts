import { openMelding, sealMelding, verifyMelding, VIR_NS, type XmlErrorCode } from './index';
import { signDocument } from './xml-signer';
import { BSN, createTestPki, NOW, refusalOf, sampleMelding, stripSignature, type TestPki } from './test-pki.fixture';

let pki: TestPki;
let signed: string;
beforeAll(async () => {
  pki = await createTestPki();
  signed = sealMelding(sampleMelding(), { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem });
});
afterAll(() => pki.cleanup());

const verify = (xml: string, maxBytes?: number) => verifyMelding(xml, { trustStore: pki.trustStore, at: NOW, maxBytes });

function codeOf(fn: () => unknown): XmlErrorCode | 'accepted' {
  const r = refusalOf(fn);
  return r === 'accepted' ? r : r.code;
}

const signatureOf = (xml: string) => /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)![0];

/** An unsigned melding with attacker data, for wrapping attempts. */
function attackerMelding(): string {
  const m = sampleMelding();
  m.melder.naam = 'Mallory';
  return stripSignature(
    sealMelding(m, { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem }),
  ).replace(/^<\?xml[^>]*>/, '');
}

describe('raw input guards', () => {
  it('accepts the untouched message', () => {
    expect(codeOf(() => verify(signed))).toBe('accepted');
  });

  it('rejects a DOCTYPE before parsing', () => {
    const xml = signed.replace('?>', '?><!DOCTYPE Melding [<!ELEMENT Melding ANY>]>');
    expect(codeOf(() => verify(xml))).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('rejects entity declarations (billion laughs, XXE) before parsing', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
    expect(codeOf(() => verify(xxe))).toBe('XML_DOCTYPE_FORBIDDEN');
    expect(codeOf(() => verify('<x><!ENTITY a "b"></x>'))).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('rejects an oversized document, by default above 64 KiB', () => {
    expect(codeOf(() => verify(signed, 1024))).toBe('XML_TOO_LARGE');
    const padded = signed.replace('</Melding>', `<!--${'x'.repeat(70_000)}--></Melding>`);
    expect(codeOf(() => verify(padded))).toBe('XML_TOO_LARGE');
    // Counted in UTF-8 bytes, not characters.
    const multiByte = signed.replace('</Melding>', `<!--${'€'.repeat(22_000)}--></Melding>`);
    expect(multiByte.length).toBeLessThan(65536);
    expect(codeOf(() => verify(multiByte))).toBe('XML_TOO_LARGE');
  });

  it('rejects malformed XML with a position but without quoting it', () => {
    const xml = signed.replace('<Convenant>66</Convenant>', `<Convenant>66</Konvenant>${BSN.jeugdige}`);
    let message = '';
    expect(
      codeOf(() => {
        try {
          verify(xml);
        } catch (error) {
          message = (error as Error).message;
          throw error;
        }
      }),
    ).toBe('XML_MALFORMED');
    expect(message).toMatch(/line \d+, column \d+/);
    expect(codeOf(() => verify(''))).toBe('XML_MALFORMED');
    expect(codeOf(() => verify('not xml at all'))).toBe('XML_MALFORMED');
  });

  it('rejects a root in the wrong (or no) namespace', () => {
    expect(codeOf(() => verify(signed.replace(`xmlns="${VIR_NS}"`, 'xmlns="urn:other"')))).toBe('XML_WRONG_NAMESPACE');
    expect(codeOf(() => verify(signed.replace(`xmlns="${VIR_NS}"`, '')))).toBe('XML_WRONG_NAMESPACE');
  });

  it('rejects an element of ours moved into another namespace, even when validly signed', () => {
    const xml = stripSignature(signed).replace('<Convenant>66</Convenant>', '<Convenant xmlns="urn:other">66</Convenant>');
    expect(codeOf(() => verify(signDocument(xml, pki.rvdk)))).toBe('XML_WRONG_NAMESPACE');
  });
});

describe('signature structure', () => {
  it('rejects an unsigned message', () => {
    expect(codeOf(() => verify(stripSignature(signed)))).toBe('SIGNATURE_MISSING');
  });

  it('rejects a weaker signature algorithm', () => {
    const xml = signed.replace('xmldsig-more#rsa-sha256', 'xmldsig#rsa-sha1');
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_INVALID');
  });

  it('rejects a valid signature made with a key other than the certificate in KeyInfo', () => {
    // The regional index's (trusted) certificate next to rvdk's signature.
    const regioCert = pki.regio.certificatePem.replace(/-----[A-Z ]+-----|\s/g, '');
    const xml = signed.replace(/<ds:X509Certificate>[^<]+/, `<ds:X509Certificate>${regioCert}`);
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_INVALID');
  });

  it('rejects garbage in X509Certificate as untrusted', () => {
    const xml = signed.replace(/<ds:X509Certificate>[^<]+/, '<ds:X509Certificate>AAAA');
    expect(codeOf(() => verify(xml))).toBe('CERT_UNTRUSTED');
  });
});

describe('signature wrapping', () => {
  it('an unsigned element added beside the signed content does not verify', () => {
    const extra = '<Jeugdige><Bsn>x</Bsn><Geboortedatum>2010-01-01</Geboortedatum></Jeugdige>';
    const xml = signed.replace('<ds:Signature', `${extra}<ds:Signature`);
    expect(['SIGNATURE_INVALID', 'SIGNATURE_WRAPPING']).toContain(codeOf(() => verify(xml)));
  });

  it('a second Melding beside the signed one (after the signature) is refused', () => {
    const xml = signed.replace('</ds:Signature>', `</ds:Signature>${attackerMelding()}`);
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_WRAPPING');
  });

  it('an attacker root around the signed Melding is refused', () => {
    const inner = signed.replace(/^<\?xml[^>]*>/, '');
    const outer = attackerMelding().replace(/<\/Melding>$/, `${inner}</Melding>`);
    expect(codeOf(() => verify(outer))).toBe('SIGNATURE_WRAPPING');
  });

  it('an attacker Melding hidden in a ds:Object of the signature is refused', () => {
    const xml = signed.replace('</ds:KeyInfo></ds:Signature>', `</ds:KeyInfo><ds:Object>${attackerMelding()}</ds:Object></ds:Signature>`);
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_WRAPPING');
  });

  it('a second signature is refused', () => {
    const sig = signatureOf(signed);
    expect(codeOf(() => verify(signed.replace('</ds:Signature>', `</ds:Signature>${sig}`)))).toBe('SIGNATURE_WRAPPING');
  });

  it('a reference to a single element (URI="#id") is refused', () => {
    const xml = signed.replace('<ds:Reference URI="">', '<ds:Reference URI="#ek">');
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_WRAPPING');
  });

  it('a reference without URI is refused', () => {
    const xml = signed.replace('<ds:Reference URI="">', '<ds:Reference>');
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_WRAPPING');
  });

  it('a second reference is refused', () => {
    const reference = /<ds:Reference[\s\S]*<\/ds:Reference>/.exec(signed)![0];
    const xml = signed.replace('</ds:Reference>', `</ds:Reference>${reference}`);
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_WRAPPING');
  });

  it('reads data from the signed canonical form: a comment cannot truncate a value', () => {
    // Comments are not signed (same-document reference), so inserting one keeps the signature
    // valid; a parser reading the original text node by node would then see "Anna de V".
    const xml = signed.replace('Anna de Vries', 'Anna de V<!-- -->ries');
    const opened = openMelding(xml, { trustStore: pki.trustStore, at: NOW, recipientKey: pki.index.privateKey });
    expect(opened.message.melder.naam).toBe('Anna de Vries-Özdemir');
  });
});

describe('signature wrapping against our own parse tree', () => {
  it('a Signature whose prefix is bound to another namespace is not a signature', () => {
    const xml = signed.replace('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">', '<ds:Signature xmlns:ds="urn:fake">');
    expect(codeOf(() => verify(xml))).toBe('SIGNATURE_MISSING');
  });

  it('a second Signature hidden in a business element is refused', () => {
    const sig = signatureOf(signed);
    expect(codeOf(() => verify(signed.replace('<Organisatie>', `<Organisatie>${sig}`)))).toBe('SIGNATURE_WRAPPING');
  });

  it('text or an element after the Signature is refused', () => {
    expect(codeOf(() => verify(signed.replace('</ds:Signature>', '</ds:Signature>x')))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => verify(signed.replace('</ds:Signature>', '</ds:Signature><Convenant>7</Convenant>')))).toBe('SIGNATURE_WRAPPING');
  });

  it('text inside the Signature is refused', () => {
    expect(codeOf(() => verify(signed.replace('<ds:SignatureValue>', 'x<ds:SignatureValue>')))).toBe('SIGNATURE_WRAPPING');
  });

  it('line-end and entity variants of the same content still verify (XML semantics, not bytes)', () => {
    const variant = signed.replace('<Convenant>66</Convenant>', '<Convenant>&#54;6</Convenant>').replace('><Referentie>', '><Referentie><![CDATA[]]>');
    expect(codeOf(() => verify(variant))).toBe('accepted');
  });
});
