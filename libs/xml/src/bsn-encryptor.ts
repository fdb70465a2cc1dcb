import {
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createSecretKey,
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
import { sha256 } from './sha256';
import { XmlMessageError } from './xml-errors';
import { attribute } from './xml-parser';
import { ElementReader, namespacesInScope, type XNode, violation } from './xml-tree';
import { el, leaf } from './xml-writer';

// XML Encryption 1.1 for the content of every <Bsn>: one random AES-256-GCM key per message,
// transported once for the national index's certificate in a single xenc:EncryptedKey; each
// xenc:EncryptedData points at it with a ds:RetrievalMethod. The transport follows the key of
// that certificate:
// - EC P-256 (the production path): ECDH-ES key agreement (§5.6.1) with one ephemeral key per
//   message, or per KeyAgreementSession (then a per-message nonce in PartyUInfo), ConcatKDF
//   (§5.4.2, SHA-256) to a key-encryption key, AES-256 key wrap (RFC 3394) of the content key.
//   One EC scalar multiplication on the index per ephemeral key (Z is cached) instead of an RSA
//   private-key operation per message;
// - RSA: RSA-OAEP (SHA-256, MGF1-SHA-256), as before. Both are accepted on receipt.

const NS_XENC = { 'xmlns:xenc': XENC_NS };
const NS_XENC11 = { 'xmlns:xenc11': XENC11_NS };
const NS_DS = { 'xmlns:ds': DS_NS };
const NS_DSIG11 = { 'xmlns:dsig11': DSIG11_NS };
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The per-message content key and its wrapped form, as an `xenc:EncryptedKey` element (it declares
 * the namespaces it uses itself).
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
  /** Reuse an ephemeral ECDH key within this session (EC recipients only; see KeyAgreementSession). */
  keyAgreement?: KeyAgreementSession;
}

// ---- key-agreement sessions ------------------------------------------------------------------

export interface KeyAgreementSessionOptions {
  /** Messages one ephemeral key serves before a fresh one is made; default 10,000. */
  maxMessages?: number;
  /** How long one ephemeral key is used, in ms; default 60,000. */
  maxAgeMs?: number;
  /** The clock in ms (tests); default Date.now. */
  now?: () => number;
}

export const DEFAULT_SESSION_MAX_MESSAGES = 10_000;
export const DEFAULT_SESSION_MAX_AGE_MS = 60_000;
const NONCE_BYTES = 16;

/** One ephemeral key in use for one recipient: its public point, the agreed secret Z, and the content key per sender. */
interface SessionKey {
  point: Buffer;
  z: Buffer;
  used: number;
  expires: number;
  /** By sender OIN: the session's content key and its EncryptedKey, made with that sender's first melding in the session. */
  contentKeys: Map<string, ContentKey>;
}

interface SessionState {
  maxMessages: number;
  maxAgeMs: number;
  now: () => number;
  /** By the recipient certificate's SHA-256 (base64). */
  keys: Map<string, SessionKey>;
}

// Kept outside the object, so neither Z nor the counters are reachable through the public API.
const sessions = new WeakMap<KeyAgreementSession, SessionState>();

/**
 * A sender's ECDH-ES key-agreement session (the gateway keeps one for the index): instead of a new
 * ephemeral P-256 key per message, one ephemeral key serves at most `maxMessages` messages
 * (default 10,000) or `maxAgeMs` (default 60 s), whichever comes first, then a fresh one is made.
 * Within it, each sender OIN gets one content key: a random AES-256 key, wrapped once under a
 * key-encryption key derived with a fresh random 16-byte nonce in the ConcatKDF PartyUInfo (after
 * the sender's OIN). Every melding of that sender in the session carries the same EncryptedKey and
 * encrypts each melding's Bsns (schema 1.3) under that key with its own random 96-bit IV: at most
 * 10,000 GCM encryptions per key (50,000 in the 1.2 form, one per BSN), far below the 2^32 NIST SP
 * 800-38D allows one GCM key with random IVs.
 * The index caches Z per ephemeral key and the content key per EncryptedKey (openMelding), so only
 * the first melding of a session costs it an ECDH and a key unwrap; the sender saves its ECDH, KDF
 * and key wrap per message too.
 *
 * The trade-off: ECDH-ES gives no forward secrecy against the index's own key anyway (it is
 * static); what a fresh ephemeral key per message adds is that the sender forgets each message's
 * secret at once. With a session the sender holds Z and the content keys in memory for up to one
 * session (≤ 60 s / 10,000 messages): whoever reads the gateway's memory in that window can decrypt that session's
 * BSNs — but the gateway holds those plaintext BSNs in that same memory anyway. Messages sealed
 * without a session keep one ephemeral key per message; receivers need no configuration either way.
 */
