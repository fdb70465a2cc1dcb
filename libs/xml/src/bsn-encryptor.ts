import {
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  type ECDH,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  randomUUID,
  X509Certificate,
} from 'node:crypto';
import {
  ALGORITHMS,
  DS_NS,
  DSIG11_NS,
  P256_CURVE_URI,
  XENC11_NS,
  XENC_NS,
  XENC_TYPE_CONTENT,
  XENC_TYPE_ENCRYPTED_KEY,
} from './xml-constants';
import { XmlMessageError } from './xml-errors';
import { ElementReader, XNode, violation } from './xml-tree';
import { el, leaf } from './xml-writer';

// XML Encryption 1.1 for the content of every <Bsn>: one random AES-256-GCM key per message,
// transported once for the national index's certificate in a single xenc:EncryptedKey; each
// xenc:EncryptedData points at it with a ds:RetrievalMethod. The transport follows the key of
// that certificate:
// - EC P-256 (the production path): ECDH-ES key agreement (§5.6.1) with one ephemeral key per
//   message, ConcatKDF (§5.4.2, SHA-256) to a key-encryption key, AES-256 key wrap (RFC 3394) of
//   the content key. One EC scalar multiplication on the index instead of an RSA private-key
//   operation;
// - RSA: RSA-OAEP (SHA-256, MGF1-SHA-256), as before. Both are accepted on receipt.

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
  /** The uncompressed P-256 point (04 ‖ X ‖ Y) of an EC recipient; undefined for RSA. */
  ecPoint?: Buffer;
  /** SHA-256 of the certificate: lets the index pick the right key during a rollover. */
  digestBytes: Buffer;
  /** The same, base64. */
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
    const publicKey = cert.publicKey;
    let ecPoint: Buffer | undefined;
    if (publicKey.asymmetricKeyType === 'ec') {
      if (publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new Error('recipientCertificatePem: an EC recipient key must be on curve P-256');
      }
      ecPoint = p256Point(publicKey);
    } else if (publicKey.asymmetricKeyType !== 'rsa') {
      throw new Error('recipientCertificatePem: the recipient key must be RSA (RSA-OAEP) or EC P-256 (ECDH-ES)');
    }
    const digestBytes = createHash('sha256').update(cert.raw).digest();
    recipient = { publicKey, ecPoint, digestBytes, digest: digestBytes.toString('base64') };
    if (recipients.size >= 16) recipients.clear(); // only the index's (few) certificates land here
    recipients.set(certificatePem, recipient);
  }
  return recipient;
}

/** The uncompressed point of a P-256 public key. */
function p256Point(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

/** Options of newContentKey beyond the recipient. */
export interface ContentKeyOptions {
  /** The sender's OIN: ECDH-ES binds the derived key to it (ConcatKDF PartyUInfo). */
  senderOin?: string;
}

/**
 * A new content key for the recipient's certificate: ECDH-ES + ConcatKDF + AES key wrap for an EC
 * P-256 key, RSA-OAEP for an RSA key.
 */
export function newContentKey(recipientCertificatePem: string, options: ContentKeyOptions = {}): ContentKey {
  const recipient = recipientOf(recipientCertificatePem);
  const id = `ek-${randomUUID()}`;
  const key = randomBytes(KEY_BYTES);
  const recipientKeyInfo = el('ds:X509Data', leaf('dsig11:X509Digest', recipient.digest, { Algorithm: ALGORITHMS.sha256 }));
  if (recipient.ecPoint) {
    return { id, key, encryptedKeyElement: ecdhEsEncryptedKey(id, key, recipient, recipientKeyInfo, options.senderOin ?? '') };
  }
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
        el('ds:KeyInfo', recipientKeyInfo),
        el('xenc:CipherData', leaf('xenc:CipherValue', wrapped.toString('base64'))),
      ],
      { Id: id },
    ),
  };
}

// ---- ECDH-ES ---------------------------------------------------------------------------------

