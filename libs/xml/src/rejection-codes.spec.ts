// One test per reason of refusal the issue lists, each with its own detail code (and the
// category it belongs to). Also keeps the README's table of codes complete.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { TrustStore } from '@vir/pki';
import { openMelding, sealMelding, verifyMelding, XML_DETAIL_CODES, type XmlDetailCode, type XmlErrorCode } from './index';
import { signDocument } from './xml-signer';
import { createTestPki, NOW, refusalOf, OIN, sampleMelding, stripSignature, type TestPki } from './test-pki.fixture';

let pki: TestPki;
let signed: string;
beforeAll(async () => {
  pki = await createTestPki();
  signed = seal();
});
afterAll(() => pki.cleanup());

function seal(m = sampleMelding(), signer = pki.rvdk): string {
  return sealMelding(m, { signer, recipientCertificatePem: pki.index.certificatePem });
}

interface Refusal {
  code: XmlErrorCode;
  detail: XmlDetailCode;
  certCode?: string;
}

function refusal(fn: () => unknown): Refusal | 'accepted' {
  const r = refusalOf(fn);
  return r === 'accepted' ? r : { code: r.code, detail: r.detailCode, ...(r.certCode ? { certCode: r.certCode } : {}) };
}

const open = (xml: string, at = NOW, extra: { checkBsn?: boolean; trustStore?: Pick<TrustStore, 'check'> } = {}) =>
  refusal(() => openMelding(xml, { trustStore: pki.trustStore, at, recipientKey: pki.index.privateKey, ...extra }));

/** Re-signs a modified body with rvdk's valid key: only the modification can be refused. */
const resign = (xml: string) => signDocument(stripSignature(xml), pki.rvdk);

