import { createHash, ECDH, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { KeyAgreementSession, openMelding, sealMelding, verifyMelding, XmlMessageError, type XmlErrorCode } from './index';
import { encryptContent, newContentKey, SecretCache, Z_CACHE_ENTRIES } from './bsn-encryptor';
import { signDocument } from './xml-signer';
import { BSN, createTestPki, NOW, OIN, sampleMelding, stripSignature, type TestPki } from './test-pki.fixture';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => pki.cleanup());

const seal = (m = sampleMelding(), signer = pki.rvdk) =>
  sealMelding(m, { signer, recipientCertificatePem: pki.index.certificatePem });
/** The schema 1.2 form: one EncryptedData per Bsn element. */
const sealSeparately = (m = sampleMelding(), signer = pki.rvdk) =>
  sealMelding(m, { signer, recipientCertificatePem: pki.index.certificatePem, bsnEncryption: 'separately' });
const open = (xml: string, at = NOW) =>
  openMelding(xml, { trustStore: pki.trustStore, at, recipientKey: pki.index.privateKey });

/** Runs fn, expects an XmlMessageError with `code`, and checks that no BSN leaked into it. */
function expectError(fn: () => unknown, code: XmlErrorCode): XmlMessageError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(XmlMessageError);
  const error = caught as XmlMessageError;
  expect({ code: error.code, message: error.message }).toEqual({ code, message: expect.any(String) });
  for (const bsn of Object.values(BSN)) expect(error.message).not.toContain(bsn);
  return error;
}

describe('sealMelding / openMelding', () => {
  it('round-trips a melding exactly, BSNs included', () => {
    const melding = sampleMelding();
    const opened = open(seal(melding));
    expect(opened.message).toEqual(melding);
    expect(opened.signerOin).toBe(OIN.rvdk);
    expect(opened.certificateFingerprint).toBe(new X509Certificate(pki.rvdk.certificatePem).fingerprint256);
  });

  it('round-trips without parents and without optional contact details', () => {
    const melding = sampleMelding();
    melding.ouders = [];
    melding.melder = { id: 'x', naam: 'Jan' };
    const xml = seal(melding);
    expect(xml).not.toContain('<Ouders');
    expect(open(xml).message).toEqual(melding);
    const separately = sealSeparately(melding);
    expect(separately).toContain('<Ouders></Ouders>');
    expect(open(separately).message).toEqual(melding);
  });

  it('round-trips the optional municipality of residence (schema 1.2), and refuses a malformed one', () => {
    const melding = sampleMelding();
    melding.jeugdige.woongemeente = '0363';
    const xml = seal(melding);
    expect(xml).toContain('<Geboortedatum>2012-03-04</Geboortedatum><Woongemeente>0363</Woongemeente></Jeugdige>');
    expect(open(xml).message).toEqual(melding);
    expect(verifyMelding(xml, { trustStore: pki.trustStore, at: NOW }).message.jeugdige).toEqual({ geboortedatum: '2012-03-04', woongemeente: '0363' });
    melding.jeugdige.woongemeente = 'GM0363';
    expectError(() => seal(melding), 'XML_SCHEMA_VIOLATION');
  });

  it('never writes a BSN in plaintext: all of them in one EncryptedData in Bsns (schema 1.3), under one key', () => {
    const xml = seal();
    for (const bsn of Object.values(BSN)) expect(xml).not.toContain(bsn);
    expect(xml).toMatch(/<Referentie>[^<]*<\/Referentie><Bsns><xenc:EncryptedData [^>]*Type="http:\/\/www.w3.org\/2001\/04\/xmlenc#Content">/);
    expect(xml).toContain('</Bsns><Jeugdige><Geboortedatum>');
    expect(xml.match(/<xenc:EncryptedData /g)).toHaveLength(1);
    expect(xml.match(/<xenc:EncryptedKey /g)).toHaveLength(1);
    const keyId = /<xenc:EncryptedKey [^>]*Id="([^"]+)"/.exec(xml)?.[1];
    expect(xml.match(new RegExp(`<ds:RetrievalMethod Type="[^"]+" URI="#${keyId}"`, 'g'))).toHaveLength(1);
    expect(xml).toContain('Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"');
    expect(xml).toContain('Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"');
  });

  it('writes and still reads the 1.2 form: one EncryptedData per Bsn element', () => {
    const melding = sampleMelding();
    const xml = sealSeparately(melding);
    for (const bsn of Object.values(BSN)) expect(xml).not.toContain(bsn);
    expect(xml).not.toContain('<Bsns>');
    expect(xml.match(/<xenc:EncryptedData /g)).toHaveLength(1 + melding.ouders.length);
    const keyId = /<xenc:EncryptedKey [^>]*Id="([^"]+)"/.exec(xml)?.[1];
    expect(xml.match(new RegExp(`<ds:RetrievalMethod Type="[^"]+" URI="#${keyId}"`, 'g'))).toHaveLength(1 + melding.ouders.length);
    expect(open(xml).message).toEqual(melding);
  });

  it('encrypts afresh each time (random key and IVs)', () => {
    const melding = sampleMelding();
    const cipherValues = (xml: string) => xml.match(/<xenc:CipherValue>[^<]+/g);
    expect(cipherValues(seal(melding))).not.toEqual(cipherValues(seal(melding)));
  });

  it('signs the encrypted form: the signature is the last child and covers the whole document', () => {
    const xml = seal();
    expect(xml).toMatch(/<ds:Reference URI="">/);
    expect(xml).toMatch(/<\/ds:Signature><\/Melding>$/);
  });

  it('refuses to seal for another sender', () => {
    expectError(() => seal(sampleMelding(OIN.regio)), 'OIN_MISMATCH');
  });

  it('refuses to seal invalid fields, without echoing a BSN', () => {
    const bad = sampleMelding();
    bad.jeugdige.bsn = '12345678X';
    expectError(() => seal(bad), 'XML_SCHEMA_VIOLATION');
    const badDomain = sampleMelding();
    (badDomain.organisatie as { domein: string }).domein = 'bakkerij';
    expectError(() => seal(badDomain), 'XML_SCHEMA_VIOLATION');
    const lineBreak = sampleMelding();
    lineBreak.melder.naam = 'Anna\nde Vries';
    expectError(() => seal(lineBreak), 'XML_SCHEMA_VIOLATION');
    const tooManyParents = sampleMelding();
    tooManyParents.ouders = Array.from({ length: 5 }, () => ({ bsn: BSN.ouder1 }));
    expectError(() => seal(tooManyParents), 'XML_SCHEMA_VIOLATION');
  });
});