export class KeyAgreementSession {
  constructor(options: KeyAgreementSessionOptions = {}) {
    const maxMessages = options.maxMessages ?? DEFAULT_SESSION_MAX_MESSAGES;
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS;
    if (!Number.isInteger(maxMessages) || maxMessages < 1) throw new RangeError('KeyAgreementSession: maxMessages must be a whole number >= 1');
    if (!Number.isFinite(maxAgeMs) || maxAgeMs <= 0) throw new RangeError('KeyAgreementSession: maxAgeMs must be a positive number');
    sessions.set(this, { maxMessages, maxAgeMs, now: options.now ?? Date.now, keys: new Map() });
  }

  /** Forgets every ephemeral key (and Z) now: the next message starts a new session. */
  rotate(): void {
    sessions.get(this)!.keys.clear();
  }
}

/** The session's ephemeral key for this recipient, a fresh one when the current one is used up. */
function sessionKeyFor(session: KeyAgreementSession, recipient: Recipient): SessionKey {
  const state = sessions.get(session);
  if (!state) throw new TypeError('keyAgreement must be a KeyAgreementSession');
  const now = state.now();
  let key = state.keys.get(recipient.digest);
  if (!key || key.used >= state.maxMessages || now >= key.expires) {
    const { point, z } = ephemeralAgreement(recipient);
    key = { point, z, used: 0, expires: now + state.maxAgeMs, contentKeys: new Map() };
    if (state.keys.size >= 16) state.keys.clear(); // a sender has one or two index certificates
    state.keys.set(recipient.digest, key);
  }
  key.used++;
  return key;
}

/** A new ephemeral P-256 key: its point, and Z with the recipient's key (the private key is dropped). */
function ephemeralAgreement(recipient: Recipient): { point: Buffer; z: Buffer } {
  const ephemeral = createECDH('prime256v1');
  const point = ephemeral.generateKeys(); // uncompressed by default
  return { point, z: ephemeral.computeSecret(recipient.ecPoint!) };
}

/**
 * A new content key for the recipient's certificate: ECDH-ES + ConcatKDF + AES key wrap for an EC
 * P-256 key, RSA-OAEP for an RSA key.
 */
export function newContentKey(recipientCertificatePem: string, options: ContentKeyOptions = {}): ContentKey {
  const recipient = recipientOf(recipientCertificatePem);
  if (recipient.ecPoint && options.keyAgreement) {
    // One content key per sender within the session (see KeyAgreementSession).
    const session = sessionKeyFor(options.keyAgreement, recipient);
    const oin = options.senderOin ?? '';
    let contentKey = session.contentKeys.get(oin);
    if (contentKey === undefined) {
      const partyU = Buffer.concat([Buffer.from(oin, 'utf8'), randomBytes(NONCE_BYTES)]);
      contentKey = ecdhEsContentKey(recipient, session, partyU);
      session.contentKeys.set(oin, contentKey);
    }
    return contentKey;
  }
  if (recipient.ecPoint) {
    return ecdhEsContentKey(recipient, ephemeralAgreement(recipient), Buffer.from(options.senderOin ?? '', 'utf8'));
  }
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
          [
            el('ds:DigestMethod', '', { ...NS_DS, Algorithm: ALGORITHMS.sha256 }),
            el('xenc11:MGF', '', { ...NS_XENC11, Algorithm: ALGORITHMS.mgf1Sha256 }),
          ],
          { Algorithm: ALGORITHMS.rsaOaep },
        ),
        el('ds:KeyInfo', recipientKeyInfo(recipient), NS_DS),
        el('xenc:CipherData', leaf('xenc:CipherValue', wrapped.toString('base64'))),
      ],
      { ...NS_XENC, Id: id },
    ),
  };
}

