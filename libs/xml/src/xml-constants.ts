// Namespaces and algorithm identifiers of the national messages (one place, shared with the XSD).

export const VIR_NS = 'urn:nl:vir:berichten:v1';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const DSIG11_NS = 'http://www.w3.org/2009/xmldsig11#';
export const XENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
export const XENC11_NS = 'http://www.w3.org/2009/xmlenc11#';

export const ALGORITHMS = {
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  envelopedSignature: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  /** ECDSA with SHA-256 (RFC 6931, XMLDSig 1.1); the SignatureValue is r ‖ s, 32 octets each for P-256. */
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  aes256Gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  /** RSA-OAEP of XML Encryption 1.1: what we send, with SHA-256 digest and MGF1-SHA-256. */
  rsaOaep: 'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  mgf1Sha256: 'http://www.w3.org/2009/xmlenc11#mgf1sha256',
  /** Accepted on receipt only (SHA-1 OAEP, still sound): older stacks such as .NET EncryptedXml. */
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  mgf1Sha1: 'http://www.w3.org/2009/xmlenc11#mgf1sha1',
  /** Key agreement (XML Encryption 1.1 §5.6.1): ephemeral-static ECDH, what we send to an EC key. */
  ecdhEs: 'http://www.w3.org/2009/xmlenc11#ECDH-ES',
  /** Key derivation from the ECDH secret (§5.4.2), NIST SP 800-56A concatenation KDF. */
  concatKdf: 'http://www.w3.org/2009/xmlenc11#ConcatKDF',
  /** AES-256 key wrap (RFC 3394) of the content key with the derived key. */
  kwAes256: 'http://www.w3.org/2001/04/xmlenc#kw-aes256',
} as const;

/** dsig11:NamedCurve URI of P-256 (secp256r1 / prime256v1). */
export const P256_CURVE_URI = 'urn:oid:1.2.840.10045.3.1.7';

export const XENC_TYPE_CONTENT = 'http://www.w3.org/2001/04/xmlenc#Content';
export const XENC_TYPE_ENCRYPTED_KEY = 'http://www.w3.org/2001/04/xmlenc#EncryptedKey';

/** Default upper bound for an incoming document, checked before any parsing. */
export const DEFAULT_MAX_BYTES = 65536;