describe('verifyMelding (no decryption key)', () => {
  it('returns everything except the BSNs', () => {
    const melding = sampleMelding();
    const verified = verifyMelding(seal(melding), { trustStore: pki.trustStore, at: NOW });
    const { jeugdige, ouders, ...rest } = melding;
    void ouders;
    expect(verified.message).toEqual({ ...rest, jeugdige: { geboortedatum: jeugdige.geboortedatum } });
    expect(verified.signerOin).toBe(OIN.rvdk);
  });

  it('rejects a signed melding with plaintext BSNs, in either form, without quoting them', () => {
    const together = stripSignature(seal()).replace(/<Bsns>[\s\S]*?<\/Bsns>/, `<Bsns><JeugdigeBsn>${BSN.jeugdige}</JeugdigeBsn></Bsns>`);
    expect(
      expectError(() => verifyMelding(signDocument(together, pki.rvdk), { trustStore: pki.trustStore, at: NOW }), 'XML_SCHEMA_VIOLATION').message,
    ).toContain('/Melding/Bsns');
    const xml = stripSignature(sealSeparately()).replace(
      /<Jeugdige><Bsn>[\s\S]*?<\/Bsn>/,
      `<Jeugdige><Bsn>${BSN.jeugdige}</Bsn>`,
    );
    const error = expectError(
      () => verifyMelding(signDocument(xml, pki.rvdk), { trustStore: pki.trustStore, at: NOW }),
      'XML_SCHEMA_VIOLATION',
    );
    expect(error.message).toContain('/Melding/Jeugdige/Bsn');
  });
});