// ---- ECDH-ES ---------------------------------------------------------------------------------

const P256_POINT_BYTES = 65;
/** RFC 3394 default initial value. */
const KEY_WRAP_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const WRAPPED_KEY_BYTES = KEY_BYTES + 8;
const KDF_COUNTER_1 = Buffer.from([0, 0, 0, 1]);
/** Our AlgorithmID: the key-wrap algorithm the derived key is for (SP 800-56A), as a bit string. */
const ALGORITHM_ID_HEX = `00${Buffer.from(ALGORITHMS.kwAes256, 'utf8').toString('hex')}`;

/**
 * ConcatKDF (SP 800-56A §5.8.1, XML Encryption 1.1 §5.4.2) with SHA-256 for a 256-bit key: one
 * round, SHA-256(counter 1 ‖ Z ‖ OtherInfo), where OtherInfo is the concatenation of the
 * parameters without their leading padding-bits octet.
 */
function concatKdf(z: Buffer, otherInfo: Buffer): Buffer {
  return sha256(Buffer.concat([KDF_COUNTER_1, z, otherInfo]));
}

/** The recipient's certificate named by its SHA-256 digest, for a KeyInfo or RecipientKeyInfo. */
function recipientKeyInfo(recipient: Recipient): string {
  // Namespace declarations sit where exclusive c14n puts them (the first element of a branch that
  // uses the prefix), so the document is its own canonical form (see xml-writer.ts).
  return el('ds:X509Data', leaf('dsig11:X509Digest', recipient.digest, { ...NS_DSIG11, Algorithm: ALGORITHMS.sha256 }));
}

/**
 * A new content key, wrapped under ConcatKDF(Z, … PartyUInfo …) of this agreement. PartyUInfo is the
 * sender's OIN, followed by a random nonce when the ephemeral key serves more than one content key.
 */
function ecdhEsContentKey(recipient: Recipient, agreement: { point: Buffer; z: Buffer }, partyU: Buffer): ContentKey {
  const id = `ek-${randomUUID()}`;
  const key = randomBytes(KEY_BYTES);
  const { point: ephemeralPoint, z } = agreement;
  const params = {
    AlgorithmID: ALGORITHM_ID_HEX,
    PartyUInfo: `00${partyU.toString('hex')}`,
    PartyVInfo: `00${recipient.digestBytes.toString('hex')}`,
  };
  const kek = concatKdf(z, Buffer.concat([Buffer.from(ALGORITHMS.kwAes256, 'utf8'), partyU, recipient.digestBytes]));
  const wrap = createCipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
  const wrapped = Buffer.concat([wrap.update(key), wrap.final()]);
  const encryptedKeyElement = el(
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
              { ...NS_XENC11, Algorithm: ALGORITHMS.concatKdf },
            ),
            el(
              'xenc:OriginatorKeyInfo',
              el(
                'ds:KeyValue',
                el(
                  'dsig11:ECKeyValue',
                  [el('dsig11:NamedCurve', '', { URI: P256_CURVE_URI }), leaf('dsig11:PublicKey', ephemeralPoint.toString('base64'))],
                  NS_DSIG11,
                ),
              ),
            ),
            el('xenc:RecipientKeyInfo', recipientKeyInfo(recipient)),
          ],
          { Algorithm: ALGORITHMS.ecdhEs },
        ),
        NS_DS,
      ),
      el('xenc:CipherData', leaf('xenc:CipherValue', wrapped.toString('base64'))),
    ],
    { ...NS_XENC, Id: id },
  );
  return { id, key, encryptedKeyElement };
}

