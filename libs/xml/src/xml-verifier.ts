import { timingSafeEqual, verify } from 'node:crypto';
import { base64Content } from './base64';
import type { TrustStore } from '@vir/pki';
import type { RecipientKeys } from './bsn-encryptor';
import { canonicalDigest, canonicalizeElement } from './exc-c14n';
import { ALGORITHMS, DS_NS, VIR_NS } from './xml-constants';
import { certError, xmlError, type XmlMessageError } from './xml-errors';
import { guardRawXml } from './xml-guard';
import { attribute, parseXml, type XmlElement } from './xml-parser';
import { signatureMethodByUri, signatureMethodFor } from './signature-method';
import { virSchema } from './vir-schema';

export interface OpenOptions {
  /** Decides on the signer's certificate (chain, validity, revocation, key usage, OIN). */
  trustStore: Pick<TrustStore, 'check'>;
  /** The moment certificates must be valid at (normally the time of receipt). */
  at: Date;
  /** The national index's private key(s); needed only to decrypt BSNs (see OpenMeldingOptions). */
  recipientKey?: RecipientKeys;
  /** Upper bound for the raw document; default 65536. */
  maxBytes?: number;
}

export interface VerifiedDocument {
  /** The root of the one parse tree that was canonicalised, digested and schema-validated. */
  root: XmlElement;
  /** The parsed text (XmlDocument.source): the elements' offsets refer to it. */
  source: string;
  signerOin: string;
  certificateFingerprint: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const XML_SPACE = /^[ \t\n\r]*$/;
const VERSIONED_NS = /^urn:nl:vir:berichten:v[0-9]+$/;

function wrapping(message: string): XmlMessageError {
  return xmlError('SIGNATURE_WRAPPING', message);
}

function unsupported(message: string): XmlMessageError {
  return xmlError('SIGNATURE_UNSUPPORTED', message);
}

function isDs(el: XmlElement | undefined, local: string): el is XmlElement {
  return el !== undefined && el.uri === DS_NS && el.local === local;
}

/** Element children; text inside the signature must be whitespace (it would be unsigned). */
function dsChildren(el: XmlElement, path: string): XmlElement[] {
  for (const node of el.content) {
    if (node.kind === 'pi' || (node.kind === 'text' && !XML_SPACE.test(node.value))) throw wrapping(`${path} contains unexpected text`);
  }
  return el.children;
}

/** A ds element that only names an algorithm: the expected one, no other attributes, no content. */
function requireAlgorithm(el: XmlElement, expected: string, what: string): void {
  if (attribute(el, 'Algorithm') !== expected) throw unsupported(`${what} must be ${expected}`);
  if (el.attributes.length !== 1 || el.children.length > 0 || !XML_SPACE.test(el.text)) {
    throw unsupported(`${what} may not have other attributes or parameters`);
  }
}

function allowOnly(el: XmlElement, names: string[], path: string): void {
  for (const a of el.attributes) {
    if (a.uri !== '' || !names.includes(a.local)) throw unsupported(`${path} has an unexpected attribute`);
  }
}

function base64Of(el: XmlElement, what: string): Buffer {
  const bytes = el.children.length > 0 || el.attributes.length > 0 ? undefined : base64Content(el.text);
  // Both live in (or are checked with) the signed SignedInfo: malformed means not validly signed.
  if (bytes === undefined) throw xmlError('SIGNATURE_VALUE_INVALID', `${what} must be base64`);
  return bytes;
}

/** Every ds:Signature in the document (there must be exactly one). */
function signaturesIn(root: XmlElement): XmlElement[] {
  const found: XmlElement[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.uri === DS_NS && el.local === 'Signature') found.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return found;
}

/** The root must be the expected message of our namespace and version. */
export function checkRoot(root: XmlElement, rootName: string): void {
  if (root.uri !== VIR_NS) {
    if (VERSIONED_NS.test(root.uri)) throw xmlError('XML_WRONG_VERSION', `only ${VIR_NS} is supported`);
    throw xmlError('XML_WRONG_NAMESPACE', `the root element must be in namespace ${VIR_NS}`);
  }
  if (root.local !== rootName) {
    if (virSchema.hasElement(root.local)) {
      throw xmlError('XML_WRONG_MESSAGE_TYPE', `expected a <${rootName}>, not another national message`);
    }
    throw xmlError('XML_SCHEMA_VIOLATION', `the root element must be <${rootName}>`);
  }
}

/**
 * Checks the signature of a national message and returns the tree it covers.
 *
 * One parse, one tree: the tree is canonicalised for the digest, validated against the XSD and
 * read, so nothing a second parser might see differently can slip between what was signed and
 * what is used. Wrapping-safe by construction: exactly one ds:Signature, as the last element of
 * the root, exactly one Reference with URI="" (the whole document), no ds:Object; the key comes
 * from the TrustStore's decision on the certificate, never from the document alone, and the
 * SignatureMethod (rsa-sha256 or ecdsa-sha256) must be the one of that key's type.
 *
 * Order: size/DTD guard → parse → root namespace/version/type → signature structure →
 * certificate trust → SignatureValue → digest → XSD.
 */
export function verifySignedDocument(xml: string, rootName: string, options: OpenOptions): VerifiedDocument {
  guardRawXml(xml, options.maxBytes);
  const doc = parseXml(xml);
  const root = doc.root;
  checkRoot(root, rootName);
  // Signed but meaningless to us, and one more thing a reader could get wrong.
  if (doc.hasProcessingInstruction) throw xmlError('XML_SCHEMA_VIOLATION', 'processing instructions are not allowed');

  const signatures = signaturesIn(root);
  if (signatures.length === 0) throw xmlError('SIGNATURE_MISSING', 'the message is not signed');
  if (signatures.length > 1) throw wrapping('the message contains more than one ds:Signature');
  const signature = signatures[0];
  if (signature.parent !== root || root.children[root.children.length - 1] !== signature) {
    throw wrapping(`ds:Signature must be the last element of <${rootName}>`);
  }
  allowOnly(signature, ['Id'], 'ds:Signature');

  const [signedInfo, signatureValue, keyInfo, ...extra] = dsChildren(signature, 'ds:Signature');
  if (!isDs(signedInfo, 'SignedInfo') || !isDs(signatureValue, 'SignatureValue') || !isDs(keyInfo, 'KeyInfo')) {
    throw wrapping('ds:Signature must contain SignedInfo, SignatureValue and KeyInfo');
  }
  // A ds:Object (or anything else) here would be content outside the signed reference.
  if (extra.length > 0) throw wrapping('ds:Signature contains unexpected elements');
  allowOnly(signedInfo, ['Id'], 'ds:SignedInfo');

  const [c14n, method, ...references] = dsChildren(signedInfo, 'ds:SignedInfo');
  if (!isDs(c14n, 'CanonicalizationMethod') || !isDs(method, 'SignatureMethod')) {
    throw unsupported('ds:SignedInfo must start with CanonicalizationMethod and SignatureMethod');
  }
  requireAlgorithm(c14n, ALGORITHMS.excC14n, 'CanonicalizationMethod');
  const signatureMethod = signatureMethodByUri(attribute(method, 'Algorithm'));
  if (!signatureMethod) throw unsupported(`SignatureMethod must be ${ALGORITHMS.rsaSha256} or ${ALGORITHMS.ecdsaSha256}`);
  requireAlgorithm(method, signatureMethod.uri, 'SignatureMethod');
  if (references.length !== 1 || !isDs(references[0], 'Reference')) {
    throw wrapping('ds:SignedInfo must contain exactly one Reference');
  }
  const reference = references[0];
  if (attribute(reference, 'URI') !== '') throw wrapping('the Reference must have URI="" (the whole message)');
  allowOnly(reference, ['URI', 'Id'], 'ds:Reference');
  const [transforms, digestMethod, digestValue, ...refExtra] = dsChildren(reference, 'ds:Reference');
  if (!isDs(transforms, 'Transforms') || !isDs(digestMethod, 'DigestMethod') || !isDs(digestValue, 'DigestValue') || refExtra.length > 0) {
    throw unsupported('ds:Reference must contain Transforms, DigestMethod and DigestValue');
  }
  allowOnly(transforms, [], 'ds:Transforms');
  const transformList = dsChildren(transforms, 'ds:Transforms');
  const expected = [ALGORITHMS.envelopedSignature, ALGORITHMS.excC14n];
  if (transformList.length !== expected.length || transformList.some((t) => !isDs(t, 'Transform'))) {
    throw unsupported('the Reference transforms must be enveloped-signature followed by exclusive c14n');
  }
  transformList.forEach((t, i) => requireAlgorithm(t, expected[i], `Transform ${i + 1}`));
  requireAlgorithm(digestMethod, ALGORITHMS.sha256, 'DigestMethod');
  const expectedDigest = base64Of(digestValue, 'DigestValue');
  const value = base64Of(signatureValue, 'SignatureValue');

  const trust = options.trustStore.check(certificateFrom(keyInfo), options.at);
  if (!trust.trusted) throw certError(trust.code, trust.reason);

  // The method must be the one of the trusted certificate's key: an EC certificate never vouches
  // for an RSA signature and vice versa (no algorithm substitution).
  const keyMethod = signatureMethodFor(trust.publicKey);
  if (!keyMethod) throw unsupported("the signer certificate's key is neither RSA nor EC P-256");
  if (keyMethod !== signatureMethod) {
    throw xmlError('SIGNATURE_VALUE_INVALID', `SignatureMethod ${signatureMethod.uri} does not fit the signer certificate's ${keyMethod.kind} key`);
  }

  // SignedInfo first: once it verifies, a digest mismatch can only mean altered content.
  const signedInfoBytes = Buffer.from(canonicalizeElement(signedInfo, undefined, doc.source), 'utf8');
  let valid = false;
  if (signatureMethod.valueBytes === undefined || value.length === signatureMethod.valueBytes) {
    try {
      const key = signatureMethod.dsaEncoding ? { key: trust.publicKey, dsaEncoding: signatureMethod.dsaEncoding } : trust.publicKey;
      valid = verify('sha256', signedInfoBytes, key, value);
    } catch {
      valid = false;
    }
  }
  if (!valid) throw xmlError('SIGNATURE_VALUE_INVALID', 'the SignatureValue does not verify with the signer certificate');
  const digest = canonicalDigest(doc, signature);
  if (digest.length !== expectedDigest.length || !timingSafeEqual(digest, expectedDigest)) {
    throw xmlError('SIGNATURE_DIGEST_MISMATCH', 'the message was altered after signing (reference digest mismatch)');
  }

  virSchema.validate(root);
  return { root, source: doc.source, signerOin: trust.oin, certificateFingerprint: trust.fingerprint256 };
}

const pems = new Map<string, string>();
/** The last few certificates exactly as they were written: comparing one costs less than hashing it for the Map. */
const recentPems: { text: string; pem: string }[] = [];

function certificateFrom(keyInfo: XmlElement): string {
  const [x509Data, ...rest] = dsChildren(keyInfo, 'ds:KeyInfo');
  const certs = isDs(x509Data, 'X509Data') ? dsChildren(x509Data, 'ds:X509Data').filter((el) => isDs(el, 'X509Certificate')) : [];
  if (rest.length > 0 || certs.length !== 1) {
    throw xmlError('CERT_MISSING', 'KeyInfo must hold exactly one X509Data/X509Certificate');
  }
  const text = certs[0].text;
  if (certs[0].children.length === 0) {
    for (const recent of recentPems) if (recent.text === text) return recent.pem;
  }
  const base64 = text.replace(/[ \t\n\r]+/g, '');
  let pem = pems.get(base64);
  if (pem === undefined) {
    if (!BASE64.test(base64) || certs[0].children.length > 0) throw certError('CERT_MALFORMED', 'the X509Certificate is not base64');
    // Built once per certificate; the TrustStore caches its analysis by this same string.
    pem = `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
    if (pems.size >= 256) pems.clear();
    pems.set(base64, pem);
  }
  if (certs[0].children.length === 0) {
    // A copy of the text, so the entry does not keep the whole message it was sliced from alive.
    recentPems.unshift({ text: Buffer.from(text, 'latin1').toString('latin1'), pem });
    if (recentPems.length > 8) recentPems.pop();
  }
  return pem;
}