describe('openMelding rejects', () => {
  it('altered content (SIGNATURE_INVALID)', () => {
    const xml = seal().replace('<Convenant>66</Convenant>', '<Convenant>7</Convenant>');
    expectError(() => open(xml), 'SIGNATURE_INVALID');
  });

  const cipherValueIn = (xml: string) => /<(?:Bsns|Jeugdige><Bsn)>[\s\S]*?<xenc:CipherValue>([^<]+)</.exec(xml)![1];

  it('an altered ciphertext, in either form (SIGNATURE_INVALID)', () => {
    for (const xml of [seal(), sealSeparately()]) {
      const value = cipherValueIn(xml);
      const flipped = (value[0] === 'A' ? 'B' : 'A') + value.slice(1);
      expectError(() => open(xml.replace(value, flipped)), 'SIGNATURE_INVALID');
    }
  });

  it('a ciphertext that fails authentication, even when validly signed, in either form (DECRYPTION_FAILED)', () => {
    for (const xml of [stripSignature(seal()), stripSignature(sealSeparately())]) {
      const value = cipherValueIn(xml);
      const bytes = Buffer.from(value, 'base64');
      bytes[20] ^= 0x01;
      expectError(() => open(signDocument(xml.replace(value, bytes.toString('base64')), pki.rvdk)), 'DECRYPTION_FAILED');
    }
  });

  it('the wrong private key (DECRYPTION_FAILED)', () => {
    expectError(
      () => openMelding(seal(), { trustStore: pki.trustStore, at: NOW, recipientKey: pki.rvdk.privateKey }),
      'DECRYPTION_FAILED',
    );
  });

  it('a signer whose certificate carries another OIN than AfzenderOin (OIN_MISMATCH)', () => {
    // rvdk's key and certificate, but claiming to be the regional index.
    const xml = seal(sampleMelding(OIN.regio), { ...pki.rvdk, oin: OIN.regio });
    expectError(() => open(xml), 'OIN_MISMATCH');
    expectError(() => verifyMelding(xml, { trustStore: pki.trustStore, at: NOW }), 'OIN_MISMATCH');
  });

  it('a certificate from another CA, even with a known OIN (CERT_UNTRUSTED)', () => {
    const error = expectError(() => open(seal(sampleMelding(), pki.impostor)), 'CERT_UNTRUSTED');
    expect(error.message).toContain('CERT_UNKNOWN_CA');
  });

  it('an expired certificate (CERT_UNTRUSTED)', () => {
    const notAfter = new Date(new X509Certificate(pki.rvdk.certificatePem).validTo);
    const error = expectError(() => open(seal(), new Date(notAfter.getTime() + 1000)), 'CERT_UNTRUSTED');
    expect(error.message).toContain('CERT_EXPIRED');
  });

  it('a certificate not yet valid (CERT_UNTRUSTED)', () => {
    const error = expectError(() => open(seal(), new Date(NOW.getTime() - 24 * 3600 * 1000)), 'CERT_UNTRUSTED');
    expect(error.message).toContain('CERT_NOT_YET_VALID');
  });

  it('a matchsignaal handed in as melding (XML_SCHEMA_VIOLATION)', () => {
    const xml = seal().replace(/<Melding /, '<Matchsignaal ').replace(/<\/Melding>$/, '</Matchsignaal>');
    expectError(() => open(xml), 'XML_SCHEMA_VIOLATION');
  });
});