/** An xenc:EncryptedData (Type #Content) of `content`: a BSN's digits, or the BSN elements of Melding/Bsns. */
export function encryptContent(contentKey: ContentKey, content: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', contentKey.key, iv);
  const sealed = Buffer.concat([iv, cipher.update(content, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return el(
    'xenc:EncryptedData',
    [
      el('xenc:EncryptionMethod', '', { Algorithm: ALGORITHMS.aes256Gcm }),
      el('ds:KeyInfo', el('ds:RetrievalMethod', '', { URI: `#${contentKey.id}`, Type: XENC_TYPE_ENCRYPTED_KEY }), NS_DS),
      el('xenc:CipherData', leaf('xenc:CipherValue', sealed.toString('base64'))),
    ],
    { ...NS_XENC, Type: XENC_TYPE_CONTENT },
  );
}

// ---- reading ---------------------------------------------------------------------------------

interface EncryptedKeyBase {
  id: string;
  cipherValue: Buffer;
  /** SHA-256 of the recipient's certificate (base64), when the EncryptedKey names it (dsig11:X509Digest). */
  recipientDigest?: string;
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
  if (attribute(node, 'Algorithm') !== expected) throw violation(`${path}/${local} must use ${expected}`);
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
  const digest = (digestNode && attribute(digestNode, 'Algorithm')) ?? ALGORITHMS.sha1;
  const mgf = (mgfNode && attribute(mgfNode, 'Algorithm')) ?? ALGORITHMS.mgf1Sha1;
  const alg = attribute(method, 'Algorithm');
  if (alg === ALGORITHMS.rsaOaep && digest === ALGORITHMS.sha256 && mgf === ALGORITHMS.mgf1Sha256) return 'sha256';
  if (alg === ALGORITHMS.rsaOaep && digest === ALGORITHMS.sha1 && mgf === ALGORITHMS.mgf1Sha1) return 'sha1';
  if (alg === ALGORITHMS.rsaOaepMgf1p && digest === ALGORITHMS.sha1 && !mgfNode) return 'sha1';
  throw violation(`${path} must be ${ALGORITHMS.rsaOaep} with SHA-256 digest and MGF1-SHA-256`);
}

function cipherValue(reader: ElementReader, path: string): Buffer {
  const cipherData = reader.child('CipherData', XENC_NS);
  const node = cipherData.required('CipherValue', XENC_NS);
  cipherData.done();
  const b64 = base64Of(node.text);
  if (node.children.length > 0 || b64 === undefined) throw violation(`${path}/CipherData/CipherValue must be base64`);
  return Buffer.from(b64, 'base64');
}

/** Base64 text without the whitespace it may contain, or undefined when it is not base64 (one scan when there is none). */
function base64Of(text: string): string | undefined {
  if (BASE64.test(text)) return text;
  const stripped = text.replace(/\s+/g, '');
  return BASE64.test(stripped) ? stripped : undefined;
}

function base64Text(node: XNode, path: string): Buffer {
  const b64 = base64Of(node.text);
  if (node.children.length > 0 || b64 === undefined || b64.length % 4 !== 0) throw violation(`${path} must be base64`);
  return Buffer.from(b64, 'base64');
}

/** An element that only names an algorithm (no content, no other attributes). */
function algorithmOnly(node: XNode, expected: string, path: string): void {
  if (attribute(node, 'Algorithm') !== expected) throw violation(`${path} must use ${expected}`);
  new ElementReader(node, path, ['Algorithm']).done();
}

/** The SHA-256 X509Digest (base64, without whitespace) in a ds:KeyInfo or xenc:RecipientKeyInfo, if that is what it holds. */
function recipientDigestIn(keyInfo: XNode | undefined): string | undefined {
  const x509Data = keyInfo?.children.length === 1 ? keyInfo.children[0] : undefined;
  if (x509Data?.local !== 'X509Data' || x509Data.uri !== DS_NS || x509Data.children.length !== 1) return undefined;
  const digest = x509Data.children[0];
  if (digest.local !== 'X509Digest' || digest.uri !== DSIG11_NS || attribute(digest, 'Algorithm') !== ALGORITHMS.sha256) return undefined;
  return base64Of(digest.text);
}

const KDF_PARAMETERS = ['AlgorithmID', 'PartyUInfo', 'PartyVInfo', 'SuppPubInfo', 'SuppPrivInfo'] as const;
const REQUIRED_KDF_PARAMETERS = 3;

/**
 * ConcatKDF OtherInfo: the parameters in order, each hexBinary whose first octet counts padding
 * bits (only 00, whole octets, is accepted) and is left out; SuppPubInfo/SuppPrivInfo optional.
 */
function kdfOtherInfo(params: XNode, path: string): Buffer {
  let hex = '';
  for (let i = 0; i < KDF_PARAMETERS.length; i++) {
    const name = KDF_PARAMETERS[i];
    const value = attribute(params, name);
    if (value === undefined) {
      if (i < REQUIRED_KDF_PARAMETERS) throw violation(`${path} needs ${name}`);
      continue;
    }
    if (value.length > 1024 || value.length % 2 !== 0) throw violation(`${path}/@${name} must be hexBinary`);
    if (value === '') continue;
    if (!value.startsWith('00')) {
      if (Buffer.from(value, 'hex').length * 2 !== value.length) throw violation(`${path}/@${name} must be hexBinary`);
      throw violation(`${path}/@${name} must be a whole number of octets (padding octet 00)`);
    }
    hex += value.slice(2);
  }
  // One decoding for all. Node's hex decoding stops at the first pair that is not hex: all of it
  // decoded means all of it is hex (each part has an even length, so no pair straddles two).
  const otherInfo = Buffer.from(hex, 'hex');
  if (otherInfo.length * 2 !== hex.length) {
    for (const name of KDF_PARAMETERS) {
      const value = attribute(params, name);
      if (value !== undefined && Buffer.from(value, 'hex').length * 2 !== value.length) throw violation(`${path}/@${name} must be hexBinary`);
    }
  }
  return otherInfo;
}

/**
 * ds:KeyInfo/xenc:AgreementMethod of an ECDH-ES EncryptedKey, read strictly: ConcatKDF with
 * SHA-256, the originator's ephemeral P-256 key as dsig11:ECKeyValue, an optional
 * RecipientKeyInfo. No KA-Nonce (ECDH-ES needs none).
 */
function readAgreement(keyInfo: XNode, path: string): { ephemeralPoint: Buffer; otherInfo: Buffer; recipientDigest?: string } {
  const keyInfoReader = new ElementReader(keyInfo, path);
  const agreement = keyInfoReader.required('AgreementMethod', XENC_NS);
  keyInfoReader.done();
  const agreementPath = `${path}/AgreementMethod`;
  if (attribute(agreement, 'Algorithm') !== ALGORITHMS.ecdhEs) throw violation(`${agreementPath} must use ${ALGORITHMS.ecdhEs}`);
  const reader = new ElementReader(agreement, agreementPath, ['Algorithm']);

  const kdm = reader.required('KeyDerivationMethod', XENC11_NS);
  const kdmPath = `${agreementPath}/KeyDerivationMethod`;
  if (attribute(kdm, 'Algorithm') !== ALGORITHMS.concatKdf) throw violation(`${kdmPath} must use ${ALGORITHMS.concatKdf}`);
  const kdmReader = new ElementReader(kdm, kdmPath, ['Algorithm']);
  const params = kdmReader.required('ConcatKDFParams', XENC11_NS);
  kdmReader.done();
  const paramsPath = `${kdmPath}/ConcatKDFParams`;
  const paramsReader = new ElementReader(params, paramsPath, ['AlgorithmID', 'PartyUInfo', 'PartyVInfo', 'SuppPubInfo', 'SuppPrivInfo']);
  algorithmOnly(paramsReader.required('DigestMethod', DS_NS), ALGORITHMS.sha256, `${paramsPath}/DigestMethod`);
  paramsReader.done();
  const otherInfo = kdfOtherInfo(params, paramsPath);

  const originator = reader.child('OriginatorKeyInfo', XENC_NS);
  const keyValue = originator.child('KeyValue', DS_NS);
  originator.done();
  const ecKeyValue = keyValue.child('ECKeyValue', DSIG11_NS, ['Id']);
  keyValue.done();
  const ecPath = `${agreementPath}/OriginatorKeyInfo/KeyValue/ECKeyValue`;
  const curve = ecKeyValue.required('NamedCurve', DSIG11_NS);
  if (attribute(curve, 'URI') !== P256_CURVE_URI) throw violation(`${ecPath}/NamedCurve must be P-256 (${P256_CURVE_URI})`);
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
  const id = attribute(node, 'Id');
  if (!id || !/^[A-Za-z_][\w.-]{0,127}$/.test(id)) throw violation(`${path} needs an Id`);
  const method = reader.required('EncryptionMethod', XENC_NS);
  if (attribute(method, 'Algorithm') === ALGORITHMS.kwAes256) {
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

/**
 * Checks one xenc:EncryptedData (as the content of a <Bsn> or <Bsns>) and returns its CipherValue.
 * `keyReference` is `#` and the EncryptedKey's Id (made once per message by the caller).
 */
export function readEncryptedData(bsnElement: XNode, path: string, keyReference: string): Buffer {
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
  if (attribute(data, 'Type') !== XENC_TYPE_CONTENT) throw violation(`${dataPath} must have Type ${XENC_TYPE_CONTENT}`);
  const method = algorithm(reader, 'EncryptionMethod', XENC_NS, ALGORITHMS.aes256Gcm, dataPath);
  new ElementReader(method, `${dataPath}/EncryptionMethod`, ['Algorithm']).done();
  const keyInfo = reader.child('KeyInfo', DS_NS);
  const retrieval = keyInfo.required('RetrievalMethod', DS_NS);
  keyInfo.done();
  new ElementReader(retrieval, `${dataPath}/KeyInfo/RetrievalMethod`, ['URI', 'Type']).done();
  if (attribute(retrieval, 'URI') !== keyReference || attribute(retrieval, 'Type') !== XENC_TYPE_ENCRYPTED_KEY) {
    throw violation(`${dataPath}/KeyInfo/RetrievalMethod must refer to the message's EncryptedKey`);
  }
  const value = cipherValue(reader, dataPath);
  reader.done();
  if (value.length < IV_BYTES + TAG_BYTES + 1) throw violation(`${dataPath}/CipherData/CipherValue is too short`);
  return value;
}

/** What we keep per private key: its type and, for P-256, a ready ECDH object, recent secrets and content keys. */
interface PreparedKey {
  privateKey: KeyObject;
  kind: 'rsa' | 'p256' | 'other';
  ecdh?: ECDH;
  secrets?: SecretCache;
  /** Unwrapped content keys, as KeyObjects (a cipher made from one skips copying the key). */
  contentKeys?: SecretCache<KeyObject>;
}

/** Recently agreed secrets Z per ephemeral point, per recipient key (and as many unwrapped content keys). */
export const Z_CACHE_ENTRIES = 1024;

/**
 * A small LRU of ECDH secrets by the originator's ephemeral point (its bytes as a latin1 string).
 * Senders with a KeyAgreementSession reuse one ephemeral key for many messages: only the first
 * costs an ECDH. A point enters only after node:crypto accepted it (on the curve) and computed Z,
 * so a hit is exactly what computeSecret would return; senders that never reuse simply miss.
 */
export class SecretCache<T = Buffer> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly limit: number) {}

  get(point: string): T | undefined {
    const z = this.entries.get(point);
    if (z !== undefined && this.entries.size > 1) {
      this.entries.delete(point); // most recently used last
      this.entries.set(point, z);
    }
    return z;
  }

  set(point: string, z: T): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(point, z);
  }
}

/** EncryptedKeys remembered by readEncryptedKeyIn (about 3 KB each). */
export const ENCRYPTED_KEY_MEMO_ENTRIES = 256;

interface RememberedKey {
  text: string;
  scope: string;
  key: EncryptedKeyNode;
}

const rememberedKeys = new SecretCache<RememberedKey>(ENCRYPTED_KEY_MEMO_ENTRIES);

/**
 * readEncryptedKey for an element of a parsed document (`source` is XmlDocument.source), with a
 * memo: within a key-agreement session a sender's meldingen carry the same EncryptedKey, character
 * for character, and reading it is a function of that text and of the namespace bindings in scope
 * around it. A result is reused only when both equal those of a key read before (the text compared
 * in full; its wrapped key only selects the entry), and only keys that were read without error are
 * remembered. The result is frozen: it may be shared by many messages.
 */
export function readEncryptedKeyIn(node: XNode, path: string, source: string): EncryptedKeyNode {
  const cipherData = node.children[node.children.length - 1];
  const cipherValue = cipherData?.children.length === 1 ? cipherData.children[0] : undefined;
  if (cipherValue === undefined || cipherValue.local !== 'CipherValue') return readEncryptedKey(node, path);
  const text = source.slice(node.start, node.end);
  const scope = node.parent ? namespacesInScope(node.parent).join('\u0000') : '';
  const remembered = rememberedKeys.get(cipherValue.text);
  if (remembered !== undefined && remembered.text === text && remembered.scope === scope) return remembered.key;
  const key = Object.freeze(readEncryptedKey(node, path));
  rememberedKeys.set(cipherValue.text, { text, scope, key });
  return key;
}

const preparedKeys = new WeakMap<KeyObject, PreparedKey>();
const certificateDigests = new Map<string, string>();

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
      prepared = { privateKey, kind: 'p256', ecdh, secrets: new SecretCache(Z_CACHE_ENTRIES), contentKeys: new SecretCache<KeyObject>(Z_CACHE_ENTRIES) };
    } else {
      prepared = { privateKey, kind: type === 'rsa' ? 'rsa' : 'other' };
    }
    preparedKeys.set(privateKey, prepared);
  }
  return prepared;
}

