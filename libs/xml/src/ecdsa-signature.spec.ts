// ECDSA P-256 signatures (ecdsa-sha256, value r ‖ s) beside RSA-SHA256: the method follows the
// signer's key, and a verifier accepts a method only with a certificate of the matching key type.
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { TrustStore } from '@vir/pki';
import { openMatchsignaal, openMelding, sealMelding, signMatchsignaal } from './index';
import { ALGORITHMS } from './xml-constants';
import { signDocument } from './xml-signer';
import { createTestPki, NOW, OIN, refusalOf, sampleMatchsignaal, sampleMelding, stripSignature, type TestPki } from './test-pki.fixture';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => pki.cleanup());

const signatureValueOf = (xml: string) => Buffer.from(/<ds:SignatureValue>([^<]+)</.exec(xml)![1], 'base64');
const detail = (fn: () => unknown) => {
  const r = refusalOf(fn);
  return r === 'accepted' ? r : { code: r.code, detail: r.detailCode };
};
const openSignal = (xml: string) => openMatchsignaal(xml, { trustStore: pki.trustStore, at: NOW });

/** Replaces SignatureMethod and re-signs SignedInfo with `key` (the document's certificate stays). */
function resignSignedInfo(xml: string, method: string, key: Parameters<typeof sign>[2]): string {
  const withMethod = xml.replace(/<ds:SignatureMethod Algorithm="[^"]+">/, `<ds:SignatureMethod Algorithm="${method}">`);
  const signedInfo = /<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/.exec(withMethod)![0];
  const canonical = signedInfo.replace('<ds:SignedInfo>', '<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">');
  const value = sign('sha256', Buffer.from(canonical, 'utf8'), key).toString('base64');
  return withMethod.replace(/<ds:SignatureValue>[^<]+</, `<ds:SignatureValue>${value}<`);
}

describe('ECDSA P-256 signatures', () => {
  it('an EC key signs with ecdsa-sha256 (64-byte r ‖ s) and the message verifies', () => {
    const signal = sampleMatchsignaal();
    const xml = signMatchsignaal(signal, pki.indexEc);
    expect(xml).toContain(`<ds:SignatureMethod Algorithm="${ALGORITHMS.ecdsaSha256}">`);
    expect(signatureValueOf(xml)).toHaveLength(64);
    const opened = openSignal(xml);
    expect(opened.message).toEqual(signal);
    expect(opened.signerOin).toBe(OIN.index);
  });

  it('an RSA key still signs with rsa-sha256', () => {
    expect(signMatchsignaal(sampleMatchsignaal(), pki.index)).toContain(`<ds:SignatureMethod Algorithm="${ALGORITHMS.rsaSha256}">`);
  });

  it('an ECDSA-signed melding verifies and decrypts', () => {
    const melding = sampleMelding();
    const xml = sealMelding(melding, { signer: pki.rvdkEc, recipientCertificatePem: pki.indexEnc.certificatePem });
    expect(openMelding(xml, { trustStore: pki.trustStore, at: NOW, recipientKey: pki.indexEnc.privateKey }).message).toEqual(melding);
  });

  it('refuses altered content and a forged value', () => {
    const xml = signMatchsignaal(sampleMatchsignaal(), pki.indexEc);
    expect(detail(() => openSignal(xml.replace('<Soort>gezin<', '<Soort>kind<')))).toEqual({
      code: 'SIGNATURE_INVALID',
      detail: 'SIGNATURE_DIGEST_MISMATCH',
    });
    const value = signatureValueOf(xml);
    value[40] ^= 1;
    expect(detail(() => openSignal(xml.replace(/<ds:SignatureValue>[^<]+</, `<ds:SignatureValue>${value.toString('base64')}<`)))).toEqual({
      code: 'SIGNATURE_INVALID',
      detail: 'SIGNATURE_VALUE_INVALID',
    });
  });

  it('refuses the DER form of an ECDSA value (XMLDSig requires r ‖ s)', () => {
    const xml = signMatchsignaal(sampleMatchsignaal(), pki.indexEc);
    const der = resignSignedInfo(xml, ALGORITHMS.ecdsaSha256, pki.indexEc.privateKey);
    expect(signatureValueOf(der).length).toBeGreaterThan(64);
    expect(detail(() => openSignal(der))).toEqual({ code: 'SIGNATURE_INVALID', detail: 'SIGNATURE_VALUE_INVALID' });
    const p1363 = resignSignedInfo(xml, ALGORITHMS.ecdsaSha256, { key: pki.indexEc.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(detail(() => openSignal(p1363))).toBe('accepted');
  });

  it('refuses a SignatureMethod that does not fit the certificate key, even when the value is valid for the other key', () => {
    // EC certificate, SignedInfo claiming rsa-sha256 and RSA-signed by the same party's RSA key.
    const ecSigned = signMatchsignaal(sampleMatchsignaal(), pki.indexEc);
    expect(detail(() => openSignal(resignSignedInfo(ecSigned, ALGORITHMS.rsaSha256, pki.index.privateKey)))).toEqual({
      code: 'SIGNATURE_INVALID',
      detail: 'SIGNATURE_VALUE_INVALID',
    });
    // RSA certificate, SignedInfo claiming ecdsa-sha256 and ECDSA-signed by the party's EC key.
    const rsaSigned = signMatchsignaal(sampleMatchsignaal(), pki.index);
    const swapped = resignSignedInfo(rsaSigned, ALGORITHMS.ecdsaSha256, { key: pki.indexEc.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(detail(() => openSignal(swapped))).toEqual({ code: 'SIGNATURE_INVALID', detail: 'SIGNATURE_VALUE_INVALID' });
    // The EC certificate with the EC key's ECDSA value still passes, so only the method was refused.
    expect(detail(() => openSignal(resignSignedInfo(ecSigned, ALGORITHMS.ecdsaSha256, { key: pki.indexEc.privateKey, dsaEncoding: 'ieee-p1363' })))).toBe(
      'accepted',
    );
  });

  it('refuses a trusted certificate whose key is neither RSA nor EC P-256 as unsupported', () => {
    const xml = signMatchsignaal(sampleMatchsignaal(), pki.indexEc);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    const trusted = pki.trustStore.check(pki.indexEc.certificatePem, NOW);
    const trustStore = { check: () => ({ ...trusted, publicKey: p384 }) } as unknown as TrustStore;
    expect(detail(() => openMatchsignaal(xml, { trustStore, at: NOW }))).toEqual({ code: 'SIGNATURE_INVALID', detail: 'SIGNATURE_UNSUPPORTED' });
  });

  it('refuses other ECDSA variants as unsupported', () => {
    const xml = signMatchsignaal(sampleMatchsignaal(), pki.indexEc);
    for (const method of ['ecdsa-sha1', 'ecdsa-sha384', 'ecdsa-sha512']) {
      expect(detail(() => openSignal(xml.replace('xmldsig-more#ecdsa-sha256', `xmldsig-more#${method}`)))).toEqual({
        code: 'SIGNATURE_INVALID',
        detail: 'SIGNATURE_UNSUPPORTED',
      });
    }
  });

  it('signDocument refuses keys it cannot sign with', () => {
    const unsigned = stripSignature(signMatchsignaal(sampleMatchsignaal(), pki.index));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const ed25519 = generateKeyPairSync('ed25519').privateKey;
    for (const privateKey of [p384, ed25519, createPublicKey(pki.index.certificatePem)]) {
      expect(() => signDocument(unsigned, { ...pki.index, privateKey })).toThrow(/private RSA or EC P-256/);
    }
  });
});