const P256_POINT_BYTES = 65;
/** RFC 3394 default initial value. */
const KEY_WRAP_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const WRAPPED_KEY_BYTES = KEY_BYTES + 8;
const KDF_COUNTER_1 = Buffer.from([0, 0, 0, 1]);
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
/** Our AlgorithmID: the key-wrap algorithm the derived key is for (SP 800-56A), as a bit string. */
const ALGORITHM_ID_HEX = `00${Buffer.from(ALGORITHMS.kwAes256, 'utf8').toString('hex')}`;

/**
 * ConcatKDF (SP 800-56A §5.8.1, XML Encryption 1.1 §5.4.2) with SHA-256 for a 256-bit key: one
 * round, SHA-256(counter 1 ‖ Z ‖ OtherInfo), where OtherInfo is the concatenation of the
 * parameters without their leading padding-bits octet.
 */
function concatKdf(z: Buffer, otherInfo: Buffer): Buffer {
  return createHash('sha256').update(KDF_COUNTER_1).update(z).update(otherInfo).digest();
}

function ecdhEsEncryptedKey(id: string, key: Buffer, recipient: Recipient, recipientKeyInfo: string, senderOin: string): string {
  const ephemeral = createECDH('prime256v1');
  const ephemeralPoint = ephemeral.generateKeys(); // uncompressed by default
  const z = ephemeral.computeSecret(recipient.ecPoint!);
  const partyU = Buffer.from(senderOin, 'utf8');
  const params = {
    AlgorithmID: ALGORITHM_ID_HEX,
    PartyUInfo: `00${partyU.toString('hex')}`,
    PartyVInfo: `00${recipient.digestBytes.toString('hex')}`,
  };
  const kek = concatKdf(z, Buffer.concat([Buffer.from(ALGORITHMS.kwAes256, 'utf8'), partyU, recipient.digestBytes]));
  const wrap = createCipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
  const wrapped = Buffer.concat([wrap.update(key), wrap.final()]);
  return el(
    'xenc:EncryptedKey',
    [
      el('xenc:EncryptionMethod', '', { Algorithm: ALGORITHMS.kwAes256 }),
      el(
        'ds:KeyInfo',
        el(
          'xenc:AgreementMethod',
          [
            el(
              'xenc11:KeyDerivationMethod',
              el('xenc11:ConcatKDFParams', el('ds:DigestMethod', '', { Algorithm: ALGORITHMS.sha256 }), params),
              { Algorithm: ALGORITHMS.concatKdf },
            ),
            el(
              'xenc:OriginatorKeyInfo',
              el(
                'ds:KeyValue',
                el('dsig11:ECKeyValue', [
                  el('dsig11:NamedCurve', '', { URI: P256_CURVE_URI }),
                  leaf('dsig11:PublicKey', ephemeralPoint.toString('base64')),
                ]),
              ),
            ),
            el('xenc:RecipientKeyInfo', recipientKeyInfo),
          ],
          { Algorithm: ALGORITHMS.ecdhEs },
        ),
      ),
      el('xenc:CipherData', leaf('xenc:CipherValue', wrapped.toString('base64'))),
    ],
    { Id: id },
  );
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

interface EncryptedKeyBase {
  id: string;
  cipherValue: Buffer;
  /** SHA-256 of the recipient's certificate, when the EncryptedKey names it (dsig11:X509Digest). */
  recipientDigest?: Buffer;
}

export type EncryptedKeyNode =
  | (EncryptedKeyBase & {
      transport: 'rsa-oaep';
      /** OAEP digest, also used for MGF1 (node:crypto cannot use different ones). */
      oaepHash: 'sha256' | 'sha1';
    })
  | (EncryptedKeyBase & {
      transport: 'ecdh-es';
      /** The originator's ephemeral P-256 point, uncompressed (not yet checked to be on the curve). */
      ephemeralPoint: Buffer;
      /** ConcatKDF OtherInfo: AlgorithmID ‖ PartyUInfo ‖ PartyVInfo (‖ SuppPubInfo ‖ SuppPrivInfo). */
      otherInfo: Buffer;
    });

/** The index's private key(s) for BSN decryption: one, one with its certificate, or several (rollover). */
export type RecipientKeys = KeyObject | RecipientKey | readonly (KeyObject | RecipientKey)[];

export interface RecipientKey {
  privateKey: KeyObject;
  /** Its certificate: lets openMelding pick this key by the EncryptedKey's X509Digest. */
  certificatePem?: string;
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

function base64Text(node: XNode, path: string): Buffer {
  const b64 = node.text.replace(/\s+/g, '');
  if (node.children.length > 0 || !BASE64.test(b64) || b64.length % 4 !== 0) throw violation(`${path} must be base64`);
  return Buffer.from(b64, 'base64');
}

/** An element that only names an algorithm (no content, no other attributes). */
function algorithmOnly(node: XNode, expected: string, path: string): void {
  if (node.attrs.Algorithm !== expected) throw violation(`${path} must use ${expected}`);
  new ElementReader(node, path, ['Algorithm']).done();
}

/** The SHA-256 X509Digest in a ds:KeyInfo or xenc:RecipientKeyInfo, if that is what it holds. */
function recipientDigestIn(keyInfo: XNode | undefined): Buffer | undefined {
  const x509Data = keyInfo?.children.length === 1 ? keyInfo.children[0] : undefined;
  if (x509Data?.local !== 'X509Data' || x509Data.uri !== DS_NS || x509Data.children.length !== 1) return undefined;
  const digest = x509Data.children[0];
  if (digest.local !== 'X509Digest' || digest.uri !== DSIG11_NS || digest.attrs.Algorithm !== ALGORITHMS.sha256) return undefined;
  const b64 = digest.text.replace(/\s+/g, '');
  return BASE64.test(b64) ? Buffer.from(b64, 'base64') : undefined;
}

/** A ConcatKDF parameter: hexBinary whose first octet counts padding bits (0: whole octets). */
function kdfParameter(node: XNode, name: string, path: string, required: boolean): Buffer {
  const value = node.attrs[name];
  if (value === undefined) {
    if (required) throw violation(`${path} needs ${name}`);
    return Buffer.alloc(0);
  }
  if (value.length > 1024 || !HEX.test(value)) throw violation(`${path}/@${name} must be hexBinary`);
  if (value === '') return Buffer.alloc(0);
  if (!value.startsWith('00')) throw violation(`${path}/@${name} must be a whole number of octets (padding octet 00)`);
  return Buffer.from(value.slice(2), 'hex');
}

/**
 * ds:KeyInfo/xenc:AgreementMethod of an ECDH-ES EncryptedKey, read strictly: ConcatKDF with
 * SHA-256, the originator's ephemeral P-256 key as dsig11:ECKeyValue, an optional
 * RecipientKeyInfo. No KA-Nonce (ECDH-ES needs none).
 */
function readAgreement(keyInfo: XNode, path: string): { ephemeralPoint: Buffer; otherInfo: Buffer; recipientDigest?: Buffer } {
  const keyInfoReader = new ElementReader(keyInfo, path);
  const agreement = keyInfoReader.required('AgreementMethod', XENC_NS);
  keyInfoReader.done();
  const agreementPath = `${path}/AgreementMethod`;
  if (agreement.attrs.Algorithm !== ALGORITHMS.ecdhEs) throw violation(`${agreementPath} must use ${ALGORITHMS.ecdhEs}`);
  const reader = new ElementReader(agreement, agreementPath, ['Algorithm']);

  const kdm = reader.required('KeyDerivationMethod', XENC11_NS);
  const kdmPath = `${agreementPath}/KeyDerivationMethod`;
  if (kdm.attrs.Algorithm !== ALGORITHMS.concatKdf) throw violation(`${kdmPath} must use ${ALGORITHMS.concatKdf}`);
  const kdmReader = new ElementReader(kdm, kdmPath, ['Algorithm']);
  const params = kdmReader.required('ConcatKDFParams', XENC11_NS);
  kdmReader.done();
  const paramsPath = `${kdmPath}/ConcatKDFParams`;
  const paramsReader = new ElementReader(params, paramsPath, ['AlgorithmID', 'PartyUInfo', 'PartyVInfo', 'SuppPubInfo', 'SuppPrivInfo']);
  algorithmOnly(paramsReader.required('DigestMethod', DS_NS), ALGORITHMS.sha256, `${paramsPath}/DigestMethod`);
  paramsReader.done();
  const otherInfo = Buffer.concat([
    kdfParameter(params, 'AlgorithmID', paramsPath, true),
    kdfParameter(params, 'PartyUInfo', paramsPath, true),
    kdfParameter(params, 'PartyVInfo', paramsPath, true),
    kdfParameter(params, 'SuppPubInfo', paramsPath, false),
    kdfParameter(params, 'SuppPrivInfo', paramsPath, false),
  ]);

  const originator = reader.child('OriginatorKeyInfo', XENC_NS);
  const keyValue = originator.child('KeyValue', DS_NS);
  originator.done();
  const ecKeyValue = keyValue.child('ECKeyValue', DSIG11_NS, ['Id']);
  keyValue.done();
  const ecPath = `${agreementPath}/OriginatorKeyInfo/KeyValue/ECKeyValue`;
  const curve = ecKeyValue.required('NamedCurve', DSIG11_NS);
  if (curve.attrs.URI !== P256_CURVE_URI) throw violation(`${ecPath}/NamedCurve must be P-256 (${P256_CURVE_URI})`);
  new ElementReader(curve, `${ecPath}/NamedCurve`, ['URI']).done();
  const ephemeralPoint = base64Text(ecKeyValue.required('PublicKey', DSIG11_NS), `${ecPath}/PublicKey`);
  ecKeyValue.done();
  // The curve check itself is node:crypto's, when the point is used.
  if (ephemeralPoint.length !== P256_POINT_BYTES || ephemeralPoint[0] !== 4) {
    throw violation(`${ecPath}/PublicKey must be an uncompressed P-256 point`);
  }
  const recipientKeyInfo = reader.optional('RecipientKeyInfo', XENC_NS);
  reader.done();
  return { ephemeralPoint, otherInfo, recipientDigest: recipientDigestIn(recipientKeyInfo) };
}

/** Checks the structure of the xenc:EncryptedKey and returns its Id and wrapped key. */
export function readEncryptedKey(node: XNode, path: string): EncryptedKeyNode {
  const reader = new ElementReader(node, path, ['Id', 'Recipient']);
  const id = node.attrs.Id;
  if (!id || !/^[A-Za-z_][\w.-]{0,127}$/.test(id)) throw violation(`${path} needs an Id`);
  const method = reader.required('EncryptionMethod', XENC_NS);
  if (method.attrs.Algorithm === ALGORITHMS.kwAes256) {
    algorithmOnly(method, ALGORITHMS.kwAes256, `${path}/EncryptionMethod`);
    const agreement = readAgreement(reader.required('KeyInfo', DS_NS), `${path}/KeyInfo`);
    const wrapped = cipherValue(reader, path);
    reader.done();
    if (wrapped.length !== WRAPPED_KEY_BYTES) throw violation(`${path}/CipherData/CipherValue must be a wrapped AES-256 key`);
    return { id, cipherValue: wrapped, transport: 'ecdh-es', ...agreement };
  }
  const oaepHash = oaepHashOf(method, `${path}/EncryptionMethod`);
  // A hint for key rollover; its content is not needed to decrypt.
  const recipientDigest = recipientDigestIn(reader.optional('KeyInfo', DS_NS));
  const wrapped = cipherValue(reader, path);
  reader.done();
  return { id, cipherValue: wrapped, transport: 'rsa-oaep', oaepHash, recipientDigest };
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

/** What we keep per private key: its type and, for P-256, a ready ECDH object. */
interface PreparedKey {
  privateKey: KeyObject;
  kind: 'rsa' | 'p256' | 'other';
  ecdh?: ECDH;
}

const preparedKeys = new WeakMap<KeyObject, PreparedKey>();
const certificateDigests = new Map<string, Buffer>();

function prepare(privateKey: KeyObject): PreparedKey {
  let prepared = preparedKeys.get(privateKey);
  if (!prepared) {
    if (!(privateKey instanceof KeyObject) || privateKey.type !== 'private') {
      throw new TypeError('recipientKey must be a private KeyObject (or a list of them)');
    }
    const type = privateKey.asymmetricKeyType;
    if (type === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
      // One ECDH object per key: computeSecret then costs one scalar multiplication per message.
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
      prepared = { privateKey, kind: 'p256', ecdh };
    } else {
      prepared = { privateKey, kind: type === 'rsa' ? 'rsa' : 'other' };
    }
    preparedKeys.set(privateKey, prepared);
  }
  return prepared;
}

function digestOfCertificate(pem: string): Buffer | undefined {
  let digest = certificateDigests.get(pem);
  if (digest === undefined) {
    try {
      digest = createHash('sha256').update(new X509Certificate(pem).raw).digest();
    } catch {
      throw new TypeError('recipientKey.certificatePem is not a valid X.509 certificate');
    }
    if (certificateDigests.size >= 16) certificateDigests.clear(); // the index's own few certificates
    certificateDigests.set(pem, digest);
  }
  return digest;
}

/**
 * The keys to try, in order: those of the transport's type; when the EncryptedKey names its
 * recipient's certificate, keys with that certificate first and keys with another one not at all.
 */
function candidates(encryptedKey: EncryptedKeyNode, keys: RecipientKeys): PreparedKey[] {
  const list = (Array.isArray(keys) ? keys : [keys]) as (KeyObject | RecipientKey)[];
  const wanted = encryptedKey.transport === 'ecdh-es' ? 'p256' : 'rsa';
  const matching: PreparedKey[] = [];
  const unlabelled: PreparedKey[] = [];
  for (const entry of list) {
    const withCert = entry instanceof KeyObject ? undefined : entry;
    const prepared = prepare(withCert ? withCert.privateKey : (entry as KeyObject));
    if (prepared.kind !== wanted) continue;
    if (!withCert?.certificatePem) unlabelled.push(prepared);
    else if (!encryptedKey.recipientDigest || digestOfCertificate(withCert.certificatePem)!.equals(encryptedKey.recipientDigest)) {
      matching.push(prepared);
    }
  }
  return [...matching, ...unlabelled];
}

function unwrapWith(encryptedKey: EncryptedKeyNode, key: PreparedKey): Buffer | undefined {
  try {
    if (encryptedKey.transport === 'rsa-oaep') {
      return privateDecrypt(
        { key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: encryptedKey.oaepHash },
        encryptedKey.cipherValue,
      );
    }
    // computeSecret refuses a point that is not on the curve (invalid-curve attacks).
    const z = key.ecdh!.computeSecret(encryptedKey.ephemeralPoint);
    const unwrap = createDecipheriv('id-aes256-wrap', concatKdf(z, encryptedKey.otherInfo), KEY_WRAP_IV);
    // The RFC 3394 integrity check fails (throws) for a wrong key or an altered EncryptedKey.
    return Buffer.concat([unwrap.update(encryptedKey.cipherValue), unwrap.final()]);
  } catch {
    return undefined;
  }
}

/** The content key, with the first of our keys that can unwrap it (ECDH-ES or RSA-OAEP). */
export function unwrapContentKey(encryptedKey: EncryptedKeyNode, recipientKey: RecipientKeys): Buffer {
  for (const candidate of candidates(encryptedKey, recipientKey)) {
    const key = unwrapWith(encryptedKey, candidate);
    if (key === undefined) continue;
    if (key.length !== KEY_BYTES) throw new XmlMessageError('DECRYPTION_FAILED', 'the EncryptedKey is not an AES-256 key');
    return key;
  }
  throw new XmlMessageError('DECRYPTION_FAILED', 'the EncryptedKey cannot be decrypted with our key');
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