/** SHA-256 of a certificate, base64. */
function digestOfCertificate(pem: string): string {
  let digest = certificateDigests.get(pem);
  if (digest === undefined) {
    try {
      digest = createHash('sha256').update(new X509Certificate(pem).raw).digest('base64');
    } catch {
      throw new TypeError('recipientKey.certificatePem is not a valid X.509 certificate');
    }
    if (certificateDigests.size >= 16) certificateDigests.clear(); // the index's own few certificates
    certificateDigests.set(pem, digest);
  }
  return digest;
}

/** Two base64 digests: equal text, or (another encoder's spelling) equal bytes. */
function sameDigest(ours: string, theirs: string): boolean {
  return ours === theirs || Buffer.from(ours, 'base64').equals(Buffer.from(theirs, 'base64'));
}

/**
 * The keys to try, in order: those of the transport's type; when the EncryptedKey names its
 * recipient's certificate, keys with that certificate first and keys with another one not at all.
 */
function candidates(encryptedKey: EncryptedKeyNode, keys: RecipientKeys): PreparedKey[] {
  if (keys instanceof KeyObject) {
    // The usual case: one key, no certificate to choose by.
    const prepared = prepare(keys);
    return prepared.kind === (encryptedKey.transport === 'ecdh-es' ? 'p256' : 'rsa') ? [prepared] : [];
  }
  const list = (Array.isArray(keys) ? keys : [keys]) as (KeyObject | RecipientKey)[];
  const wanted = encryptedKey.transport === 'ecdh-es' ? 'p256' : 'rsa';
  const matching: PreparedKey[] = [];
  const unlabelled: PreparedKey[] = [];
  for (const entry of list) {
    const withCert = entry instanceof KeyObject ? undefined : entry;
    const prepared = prepare(withCert ? withCert.privateKey : (entry as KeyObject));
    if (prepared.kind !== wanted) continue;
    if (!withCert?.certificatePem) unlabelled.push(prepared);
    else if (!encryptedKey.recipientDigest || sameDigest(digestOfCertificate(withCert.certificatePem), encryptedKey.recipientDigest)) {
      matching.push(prepared);
    }
  }
  return [...matching, ...unlabelled];
}