describe('Melding/Bsns (schema 1.3): one EncryptedData for every BSN', () => {
  /**
   * A melding whose Bsns decrypts to `plaintext`, under a fresh content key, validly signed:
   * only the reading of the decrypted content can fail. `rootDeclarations` go on the Melding tag.
   */
  const withPlaintext = (plaintext: string, rootDeclarations = '') => {
    const key = newContentKey(pki.index.certificatePem);
    const unsigned = stripSignature(seal())
      .replace(/<xenc:EncryptedKey [\s\S]*?<\/xenc:EncryptedKey>/, key.encryptedKeyElement)
      .replace(/<Bsns>[\s\S]*?<\/Bsns>/, `<Bsns>${encryptContent(key, plaintext)}</Bsns>`)
      .replace('<Melding xmlns="urn:nl:vir:berichten:v1">', `<Melding xmlns="urn:nl:vir:berichten:v1"${rootDeclarations}>`);
    return signDocument(unsigned, pki.rvdk);
  };
  const J = `<JeugdigeBsn>${BSN.jeugdige}</JeugdigeBsn>`;
  const O = (bsn: string = BSN.ouder1) => `<OuderBsn>${bsn}</OuderBsn>`;

  it('reads the content as another tool may write it: whitespace, a prefix, a declaration', () => {
    const read = (xml: string) => {
      const { jeugdige, ouders } = open(xml).message;
      return { jeugdige: jeugdige.bsn, ouders: ouders.map((o) => o.bsn) };
    };
    expect(read(withPlaintext(`\n  ${J}\n  ${O()}\n`))).toEqual({ jeugdige: BSN.jeugdige, ouders: [BSN.ouder1] });
    expect(read(withPlaintext(`<v:JeugdigeBsn>${BSN.jeugdige}</v:JeugdigeBsn><v:OuderBsn>${BSN.ouder2}</v:OuderBsn>`, ' xmlns:v="urn:nl:vir:berichten:v1"'))).toEqual({
      jeugdige: BSN.jeugdige,
      ouders: [BSN.ouder2],
    });
    expect(read(withPlaintext(`<JeugdigeBsn xmlns="urn:nl:vir:berichten:v1">${BSN.jeugdige}</JeugdigeBsn><!-- c -->`))).toEqual({ jeugdige: BSN.jeugdige, ouders: [] });
    const melding = open(withPlaintext(J + O(BSN.ouder1) + O(BSN.ouder2))).message;
    expect(melding).toEqual({ ...sampleMelding(), berichtId: melding.berichtId });
  });

  it.each([
    ['a bare BSN', () => BSN.jeugdige],
    ['eight digits', () => '<JeugdigeBsn>12345678</JeugdigeBsn>'],
    ['no JeugdigeBsn', () => O()],
    ['five parents', () => J + O().repeat(5)],
    ['another element', () => `${J}<Naam>x</Naam>`],
    ['text beside the elements', () => `${J}x`],
    ['an attribute', () => `<JeugdigeBsn a="1">${BSN.jeugdige}</JeugdigeBsn>`],
    ['another namespace', () => `<JeugdigeBsn xmlns="urn:other">${BSN.jeugdige}</JeugdigeBsn>`],
    ['unclosed', () => `<JeugdigeBsn>${BSN.jeugdige}`],
    ['a DOCTYPE', () => `<!DOCTYPE x>${J}`],
    ['an entity reference', () => `<JeugdigeBsn>&x;</JeugdigeBsn>`],
  ])('refuses content that is not JeugdigeBsn + 0-4 OuderBsn: %s (XML_SCHEMA_VIOLATION, no BSN quoted)', (_name, plaintext) => {
    expect(expectError(() => open(withPlaintext(plaintext())), 'XML_SCHEMA_VIOLATION').message).toContain('/Melding/Bsns');
  });

  it('refuses a mix of both forms, validly signed (XML_SCHEMA_VIOLATION)', () => {
    const together = stripSignature(seal());
    const withOuders = together.replace('</Jeugdige>', '</Jeugdige><Ouders></Ouders>');
    expect(expectError(() => open(signDocument(withOuders, pki.rvdk)), 'XML_SCHEMA_VIOLATION').message).toContain('/Melding/Ouders must be absent');
    const bsn = /<Jeugdige>(<Bsn>[\s\S]*?<\/Bsn>)/.exec(sealSeparately())![1];
    const withBsn = together.replace('<Jeugdige>', `<Jeugdige>${bsn}`);
    expect(expectError(() => open(signDocument(withBsn, pki.rvdk)), 'XML_SCHEMA_VIOLATION').message).toContain('/Melding/Jeugdige/Bsn must be absent');
    const withoutBoth = stripSignature(sealSeparately()).replace(/<Bsn>[\s\S]*?<\/Bsn>/, '');
    expectError(() => open(signDocument(withoutBoth, pki.rvdk)), 'XML_SCHEMA_VIOLATION');
  });

  it('applies the 11-proef on request (BSN_INVALID)', () => {
    const xml = withPlaintext(`<JeugdigeBsn>123456789</JeugdigeBsn>`);
    expect(open(xml).message.jeugdige.bsn).toBe('123456789');
    const error = expectError(() => openMelding(xml, { trustStore: pki.trustStore, at: NOW, recipientKey: pki.index.privateKey, checkBsn: true }), 'XML_SCHEMA_VIOLATION');
    expect(error.detailCode).toBe('BSN_INVALID');
    expect(error.message).toContain('/Melding/Bsns/JeugdigeBsn');
  });
});

