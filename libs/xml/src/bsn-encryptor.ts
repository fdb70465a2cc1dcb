import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  randomUUID,
  X509Certificate,
} from 'node:crypto';
import { ALGORITHMS, DS_NS, XENC11_NS, XENC_NS, XENC_TYPE_CONTENT, XENC_TYPE_ENCRYPTED_KEY } from './xml-constants';
import { XmlMessageError } from './xml-errors';
import { ElementReader, XNode, violation } from './xml-tree';
import { el, leaf } from './xml-writer';

// XML Encryption 1.1 for the content of every <Bsn>: one random AES-256-GCM key per message,
// wrapped once with RSA-OAEP (SHA-256, MGF1-SHA-256) for the national index's certificate in a
// single xenc:EncryptedKey; each xenc:EncryptedData points at it with a ds:RetrievalMethod.
// One RSA operation per message, whatever the number of parents, keeps the index fast.

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The per-message content key and its wrapped form, as an `xenc:EncryptedKey` element (prefixes
 * xenc, xenc11, ds and dsig11 must be declared by the document).
 */
export interface ContentKey {
  id: string;
  key: Buffer;
  encryptedKeyElement: string;
}

interface Recipient {
  publicKey: KeyObject;
  /** base64 SHA-256 of the certificate: lets the index pick the right key during a rollover. */
  digest: string;
}

const recipients = new Map<string, Recipient>();

function recipientOf(certificatePem: string): Recipient {
  let recipient = recipients.get(certificatePem);
  if (!recipient) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certificatePem);
    } catch {
      throw new Error('recipientCertificatePem is not a valid X.509 certificate');
    }
    recipient = { publicKey: cert.publicKey, digest: createHash('sha256').update(cert.raw).digest('base64') };
    if (recipients.size >= 16) recipients.clear(); // only the index's (few) certificates land here
    recipients.set(certificatePem, recipient);
  }
  return recipient;
}