function unwrapWith(encryptedKey: EncryptedKeyNode, key: PreparedKey): KeyObject | undefined {
  try {
    if (encryptedKey.transport === 'rsa-oaep') {
      return createSecretKey(
        privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: encryptedKey.oaepHash }, encryptedKey.cipherValue),
      );
    }
    // The content key is a function of (point, OtherInfo, wrapped key) and our key alone: senders
    // with a KeyAgreementSession repeat all three for a session's meldingen, so it is remembered.
    // Point (65 bytes) and wrapped key (40) have fixed lengths: the concatenation is unambiguous.
    const { ephemeralPoint, otherInfo, cipherValue } = encryptedKey;
    const memo = ephemeralPoint.toString('latin1') + otherInfo.toString('latin1') + cipherValue.toString('latin1');
    const known = key.contentKeys!.get(memo);
    if (known !== undefined) return known;
    const z = agreedSecret(key, ephemeralPoint);
    const unwrap = createDecipheriv('id-aes256-wrap', concatKdf(z, otherInfo), KEY_WRAP_IV);
    // The RFC 3394 integrity check fails (throws) for a wrong key or an altered EncryptedKey.
    const unwrapped = unwrap.update(cipherValue);
    const rest = unwrap.final();
    const contentKey = createSecretKey(rest.length === 0 ? unwrapped : Buffer.concat([unwrapped, rest]));
    key.contentKeys!.set(memo, contentKey); // only a key that unwrapped (passed the integrity check)
    return contentKey;
  } catch {
    return undefined;
  }
}