describe('ECDH-ES key agreement (EC P-256 encryption certificate of the index)', () => {
  const sealEc = (m = sampleMelding(), signer = pki.rvdk) =>
    sealMelding(m, { signer, recipientCertificatePem: pki.indexEnc.certificatePem });
  const openEc = (xml: string, recipientKey: Parameters<typeof openMelding>[1]['recipientKey'] = pki.indexEnc.privateKey) =>
    openMelding(xml, { trustStore: pki.trustStore, at: NOW, recipientKey });
  /** Re-signs after `edit` of the unsigned document, so only the decryption can fail. */
  const resigned = (xml: string, edit: (unsigned: string) => string) => signDocument(edit(stripSignature(xml)), pki.rvdk);

  it('round-trips a melding exactly, BSNs included', () => {
    const melding = sampleMelding();
    const opened = openEc(sealEc(melding));
    expect(opened.message).toEqual(melding);
    expect(opened.signerOin).toBe(OIN.rvdk);
  });

  it('writes ECDH-ES + ConcatKDF + kw-aes256 with an ephemeral P-256 key and the recipient digest, never a BSN', () => {
    const xml = sealEc();
    for (const bsn of Object.values(BSN)) expect(xml).not.toContain(bsn);
    expect(xml).toContain('<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#kw-aes256"></xenc:EncryptionMethod>');
    expect(xml).toContain('<xenc:AgreementMethod Algorithm="http://www.w3.org/2009/xmlenc11#ECDH-ES">');
    expect(xml).toContain('<xenc11:KeyDerivationMethod xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#ConcatKDF">');
    expect(xml).toMatch(/<xenc11:ConcatKDFParams AlgorithmID="00[0-9a-f]+" PartyUInfo="00[0-9a-f]+" PartyVInfo="00[0-9a-f]{64}">/);
    expect(xml).toContain('<dsig11:NamedCurve URI="urn:oid:1.2.840.10045.3.1.7"></dsig11:NamedCurve>');
    const digest = createHash('sha256').update(new X509Certificate(pki.indexEnc.certificatePem).raw).digest('base64');
    expect(xml).toContain(
      `<xenc:RecipientKeyInfo><ds:X509Data><dsig11:X509Digest xmlns:dsig11="http://www.w3.org/2009/xmldsig11#" Algorithm="http://www.w3.org/2001/04/xmlenc#sha256">${digest}</dsig11:X509Digest>`,
    );
    expect(xml).not.toContain('rsa-oaep');
    // One ephemeral key per message.
    const ephemeral = (x: string) => /<dsig11:PublicKey>([^<]+)</.exec(x)![1];
    expect(ephemeral(sealEc())).not.toBe(ephemeral(xml));
    expect(Buffer.from(ephemeral(xml), 'base64')).toHaveLength(65);
  });

  it('refuses the wrong EC key, the RSA key and a key of another curve (DECRYPTION_FAILED)', () => {
    const xml = sealEc();
    const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const otherCurve = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expectError(() => openEc(xml, otherEc), 'DECRYPTION_FAILED');
    expectError(() => openEc(xml, pki.index.privateKey), 'DECRYPTION_FAILED');
    expectError(() => openEc(xml, otherCurve), 'DECRYPTION_FAILED');
  });

  it('refuses a tampered ephemeral key, validly re-signed (DECRYPTION_FAILED)', () => {
    const xml = sealEc();
    const point = /<dsig11:PublicKey>([^<]+)</.exec(xml)![1];
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).subarray(-65);
    // Another valid point: the derived key differs, the key wrap's integrity check fails.
    expectError(() => openEc(resigned(xml, (u) => u.replace(point, other.toString('base64')))), 'DECRYPTION_FAILED');
    // A point off the curve (invalid-curve attack): refused by the ECDH itself.
    const bytes = Buffer.from(point, 'base64');
    bytes[64] ^= 0x01;
    expectError(() => openEc(resigned(xml, (u) => u.replace(point, bytes.toString('base64')))), 'DECRYPTION_FAILED');
  });

  it('refuses altered KDF parameters or wrapped key, validly re-signed (DECRYPTION_FAILED)', () => {
    const xml = sealEc();
    expectError(() => openEc(resigned(xml, (u) => u.replace(/PartyUInfo="00/, 'PartyUInfo="0001'))), 'DECRYPTION_FAILED');
    const wrapped = /<xenc:EncryptedKey [\s\S]*?<xenc:CipherValue>([^<]+)</.exec(xml)![1];
    const bytes = Buffer.from(wrapped, 'base64');
    bytes[10] ^= 0x01;
    expectError(() => openEc(resigned(xml, (u) => u.replace(wrapped, bytes.toString('base64')))), 'DECRYPTION_FAILED');
  });

  it('refuses another curve, a compressed point or a missing KDF (XML_SCHEMA_VIOLATION)', () => {
    const xml = sealEc();
    expectError(() => openEc(resigned(xml, (u) => u.replace('urn:oid:1.2.840.10045.3.1.7', 'urn:oid:1.3.132.0.34'))), 'XML_SCHEMA_VIOLATION');
    const point = /<dsig11:PublicKey>([^<]+)</.exec(xml)![1];
    const compressed = Buffer.from(point, 'base64').subarray(0, 33);
    compressed[0] = 2;
    expectError(() => openEc(resigned(xml, (u) => u.replace(point, compressed.toString('base64')))), 'XML_SCHEMA_VIOLATION');
    expectError(() => openEc(resigned(xml, (u) => u.replace(/<xenc11:KeyDerivationMethod[\s\S]*?<\/xenc11:KeyDerivationMethod>/, ''))), 'XML_SCHEMA_VIOLATION');
    expectError(() => openEc(resigned(xml, (u) => u.replace('#ConcatKDF', '#pbkdf2'))), 'XML_SCHEMA_VIOLATION');
  });

  it('still accepts RSA-OAEP, and picks the right key from a list (rollover)', () => {
    const keys = [
      { privateKey: pki.indexEnc.privateKey, certificatePem: pki.indexEnc.certificatePem },
      { privateKey: pki.index.privateKey, certificatePem: pki.index.certificatePem },
    ];
    const melding = sampleMelding();
    expect(openEc(sealEc(melding), keys).message).toEqual(melding);
    expect(openEc(seal(melding), keys).message).toEqual(melding);
    expect(openEc(seal(melding), [pki.indexEnc.privateKey, pki.index.privateKey]).message).toEqual(melding);
    // A key listed with another certificate is not used for a message naming this one.
    expectError(() => openEc(sealEc(melding), [{ privateKey: pki.indexEnc.privateKey, certificatePem: pki.index.certificatePem }]), 'DECRYPTION_FAILED');
  });

  it('verifyMelding needs no key', () => {
    expect(verifyMelding(sealEc(), { trustStore: pki.trustStore, at: NOW }).signerOin).toBe(OIN.rvdk);
  });
});

describe('key-agreement sessions (one ephemeral key for many meldingen)', () => {
  const openEc = (xml: string) => openMelding(xml, { trustStore: pki.trustStore, at: NOW, recipientKey: pki.indexEnc.privateKey });
  const sealIn = (session: KeyAgreementSession, m = sampleMelding()) =>
    sealMelding(m, { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem, keyAgreement: session });
  const ephemeral = (xml: string) => /<dsig11:PublicKey>([^<]+)</.exec(xml)![1];
  const partyU = (xml: string) => /PartyUInfo="00([0-9a-f]*)"/.exec(xml)![1];
  const wrappedKey = (xml: string) => /<xenc:EncryptedKey [\s\S]*?<xenc:CipherValue>([^<]+)</.exec(xml)![1];
  const encryptedKey = (xml: string) => /<xenc:EncryptedKey [\s\S]*?<\/xenc:EncryptedKey>/.exec(xml)![0];
  const resigned = (xml: string, edit: (unsigned: string) => string) => signDocument(edit(stripSignature(xml)), pki.rvdk);

  it('reuses the ephemeral key and, per sender, one content key with a fresh nonce in its key derivation; all round-trip', () => {
    const session = new KeyAgreementSession();
    const meldingen = [sampleMelding(), sampleMelding(), sampleMelding()];
    const xmls = meldingen.map((m) => sealIn(session, m));
    expect(new Set(xmls.map(ephemeral)).size).toBe(1);
    const oinHex = Buffer.from(OIN.rvdk, 'utf8').toString('hex');
    for (const xml of xmls) expect(partyU(xml)).toMatch(new RegExp(`^${oinHex}[0-9a-f]{32}$`));
    // One EncryptedKey for the session's meldingen of this sender; every melding's Bsns its own IV.
    expect(new Set(xmls.map(encryptedKey)).size).toBe(1);
    const cipherValues = xmls.flatMap((xml) => [...xml.matchAll(/<xenc:EncryptedData [\s\S]*?<xenc:CipherValue>([^<]+)</g)].map((m) => m[1]));
    expect(cipherValues).toHaveLength(3);
    expect(new Set(cipherValues.map((v) => Buffer.from(v, 'base64').subarray(0, 12).toString('hex'))).size).toBe(3);
    xmls.forEach((xml, i) => expect(openEc(xml).message).toEqual(meldingen[i]));
    // Another sender in the same session: the same ephemeral key, its own nonce and content key.
    const regio = sealMelding(sampleMelding(OIN.regio), { signer: pki.regio, recipientCertificatePem: pki.indexEnc.certificatePem, keyAgreement: session });
    expect(ephemeral(regio)).toBe(ephemeral(xmls[0]));
    expect(partyU(regio)).toMatch(new RegExp(`^${Buffer.from(OIN.regio, 'utf8').toString('hex')}[0-9a-f]{32}$`));
    expect(wrappedKey(regio)).not.toBe(wrappedKey(xmls[0]));
    expect(openEc(regio).signerOin).toBe(OIN.regio);
    // Without a session: today's form, a new ephemeral key per melding and PartyUInfo = the OIN.
    const plain = sealMelding(sampleMelding(), { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem });
    expect(partyU(plain)).toBe(oinHex);
    expect(ephemeral(plain)).not.toBe(ephemeral(xmls[0]));
  });

  it('a new ephemeral key brings a new content key', () => {
    const session = new KeyAgreementSession({ maxMessages: 2 });
    const [a, b, c] = [sealIn(session), sealIn(session), sealIn(session)];
    expect(encryptedKey(a)).toBe(encryptedKey(b));
    expect(wrappedKey(c)).not.toBe(wrappedKey(b));
    expect(partyU(c)).not.toBe(partyU(b));
    for (const xml of [a, b, c]) expect(openEc(xml).signerOin).toBe(OIN.rvdk);
  });

  it('starts a new ephemeral key after maxMessages, after maxAgeMs and on rotate()', () => {
    let now = 1_000_000;
    const session = new KeyAgreementSession({ maxMessages: 2, maxAgeMs: 1000, now: () => now });
    const [a, b, c] = [sealIn(session), sealIn(session), sealIn(session)].map(ephemeral);
    expect(a).toBe(b);
    expect(c).not.toBe(b);
    const d = ephemeral(sealIn(session));
    expect(d).toBe(c);
    now += 999;
    const e = ephemeral(sealIn(session));
    expect(e).not.toBe(d); // maxMessages again (2 used)
    now += 1000;
    expect(ephemeral(sealIn(session))).not.toBe(e); // expired
    const f = ephemeral(sealIn(session));
    session.rotate();
    expect(ephemeral(sealIn(session))).not.toBe(f);
  });

  it('refuses nonsensical limits', () => {
    expect(() => new KeyAgreementSession({ maxMessages: 0 })).toThrow(RangeError);
    expect(() => new KeyAgreementSession({ maxMessages: 1.5 })).toThrow(RangeError);
    expect(() => new KeyAgreementSession({ maxAgeMs: 0 })).toThrow(RangeError);
    expect(() => new KeyAgreementSession({ maxAgeMs: Infinity })).toThrow(RangeError);
  });

  it('the index pays one ECDH per ephemeral key, not per melding', () => {
    const session = new KeyAgreementSession();
    const xmls = Array.from({ length: 5 }, () => sealIn(session));
    const withoutSession = [1, 2].map(() => sealMelding(sampleMelding(), { signer: pki.rvdk, recipientCertificatePem: pki.indexEnc.certificatePem }));
    const ecdh = jest.spyOn(ECDH.prototype, 'computeSecret');
    try {
      for (const xml of xmls) openEc(xml);
      expect(ecdh).toHaveBeenCalledTimes(1);
      // Senders without a session: one ECDH per melding, as before.
      for (const xml of withoutSession) openEc(xml);
      expect(ecdh).toHaveBeenCalledTimes(3);
    } finally {
      ecdh.mockRestore();
    }
  });

  it('a cached secret does not help a tampered melding: altered nonce, point or wrapped key (DECRYPTION_FAILED)', () => {
    const session = new KeyAgreementSession();
    const xml = sealIn(session);
    expect(openEc(xml).signerOin).toBe(OIN.rvdk); // Z now cached
    const nonce = partyU(xml);
    const flipped = `${nonce.slice(0, -1)}${nonce.endsWith('0') ? '1' : '0'}`;
    expectError(() => openEc(resigned(xml, (u) => u.replace(`PartyUInfo="00${nonce}"`, `PartyUInfo="00${flipped}"`))), 'DECRYPTION_FAILED');
    const oinOnly = nonce.slice(0, OIN.rvdk.length * 2);
    expectError(() => openEc(resigned(xml, (u) => u.replace(`PartyUInfo="00${nonce}"`, `PartyUInfo="00${oinOnly}"`))), 'DECRYPTION_FAILED');
    const point = ephemeral(xml);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).subarray(-65);
    expectError(() => openEc(resigned(xml, (u) => u.replace(point, other.toString('base64')))), 'DECRYPTION_FAILED');
    const offCurve = Buffer.from(point, 'base64');
    offCurve[64] ^= 0x01;
    expectError(() => openEc(resigned(xml, (u) => u.replace(point, offCurve.toString('base64')))), 'DECRYPTION_FAILED');
    const wrapped = Buffer.from(wrappedKey(xml), 'base64');
    wrapped[3] ^= 0x01;
    expectError(() => openEc(resigned(xml, (u) => u.replace(wrappedKey(xml), wrapped.toString('base64')))), 'DECRYPTION_FAILED');
    // Another index key never gets the cached secret of this one.
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expectError(() => openMelding(xml, { trustStore: pki.trustStore, at: NOW, recipientKey: otherKey }), 'DECRYPTION_FAILED');
  });

  it('reads a repeated EncryptedKey once, yet never in another namespace context than its own', () => {
    const session = new KeyAgreementSession();
    const [first, second] = [sealIn(session), sealIn(session)];
    expect(encryptedKey(first)).toBe(encryptedKey(second));
    // The same EncryptedKey text whose ds prefix is bound on the root: to XML-DSig in one document,
    // to another namespace in the other (which the lax schema of Kop does not look into).
    const rebind = (xml: string, dsUri: string) =>
      resigned(xml, (u) =>
        u
          .replace('<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:AgreementMethod', '<ds:KeyInfo><xenc:AgreementMethod')
          .replace('<Melding xmlns="urn:nl:vir:berichten:v1">', `<Melding xmlns="urn:nl:vir:berichten:v1" xmlns:ds="${dsUri}">`),
      );
    const valid = rebind(first, 'http://www.w3.org/2000/09/xmldsig#');
    const rebound = rebind(second, 'urn:example:not-xmldsig');
    expect(encryptedKey(valid)).toBe(encryptedKey(rebound));
    expect(openEc(valid).signerOin).toBe(OIN.rvdk);
    expectError(() => openEc(rebound), 'XML_WRONG_NAMESPACE');
    expect(openEc(valid).signerOin).toBe(OIN.rvdk);
  });

  it('keeps at most Z_CACHE_ENTRIES secrets per key, least recently used out first', () => {
    expect(Z_CACHE_ENTRIES).toBe(1024);
    const cache = new SecretCache(3);
    const z = (n: number) => Buffer.alloc(32, n);
    cache.set('a', z(1));
    cache.set('b', z(2));
    cache.set('c', z(3));
    expect(cache.get('a')).toEqual(z(1)); // a is now the most recent
    cache.set('d', z(4)); // evicts b
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([z(1), z(3), z(4)]);
  });

  it('leaves RSA-OAEP untouched (a session only applies to an EC recipient)', () => {
    const session = new KeyAgreementSession();
    const melding = sampleMelding();
    const xml = sealMelding(melding, { signer: pki.rvdk, recipientCertificatePem: pki.index.certificatePem, keyAgreement: session });
    expect(xml).toContain('xmlenc11#rsa-oaep');
    expect(open(xml).message).toEqual(melding);
  });
});
