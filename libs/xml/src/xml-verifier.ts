import type { KeyObject } from 'node:crypto';
import type { Document, Element, Node } from '@xmldom/xmldom';
import type { TrustStore } from '@vir/pki';
import { SignedXml } from 'xml-crypto';
import { ALGORITHMS, DS_NS, VIR_NS } from './xml-constants';
import { XmlMessageError } from './xml-errors';
import { guardRawXml, parseDom } from './xml-guard';

export interface OpenOptions {
  trustStore: TrustStore;
  /** The moment certificates must be valid at (normally the time of receipt). */
  at: Date;
  /** The national index's private key; needed only to decrypt BSNs. */
  recipientKey?: KeyObject;
  /** Upper bound for the raw document; default 65536. */
  maxBytes?: number;
}

export interface VerifiedDocument {
  /** Canonical XML of the signed root, signature removed: the only text business data is read from. */
  signedXml: string;
  signerOin: string;
  certificateFingerprint: string;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Element children; text is refused inside the signature (where it would not be signed). */
function elementChildren(node: Node, path: string, allowText = false): Element[] {
  const out: Element[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) out.push(child as Element);
    else if (!allowText && child.nodeType === TEXT_NODE && (child.nodeValue ?? '').trim() !== '') {
      throw wrapping(`${path} contains unexpected text`);
    }
  }
  return out;
}

function wrapping(message: string): XmlMessageError {
  return new XmlMessageError('SIGNATURE_WRAPPING', message);
}

function invalid(message: string): XmlMessageError {
  return new XmlMessageError('SIGNATURE_INVALID', message);
}

function isDs(el: Element | undefined, local: string): el is Element {
  return el !== undefined && el.namespaceURI === DS_NS && el.localName === local;
}

function requireAlgorithm(el: Element, expected: string, what: string): void {
  if (el.getAttribute('Algorithm') !== expected) throw invalid(`${what} must be ${expected}`);
}

/**
 * Checks the signature of a national message and returns what it covers.
 *
 * Wrapping-safe by construction: exactly one ds:Signature, as the last child of the root, with
 * exactly one Reference whose URI is "" (the whole document); the certificate must chain to our
 * CAs (its presence in the document proves nothing); and callers read business data only from
 * the canonical XML xml-crypto reports as signed, never from the original string.
 */