/** Z for the originator's point: from the key's cache, else one ECDH (then cached). */
function agreedSecret(key: PreparedKey, point: Buffer): Buffer {
  const id = point.toString('latin1');
  let z = key.secrets!.get(id);
  if (z === undefined) {
    // computeSecret refuses a point that is not on the curve (invalid-curve attacks).
    z = key.ecdh!.computeSecret(point);
    key.secrets!.set(id, z);
  }
  return z;
}

/** The content key, with the first of our keys that can unwrap it (ECDH-ES or RSA-OAEP). */
export function unwrapContentKey(encryptedKey: EncryptedKeyNode, recipientKey: RecipientKeys): KeyObject {
  for (const candidate of candidates(encryptedKey, recipientKey)) {
    const key = unwrapWith(encryptedKey, candidate);
    if (key === undefined) continue;
    if (key.symmetricKeySize !== KEY_BYTES) throw new XmlMessageError('DECRYPTION_FAILED', 'the EncryptedKey is not an AES-256 key');
    return key;
  }
  throw new XmlMessageError('DECRYPTION_FAILED', 'the EncryptedKey cannot be decrypted with our key');
}

/** The plaintext of an EncryptedData's CipherValue (IV, ciphertext, tag), or DECRYPTION_FAILED. */
export function decryptContent(key: KeyObject, sealed: Buffer, path: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES));
    const rest = decipher.final(); // throws unless the tag authenticates
    return (rest.length === 0 ? plain : Buffer.concat([plain, rest])).toString('utf8');
  } catch {
    throw new XmlMessageError('DECRYPTION_FAILED', `${path} cannot be decrypted (authentication failed)`);
  }
}
