import { sign, type KeyObject } from 'node:crypto';
import { canonicalDigest } from './exc-c14n';
import { ALGORITHMS, DS_NS } from './xml-constants';
import { checkCharacters, parseXml } from './xml-parser';
import { sha256 } from './sha256';
import { XML_DECLARATION } from './xml-writer';
import { ECDSA_P256_SHA256, RSA_SHA256, signatureMethodFor, type SignatureMethod } from './signature-method';

/**
 * Who signs: a party's OIN, private key and (leaf) certificate. @vir/pki's Credentials fit. An RSA
 * key signs with rsa-sha256, an EC P-256 key with ecdsa-sha256.
 */
export interface Signer {
  oin: string;
  privateKey: KeyObject;
  certificatePem: string;
}

// Enveloped XMLDSig over the whole document (Reference URI=""), exclusive c14n, RSA-SHA256 or
// ECDSA-P256-SHA256 (by the signer's key), SHA-256 digest, the signer's certificate in KeyInfo,
// the signature as last child of the root: the same form xml-crypto produced before (and xmlsec1
// verifies, see the specs), made here directly because xml-crypto's generic path (xmldom, xpath,
// two c14n passes) cost ~2.5 ms a message. SignedInfo is fixed apart from the SignatureMethod and
// the digest, so it is written in canonical form and the string that is signed is that text with
// the one namespace declaration c14n puts on it.

function signedInfoHead(method: SignatureMethod): string {
  return (
    `<ds:CanonicalizationMethod Algorithm="${ALGORITHMS.excC14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${method.uri}"></ds:SignatureMethod>` +
    '<ds:Reference URI=""><ds:Transforms>' +
    `<ds:Transform Algorithm="${ALGORITHMS.envelopedSignature}"></ds:Transform>` +
    `<ds:Transform Algorithm="${ALGORITHMS.excC14n}"></ds:Transform>` +
    `</ds:Transforms><ds:DigestMethod Algorithm="${ALGORITHMS.sha256}"></ds:DigestMethod><ds:DigestValue>`
  );
}
const SIGNED_INFO_HEADS = new Map([RSA_SHA256, ECDSA_P256_SHA256].map((m) => [m, signedInfoHead(m)]));
const SIGNED_INFO_TAIL = '</ds:DigestValue></ds:Reference></ds:SignedInfo>';

const certificates = new Map<string, string>();

/** The base64 DER of the leaf certificate, as KeyInfo carries it. */
function certificateBase64(pem: string): string {
  let base64 = certificates.get(pem);
  if (base64 === undefined) {
    const match = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(pem);
    if (!match) throw new Error('signer.certificatePem holds no PEM certificate');
    base64 = match[1].replace(/\s+/g, '');
    if (certificates.size >= 64) certificates.clear(); // a handful of own identities land here
    certificates.set(pem, base64);
  }
  return base64;
}

function methodOf(signer: Signer): SignatureMethod {
  const method = signer.privateKey?.type === 'private' ? signatureMethodFor(signer.privateKey) : undefined;
  if (!method) throw new TypeError('signer.privateKey must be a private RSA or EC P-256 key');
  return method;
}

/** The ds:Signature element for a document whose canonical form has this SHA-256 digest. */
function signatureElement(digest: Buffer, method: SignatureMethod, signer: Signer): string {
  const signedInfoBody = `${SIGNED_INFO_HEADS.get(method)}${digest.toString('base64')}${SIGNED_INFO_TAIL}`;
  const canonicalSignedInfo = `<ds:SignedInfo xmlns:ds="${DS_NS}">${signedInfoBody}`;
  const key = method.dsaEncoding ? { key: signer.privateKey, dsaEncoding: method.dsaEncoding } : signer.privateKey;
  const value = sign('sha256', Buffer.from(canonicalSignedInfo, 'utf8'), key).toString('base64');
  return (
    `<ds:Signature xmlns:ds="${DS_NS}"><ds:SignedInfo>${signedInfoBody}` +
    `<ds:SignatureValue>${value}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBase64(signer.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    '</ds:Signature>'
  );
}

/** Signs a complete document (its own or anyone's well-formed XML) and returns it with the signature. */
export function signDocument(xml: string, signer: Signer): string {
  const method = methodOf(signer);
  const doc = parseXml(xml);
  const signature = signatureElement(canonicalDigest(doc), method, signer);
  const { source, root } = doc;
  if (root.selfClosing) {
    return `${source.slice(0, root.closeStart)}>${signature}</${root.qname}>${source.slice(root.closeStart + 2)}`;
  }
  return source.slice(0, root.closeStart) + signature + source.slice(root.closeStart);
}

/**
 * Signs a document buildDocument() just built from our writer's elements: XML_DECLARATION, then
 * the root, which is already in exclusive canonical form (xml-writer.ts), so the digest is taken
 * of that text directly — no parse, no canonicalisation. The result is the same as signDocument's
 * (a spec compares them on every message type). Only the characters are checked, as the parser
 * would: field rules refuse control characters, but not, say, U+FFFF.
 */
export function signBuilt(xml: string, signer: Signer): string {
  const method = methodOf(signer);
  if (!xml.startsWith(XML_DECLARATION)) throw new Error('signBuilt: not a document of buildDocument()');
  checkCharacters(xml);
  const canonical = xml.slice(XML_DECLARATION.length);
  const close = xml.lastIndexOf('</');
  return xml.slice(0, close) + signatureElement(sha256(canonical), method, signer) + xml.slice(close);
}