export function verifySignedDocument(xml: string, rootName: string, options: OpenOptions): VerifiedDocument {
  guardRawXml(xml, options.maxBytes);
  const doc: Document = parseDom(xml);
  const root = doc.documentElement as Element;
  if (root.namespaceURI !== VIR_NS) {
    throw new XmlMessageError('XML_WRONG_NAMESPACE', `the root element must be in namespace ${VIR_NS}`);
  }
  if (root.localName !== rootName) {
    throw new XmlMessageError('XML_SCHEMA_VIOLATION', `the root element must be <${rootName}>`);
  }

  const signatures = doc.getElementsByTagNameNS(DS_NS, 'Signature');
  if (signatures.length === 0) throw new XmlMessageError('SIGNATURE_MISSING', 'the message is not signed');
  if (signatures.length > 1) throw wrapping('the message contains more than one ds:Signature');
  const signature = signatures.item(0) as Element;
  // Text in the root is signed content; the schema check on the signed form refuses it.
  const rootChildren = elementChildren(root, `<${rootName}>`, true);
  if (signature.parentNode !== root || rootChildren[rootChildren.length - 1] !== signature) {
    throw wrapping(`ds:Signature must be the last child of <${rootName}>`);
  }

  const [signedInfo, signatureValue, keyInfo, ...extra] = elementChildren(signature, 'ds:Signature');
  if (!isDs(signedInfo, 'SignedInfo') || !isDs(signatureValue, 'SignatureValue') || !isDs(keyInfo, 'KeyInfo')) {
    throw wrapping('ds:Signature must contain SignedInfo, SignatureValue and KeyInfo');
  }
  // A ds:Object (or anything else) here would be content outside the signed reference.
  if (extra.length > 0) throw wrapping('ds:Signature contains unexpected elements');

  const [c14n, method, ...references] = elementChildren(signedInfo, 'ds:SignedInfo');
  if (!isDs(c14n, 'CanonicalizationMethod') || !isDs(method, 'SignatureMethod')) {
    throw invalid('ds:SignedInfo must start with CanonicalizationMethod and SignatureMethod');
  }
  requireAlgorithm(c14n, ALGORITHMS.excC14n, 'CanonicalizationMethod');
  requireAlgorithm(method, ALGORITHMS.rsaSha256, 'SignatureMethod');
  if (references.length !== 1 || !isDs(references[0], 'Reference')) {
    throw wrapping('ds:SignedInfo must contain exactly one Reference');
  }
  const reference = references[0];
  if (!reference.hasAttribute('URI') || reference.getAttribute('URI') !== '') {
    throw wrapping('the Reference must have URI="" (the whole message)');
  }
  const [transforms, digestMethod, digestValue, ...refExtra] = elementChildren(reference, 'ds:Reference');
  if (!isDs(transforms, 'Transforms') || !isDs(digestMethod, 'DigestMethod') || !isDs(digestValue, 'DigestValue')) {
    throw invalid('ds:Reference must contain Transforms, DigestMethod and DigestValue');
  }
  if (refExtra.length > 0) throw invalid('ds:Reference contains unexpected elements');
  const transformList = elementChildren(transforms, 'ds:Transforms');
  const expected = [ALGORITHMS.envelopedSignature, ALGORITHMS.excC14n];
  if (
    transformList.length !== expected.length ||
    transformList.some((t, i) => !isDs(t, 'Transform') || t.getAttribute('Algorithm') !== expected[i])
  ) {
    throw invalid('the Reference transforms must be enveloped-signature followed by exclusive c14n');
  }
  requireAlgorithm(digestMethod, ALGORITHMS.sha256, 'DigestMethod');

  const certificatePem = certificateFrom(keyInfo);
  const trust = options.trustStore.check(certificatePem, options.at);
  if (!trust.trusted) {
    throw new XmlMessageError('CERT_UNTRUSTED', `${trust.code}: ${trust.reason}`);
  }

  // The key comes from the trust decision, never from KeyInfo (getCertFromKeyInfo disabled).
  const verifier = new SignedXml({ publicCert: trust.publicKey, getCertFromKeyInfo: () => null });
  let signed: string[];
  try {
    // As a string (xmldom adds the in-scope namespace declarations): measurably faster in
    // xml-crypto than a node of our own document, and what is verified is the same SignedInfo.
    verifier.loadSignature(signature.toString());
    if (verifier.checkSignature(xml) !== true) throw new Error('reference digest mismatch');
    signed = verifier.getSignedReferences();
  } catch {
    throw invalid('the signature does not match the message (altered content or wrong key)');
  }
  if (signed.length !== 1) throw wrapping('the signature must cover exactly one reference');
  return { signedXml: signed[0], signerOin: trust.oin, certificateFingerprint: trust.fingerprint256 };
}

function certificateFrom(keyInfo: Element): string {
  const [x509Data, ...rest] = elementChildren(keyInfo, 'ds:KeyInfo');
  const certs = isDs(x509Data, 'X509Data')
    ? elementChildren(x509Data, 'ds:X509Data').filter((el) => isDs(el, 'X509Certificate'))
    : [];
  if (rest.length > 0 || certs.length !== 1) {
    throw new XmlMessageError('CERT_UNTRUSTED', 'KeyInfo must hold exactly one X509Data/X509Certificate');
  }
  // Built here rather than with xml-crypto's toPem, which parses the certificate once more;
  // the trust store parses (and caches) it anyway.
  const base64 = (certs[0].textContent ?? '').replace(/\s+/g, '');
  if (!BASE64.test(base64)) {
    throw new XmlMessageError('CERT_UNTRUSTED', 'CERT_MALFORMED: the X509Certificate is not base64');
  }
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}