describe('every refusal has its own detail code', () => {
  it('accepts the untouched message', () => {
    expect(open(signed)).toBe('accepted');
  });

  it('malformed XML → XML_MALFORMED', () => {
    expect(open(signed.replace('</Referentie>', '</Referentei>'))).toEqual({ code: 'XML_MALFORMED', detail: 'XML_MALFORMED' });
    expect(open(signed.replace('<Convenant>66', '<Convenant>6&6'))).toEqual({ code: 'XML_MALFORMED', detail: 'XML_MALFORMED' });
  });

  it('DOCTYPE → XML_DOCTYPE_FORBIDDEN', () => {
    expect(open(signed.replace('?>', '?><!DOCTYPE Melding>'))).toEqual({ code: 'XML_DOCTYPE_FORBIDDEN', detail: 'XML_DOCTYPE_FORBIDDEN' });
  });

  it('external entity (XXE) → XML_EXTERNAL_ENTITY', () => {
    const xxe = signed.replace('?>', '?><!DOCTYPE Melding [<!ENTITY x SYSTEM "file:///etc/passwd">]>').replace('>66<', '>&x;<');
    expect(open(xxe)).toEqual({ code: 'XML_DOCTYPE_FORBIDDEN', detail: 'XML_EXTERNAL_ENTITY' });
    const externalDtd = signed.replace('?>', '?><!DOCTYPE Melding SYSTEM "http://evil.example/m.dtd">');
    expect(open(externalDtd)).toEqual({ code: 'XML_DOCTYPE_FORBIDDEN', detail: 'XML_EXTERNAL_ENTITY' });
  });

  it('entity expansion (billion laughs) → XML_ENTITY_EXPANSION', () => {
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const xml = signed.replace('?>', `?><!DOCTYPE Melding [<!ENTITY lol0 "lol">${lol}]>`).replace('>66<', '>&lol9;<');
    expect(open(xml)).toEqual({ code: 'XML_DOCTYPE_FORBIDDEN', detail: 'XML_ENTITY_EXPANSION' });
    // Without a DTD an entity reference is simply undefined: not well-formed.
    expect(open(signed.replace('>66<', '>&lol9;<'))).toEqual({ code: 'XML_MALFORMED', detail: 'XML_MALFORMED' });
  });

  it('wrong namespace → XML_WRONG_NAMESPACE, wrong version → XML_WRONG_VERSION', () => {
    expect(open(signed.replace('xmlns="urn:nl:vir:berichten:v1"', 'xmlns="urn:other"'))).toEqual({
      code: 'XML_WRONG_NAMESPACE',
      detail: 'XML_WRONG_NAMESPACE',
    });
    expect(open(signed.replace('xmlns="urn:nl:vir:berichten:v1"', 'xmlns="urn:nl:vir:berichten:v2"'))).toEqual({
      code: 'XML_WRONG_NAMESPACE',
      detail: 'XML_WRONG_VERSION',
    });
  });

  it('another kind of message → XML_WRONG_MESSAGE_TYPE', () => {
    const xml = signed.replace('<Melding ', '<Ping ').replace(/<\/Melding>$/, '</Ping>');
    expect(open(xml)).toEqual({ code: 'XML_SCHEMA_VIOLATION', detail: 'XML_WRONG_MESSAGE_TYPE' });
  });

  it('schema violations, even when validly signed → XML_SCHEMA_VIOLATION', () => {
    const violation = { code: 'XML_SCHEMA_VIOLATION', detail: 'XML_SCHEMA_VIOLATION' };
    expect(open(resign(signed.replace('<Convenant>66</Convenant>', '')))).toEqual(violation);
    expect(open(resign(signed.replace('<Meldingsdatum>2025-03-01<', '<Meldingsdatum>2025-02-30<')))).toEqual(violation);
    expect(open(resign(signed.replace('<Domein>politie-en-justitie<', '<Domein>bakkerij<')))).toEqual(violation);
    expect(open(resign(signed.replace('<Convenant>66</Convenant>', '<Convenant Soort="x">66</Convenant>')))).toEqual(violation);
    expect(open(resign(signed.replace('<Referentie>', '<?pi x?><Referentie>')))).toEqual(violation);
  });

  it('a BSN failing the 11-proef → BSN_INVALID (with checkBsn)', () => {
    const m = sampleMelding();
    m.ouders[1].bsn = '123456789'; // 9 digits, fails the 11-proef
    const xml = seal(m);
    expect(open(xml)).toBe('accepted'); // by default left to the index's domain rules
    expect(open(xml, NOW, { checkBsn: true })).toEqual({ code: 'XML_SCHEMA_VIOLATION', detail: 'BSN_INVALID' });
    expect(open(signed, NOW, { checkBsn: true })).toBe('accepted');
  });

  it('missing signature → SIGNATURE_MISSING', () => {
    expect(open(stripSignature(signed))).toEqual({ code: 'SIGNATURE_MISSING', detail: 'SIGNATURE_MISSING' });
  });

  it('altered content → SIGNATURE_DIGEST_MISMATCH; bad signature value → SIGNATURE_VALUE_INVALID', () => {
    expect(open(signed.replace('<Convenant>66<', '<Convenant>7<'))).toEqual({ code: 'SIGNATURE_INVALID', detail: 'SIGNATURE_DIGEST_MISMATCH' });
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1];
    const bytes = Buffer.from(value, 'base64');
    bytes[10] ^= 0x40;
    expect(open(signed.replace(value, bytes.toString('base64')))).toEqual({ code: 'SIGNATURE_INVALID', detail: 'SIGNATURE_VALUE_INVALID' });
    // A DigestValue changed to match altered content: SignedInfo no longer verifies.
    const digest = /<ds:DigestValue>([^<]+)</.exec(signed)![1];
    expect(open(signed.replace(digest, Buffer.alloc(32, 1).toString('base64')))).toEqual({
      code: 'SIGNATURE_INVALID',
      detail: 'SIGNATURE_VALUE_INVALID',
    });
  });

  it('unsupported algorithms → SIGNATURE_UNSUPPORTED', () => {
    expect(open(signed.replace('xmldsig-more#rsa-sha256', 'xmldsig#rsa-sha1'))).toEqual({ code: 'SIGNATURE_INVALID', detail: 'SIGNATURE_UNSUPPORTED' });
    const inclusive = signed.replace(
      `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform>`,
      `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="xenc"/></ds:Transform>`,
    );
    expect(inclusive).not.toBe(signed);
    expect(open(inclusive)).toEqual({ code: 'SIGNATURE_INVALID', detail: 'SIGNATURE_UNSUPPORTED' });
  });

  it('wrapping: a second, unsigned melding beside the signed one → SIGNATURE_WRAPPING', () => {
    const attacker = stripSignature(seal()).replace(/^<\?xml[^>]*>/, '');
    expect(open(signed.replace('</ds:Signature>', `</ds:Signature>${attacker}`))).toEqual({ code: 'SIGNATURE_WRAPPING', detail: 'SIGNATURE_WRAPPING' });
    // and the signed one wrapped inside an attacker's root
    const outer = attacker.replace(/<\/Melding>$/, `${signed.replace(/^<\?xml[^>]*>/, '')}</Melding>`);
    expect(open(outer)).toEqual({ code: 'SIGNATURE_WRAPPING', detail: 'SIGNATURE_WRAPPING' });
  });

  it('wrapping: a moved Reference URI → SIGNATURE_WRAPPING', () => {
    const keyId = /<xenc:EncryptedKey [^>]*Id="([^"]+)"/.exec(signed)![1];
    expect(open(signed.replace('<ds:Reference URI="">', `<ds:Reference URI="#${keyId}">`))).toEqual({
      code: 'SIGNATURE_WRAPPING',
      detail: 'SIGNATURE_WRAPPING',
    });
  });

  it('certificate expired / not yet valid / unknown CA / without digitalSignature → CERT_UNTRUSTED with the TrustStore code', () => {
    const notAfter = new Date(new X509Certificate(pki.rvdk.certificatePem).validTo);
    expect(open(signed, new Date(notAfter.getTime() + 1000))).toEqual({ code: 'CERT_UNTRUSTED', detail: 'CERT_EXPIRED', certCode: 'CERT_EXPIRED' });
    expect(open(signed, new Date(NOW.getTime() - 24 * 3600 * 1000))).toEqual({
      code: 'CERT_UNTRUSTED',
      detail: 'CERT_NOT_YET_VALID',
      certCode: 'CERT_NOT_YET_VALID',
    });
    expect(open(seal(sampleMelding(), pki.impostor))).toEqual({ code: 'CERT_UNTRUSTED', detail: 'CERT_UNKNOWN_CA', certCode: 'CERT_UNKNOWN_CA' });
    expect(open(seal(sampleMelding(), pki.noDigitalSignature))).toEqual({ code: 'CERT_UNTRUSTED', detail: 'CERT_KEY_USAGE', certCode: 'CERT_KEY_USAGE' });
  });

  it('certificate revoked → CERT_UNTRUSTED with CERT_REVOKED', () => {
    // Whatever code the TrustStore answers is passed on as detail and certCode (CRLs are @vir/pki's).
    const revoked = { check: () => ({ trusted: false, code: 'CERT_REVOKED', reason: 'serial 4F on the issuing CA CRL' }) } as unknown as TrustStore;
    expect(open(signed, NOW, { trustStore: revoked })).toEqual({ code: 'CERT_UNTRUSTED', detail: 'CERT_REVOKED', certCode: 'CERT_REVOKED' });
  });

  it('no usable certificate in KeyInfo → CERT_MISSING', () => {
    const xml = signed.replace(/<ds:X509Data><ds:X509Certificate>[^<]+<\/ds:X509Certificate><\/ds:X509Data>/, '<ds:KeyName>rvdk</ds:KeyName>');
    expect(open(xml)).toEqual({ code: 'CERT_UNTRUSTED', detail: 'CERT_MISSING' });
  });

  it('a certificate with another OIN than AfzenderOin → OIN_MISMATCH', () => {
    expect(open(seal(sampleMelding(OIN.regio), { ...pki.rvdk, oin: OIN.regio }))).toEqual({ code: 'OIN_MISMATCH', detail: 'OIN_MISMATCH' });
  });

  it('over the size limit → XML_TOO_LARGE', () => {
    expect(refusal(() => verifyMelding(signed, { trustStore: pki.trustStore, at: NOW, maxBytes: 4096 }))).toEqual({
      code: 'XML_TOO_LARGE',
      detail: 'XML_TOO_LARGE',
    });
  });

  it('a key that cannot unwrap → DECRYPTION_FAILED', () => {
    expect(refusal(() => openMelding(signed, { trustStore: pki.trustStore, at: NOW, recipientKey: pki.rvdk.privateKey }))).toEqual({
      code: 'DECRYPTION_FAILED',
      detail: 'DECRYPTION_FAILED',
    });
  });
});

describe('documentation', () => {
  it('the README lists every detail code with its category', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    for (const [detail, { category }] of Object.entries(XML_DETAIL_CODES)) {
      expect(readme).toMatch(new RegExp(`\\| \`${detail}\` \\| \`${category}\` \\|`));
    }
  });
});