export function newContentKey(recipientCertificatePem: string): ContentKey {
  const recipient = recipientOf(recipientCertificatePem);
  const id = `ek-${randomUUID()}`;
  const key = randomBytes(KEY_BYTES);
  const wrapped = publicEncrypt(
    { key: recipient.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    key,
  );
  return {
    id,
    key,
    encryptedKeyElement: el(
      'xenc:EncryptedKey',
      [
        el(
          'xenc:EncryptionMethod',
          [el('ds:DigestMethod', '', { Algorithm: ALGORITHMS.sha256 }), el('xenc11:MGF', '', { Algorithm: ALGORITHMS.mgf1Sha256 })],
          { Algorithm: ALGORITHMS.rsaOaep },
        ),
        el('ds:KeyInfo', el('ds:X509Data', leaf('dsig11:X509Digest', recipient.digest, { Algorithm: ALGORITHMS.sha256 }))),
        el('xenc:CipherData', leaf('xenc:CipherValue', wrapped.toString('base64'))),
      ],
      { Id: id },
    ),
  };
}

/** The xenc:EncryptedData element that replaces a BSN. */
export function encryptBsn(contentKey: ContentKey, bsn: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', contentKey.key, iv);
  const sealed = Buffer.concat([iv, cipher.update(bsn, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return el(
    'xenc:EncryptedData',
    [
      el('xenc:EncryptionMethod', '', { Algorithm: ALGORITHMS.aes256Gcm }),
      el('ds:KeyInfo', el('ds:RetrievalMethod', '', { URI: `#${contentKey.id}`, Type: XENC_TYPE_ENCRYPTED_KEY })),
      el('xenc:CipherData', leaf('xenc:CipherValue', sealed.toString('base64'))),
    ],
    { Type: XENC_TYPE_CONTENT },
  );
}

// ---- reading ---------------------------------------------------------------------------------

export interface EncryptedKeyNode {
  id: string;
  cipherValue: Buffer;
  /** OAEP digest, also used for MGF1 (node:crypto cannot use different ones). */
  oaepHash: 'sha256' | 'sha1';
}

function algorithm(reader: ElementReader, local: string, uri: string, expected: string, path: string): XNode {
  const node = reader.required(local, uri);
  if (node.attrs.Algorithm !== expected) throw violation(`${path}/${local} must use ${expected}`);
  return node;
}

/**
 * We send xmlenc11#rsa-oaep with SHA-256/MGF1-SHA-256. On receipt we also accept the SHA-1
 * defaults of both OAEP identifiers, so direct parties on older XML Encryption stacks can send.
 */
function oaepHashOf(method: XNode, path: string): 'sha256' | 'sha1' {
  const reader = new ElementReader(method, path, ['Algorithm']);
  const digestNode = reader.optional('DigestMethod', DS_NS);
  const mgfNode = reader.optional('MGF', XENC11_NS);
  reader.done();
  for (const n of [digestNode, mgfNode]) {
    if (n) new ElementReader(n, `${path}/${n.local}`, ['Algorithm']).done();
  }
  const digest = digestNode?.attrs.Algorithm ?? ALGORITHMS.sha1;
  const mgf = mgfNode?.attrs.Algorithm ?? ALGORITHMS.mgf1Sha1;
  const alg = method.attrs.Algorithm;
  if (alg === ALGORITHMS.rsaOaep && digest === ALGORITHMS.sha256 && mgf === ALGORITHMS.mgf1Sha256) return 'sha256';
  if (alg === ALGORITHMS.rsaOaep && digest === ALGORITHMS.sha1 && mgf === ALGORITHMS.mgf1Sha1) return 'sha1';
  if (alg === ALGORITHMS.rsaOaepMgf1p && digest === ALGORITHMS.sha1 && !mgfNode) return 'sha1';
  throw violation(`${path} must be ${ALGORITHMS.rsaOaep} with SHA-256 digest and MGF1-SHA-256`);
}

function cipherValue(reader: ElementReader, path: string): Buffer {
  const cipherData = reader.child('CipherData', XENC_NS);
  const node = cipherData.required('CipherValue', XENC_NS);
  cipherData.done();
  const b64 = node.text.replace(/\s+/g, '');
  if (node.children.length > 0 || !BASE64.test(b64)) throw violation(`${path}/CipherData/CipherValue must be base64`);
  return Buffer.from(b64, 'base64');
}

/** Checks the structure of the xenc:EncryptedKey and returns its Id and wrapped key. */
export function readEncryptedKey(node: XNode, path: string): EncryptedKeyNode {
  const reader = new ElementReader(node, path, ['Id', 'Recipient']);
  const id = node.attrs.Id;
  if (!id || !/^[A-Za-z_][\w.-]{0,127}$/.test(id)) throw violation(`${path} needs an Id`);
  const oaepHash = oaepHashOf(reader.required('EncryptionMethod', XENC_NS), `${path}/EncryptionMethod`);
  reader.optional('KeyInfo', DS_NS); // a hint for key rollover; content not needed to decrypt
  const wrapped = cipherValue(reader, path);
  reader.done();
  return { id, cipherValue: wrapped, oaepHash };
}

/** Checks one xenc:EncryptedData (as the content of a <Bsn>) and returns its CipherValue. */
export function readEncryptedData(bsnElement: XNode, path: string, keyId: string): Buffer {
  const first = bsnElement.children[0];
  if (bsnElement.text.trim() !== '' || !first || first.local !== 'EncryptedData' || first.uri !== XENC_NS) {
    // Never quote the content: a plaintext BSN here is exactly what must not reach a log.
    throw violation(`${path} must contain an xenc:EncryptedData (plaintext BSNs are not accepted)`);
  }
  const bsn = new ElementReader(bsnElement, path);
  const data = bsn.required('EncryptedData', XENC_NS);
  bsn.done();
  const dataPath = `${path}/EncryptedData`;
  const reader = new ElementReader(data, dataPath, ['Type', 'Id']);
  if (data.attrs.Type !== XENC_TYPE_CONTENT) throw violation(`${dataPath} must have Type ${XENC_TYPE_CONTENT}`);
  const method = algorithm(reader, 'EncryptionMethod', XENC_NS, ALGORITHMS.aes256Gcm, dataPath);
  new ElementReader(method, `${dataPath}/EncryptionMethod`, ['Algorithm']).done();
  const keyInfo = reader.child('KeyInfo', DS_NS);
  const retrieval = keyInfo.required('RetrievalMethod', DS_NS);
  keyInfo.done();
  new ElementReader(retrieval, `${dataPath}/KeyInfo/RetrievalMethod`, ['URI', 'Type']).done();
  if (retrieval.attrs.URI !== `#${keyId}` || retrieval.attrs.Type !== XENC_TYPE_ENCRYPTED_KEY) {
    throw violation(`${dataPath}/KeyInfo/RetrievalMethod must refer to the message's EncryptedKey`);
  }
  const value = cipherValue(reader, dataPath);
  reader.done();
  if (value.length < IV_BYTES + TAG_BYTES + 1) throw violation(`${dataPath}/CipherData/CipherValue is too short`);
  return value;
}

export function unwrapContentKey(encryptedKey: EncryptedKeyNode, recipientKey: KeyObject): Buffer {
  let key: Buffer;
  try {
    key = privateDecrypt(
      { key: recipientKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: encryptedKey.oaepHash },
      encryptedKey.cipherValue,
    );
  } catch {
    throw new XmlMessageError('DECRYPTION_FAILED', 'the EncryptedKey cannot be decrypted with our key');
  }
  if (key.length !== KEY_BYTES) throw new XmlMessageError('DECRYPTION_FAILED', 'the EncryptedKey is not an AES-256 key');
  return key;
}

export function decryptBsn(key: Buffer, sealed: Buffer, path: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new XmlMessageError('DECRYPTION_FAILED', `${path} cannot be decrypted (authentication failed)`);
  }
}
