import type { MeldingBericht } from '@vir/contracts';
import { isValidBsn } from '@vir/domain';
import {
  decryptContent,
  encryptContent,
  type EncryptedKeyNode,
  type KeyAgreementSession,
  newContentKey,
  readEncryptedData,
  type RecipientKeys,
  readEncryptedKeyIn,
  unwrapContentKey,
} from './bsn-encryptor';
import * as rules from './field-rules';
import { openWith, requireOwnOin, type CodecSpec, type Opened } from './message-codec';
import { buildDocument, melderElements, organisatieElement, readMelder, readOrganisatie } from './message-builder';
import { VIR_NS, XENC_NS } from './xml-constants';
import { xmlError } from './xml-errors';
import { guardRawXml } from './xml-guard';
import { parseXml, type XmlElement } from './xml-parser';
import { signBuilt, type Signer } from './xml-signer';
import { ElementReader, namespacesInScope, violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { el, escapeAttr, leaf } from './xml-writer';

export type { Opened } from './message-codec';

export interface SealOptions {
  signer: Signer;
  /**
   * The national index's encryption certificate: BSNs are encrypted for its public key, with
   * ECDH-ES (ConcatKDF, AES-256 key wrap) for an EC P-256 key, with RSA-OAEP for an RSA key.
   */
  recipientCertificatePem: string;
  /**
   * For an EC recipient: reuse one ephemeral ECDH key across messages within this session (at
   * most its maxMessages / maxAgeMs), each message with its own nonce and so its own
   * key-encryption key. Without it every melding gets a new ephemeral key. Keep one session per
   * sending process (the gateway's); see KeyAgreementSession for the trade-off.
   */
  keyAgreement?: KeyAgreementSession;
  /**
   * `together` (the default, schema 1.3): every BSN in one EncryptedData in Melding/Bsns.
   * `separately` (schema 1.2): one EncryptedData in each Bsn element, for an index still on 1.2.
   */
  bsnEncryption?: BsnEncryption;
}

export type BsnEncryption = 'together' | 'separately';

export interface OpenMeldingOptions extends OpenOptions {
  /**
   * The index's private key(s): one KeyObject, `{ privateKey, certificatePem }`, or a list of
   * those during a key rollover (e.g. the EC key for ECDH-ES beside the RSA key for RSA-OAEP).
   * The key is chosen by the message's transport and, with certificates given, its X509Digest.
   */
  recipientKey: RecipientKeys;
  /**
   * Also apply the 11-proef to every decrypted BSN (detail code BSN_INVALID). Off by default:
   * the index applies it with the other domain rules (checkMelding), which answer BSN_INVALID too.
   */
  checkBsn?: boolean;
}

/** A melding as far as it can be read without the index's key: no BSNs. */
export type VerifiedMelding = Omit<MeldingBericht, 'jeugdige' | 'ouders'> & { jeugdige: { geboortedatum: string; woongemeente?: string } };

type EncryptedParts =
  /** 1.3: Melding/Bsns, with the namespace declarations in scope there (to read its plaintext). */
  | { key: EncryptedKeyNode; together: Buffer; scope: [string, string][] }
  /** 1.2: one EncryptedData per Bsn element. */
  | { key: EncryptedKeyNode; jeugdige: Buffer; ouders: Buffer[] };

type ReadMelding = VerifiedMelding & { encrypted: EncryptedParts };

const ROOT = 'Melding';

/** Builds the XML, encrypts every BSN for the index, then signs (the signature covers ciphertext). */
export function sealMelding(m: MeldingBericht, o: SealOptions): string {
  requireOwnOin(m?.afzenderOin, o.signer);
  checkFields(m);
  rules.bsn(m.jeugdige?.bsn, '/Melding/Jeugdige/Bsn');
  if (!Array.isArray(m.ouders) || m.ouders.length > rules.MAX_OUDERS) {
    throw violation(`/Melding/Ouders must hold 0-${rules.MAX_OUDERS} parents`);
  }
  m.ouders.forEach((ouder, i) => rules.bsn(ouder?.bsn, `/Melding/Ouders/Ouder[${i + 1}]/Bsn`));

  const contentKey = newContentKey(o.recipientCertificatePem, { senderOin: m.afzenderOin, keyAgreement: o.keyAgreement });
  const together = (o.bsnEncryption ?? 'together') === 'together';
  // The BSNs passed rules.bsn (9 digits): nothing in them needs escaping.
  const bsns = together
    ? el('Bsns', encryptContent(contentKey, `<JeugdigeBsn>${m.jeugdige.bsn}</JeugdigeBsn>${m.ouders.map((ouder) => `<OuderBsn>${ouder.bsn}</OuderBsn>`).join('')}`))
    : undefined;
  const bsn = (value: string) => el('Bsn', encryptContent(contentKey, value));
  const xml = buildDocument(
    ROOT,
    [
      el('Kop', [
        leaf('BerichtId', m.berichtId),
        leaf('AfzenderOin', m.afzenderOin),
        leaf('Verzonden', m.verzonden),
        contentKey.encryptedKeyElement,
      ]),
      leaf('Convenant', m.convenant),
      leaf('Referentie', m.referentie),
      bsns,
      el('Jeugdige', [
        together ? undefined : bsn(m.jeugdige.bsn),
        leaf('Geboortedatum', m.jeugdige.geboortedatum),
        ...(m.jeugdige.woongemeente !== undefined ? [leaf('Woongemeente', m.jeugdige.woongemeente)] : []),
      ]),
      together ? undefined : el('Ouders', m.ouders.map((ouder) => el('Ouder', bsn(ouder.bsn)))),
      leaf('Meldingsdatum', m.meldingsdatum),
      el('Melder', melderElements(m.melder)),
      organisatieElement('Organisatie', m.organisatie),
    ],
  );
  return signBuilt(xml, o.signer);
}

/** Verifies signature, trust, schema and sender, without decrypting: for parties that hold no index key. */
export function verifyMelding(xml: string, o: OpenOptions): Opened<VerifiedMelding> {
  const { message, ...rest } = openWith(SPEC, xml, o);
  const { encrypted, ...melding } = message;
  void encrypted;
  return { message: melding, ...rest };
}

/** Verifies like verifyMelding, then decrypts the BSNs with the index's private key. */
export function openMelding(xml: string, o: OpenMeldingOptions): Opened<MeldingBericht> {
  const opened = openWith(SPEC, xml, o);
  const { encrypted, ...m } = opened.message;
  const key = unwrapContentKey(encrypted.key, o.recipientKey);
  const check = (value: string, path: string) => {
    if (o.checkBsn && !isValidBsn(value)) throw xmlError('BSN_INVALID', `${path} fails the 11-proef`);
    return value;
  };
  let jeugdigeBsn: string;
  let ouderBsns: string[];
  if ('together' in encrypted) {
    const bsns = readBsnsContent(decryptContent(key, encrypted.together, '/Melding/Bsns'), encrypted.scope);
    jeugdigeBsn = check(bsns.jeugdige, '/Melding/Bsns/JeugdigeBsn');
    ouderBsns = bsns.ouders.map((value, i) => check(value, `/Melding/Bsns/OuderBsn[${i + 1}]`));
  } else {
    const decrypt = (sealed: Buffer, path: string) => {
      const value = decryptContent(key, sealed, path);
      if (!NINE_DIGITS.test(value)) throw violation(`${path} does not decrypt to 9 digits`);
      return check(value, path);
    };
    jeugdigeBsn = decrypt(encrypted.jeugdige, '/Melding/Jeugdige/Bsn');
    ouderBsns = encrypted.ouders.map((sealed, i) => decrypt(sealed, `/Melding/Ouders/Ouder[${i + 1}]/Bsn`));
  }
  const message: MeldingBericht = {
    berichtId: m.berichtId,
    afzenderOin: m.afzenderOin,
    verzonden: m.verzonden,
    convenant: m.convenant,
    referentie: m.referentie,
    jeugdige: {
      bsn: jeugdigeBsn,
      geboortedatum: m.jeugdige.geboortedatum,
      ...(m.jeugdige.woongemeente !== undefined ? { woongemeente: m.jeugdige.woongemeente } : {}),
    },
    ouders: ouderBsns.map((bsn) => ({ bsn })),
    meldingsdatum: m.meldingsdatum,
    melder: m.melder,
    organisatie: m.organisatie,
  };
  return { ...opened, message };
}

function readMelding(r: ElementReader, source: string): ReadMelding {
  const kop = r.child('Kop');
  const berichtId = kop.text('BerichtId');
  const afzenderOin = kop.text('AfzenderOin');
  const verzonden = kop.text('Verzonden');
  const key = readEncryptedKeyIn(kop.required('EncryptedKey', XENC_NS), '/Melding/Kop/EncryptedKey', source);
  kop.done();
  const convenant = r.text('Convenant');
  const referentie = r.text('Referentie');

  const keyReference = `#${key.id}`;
  const bsnsNode = r.optional('Bsns');
  const together = bsnsNode && readEncryptedData(bsnsNode, '/Melding/Bsns', keyReference);

  const jeugdige = r.child('Jeugdige');
  // 1.3 or 1.2 form, never a mix: XSD 1.0 cannot say so, hence these checks.
  const jeugdigeBsn = together ? undefined : readEncryptedData(jeugdige.required('Bsn'), '/Melding/Jeugdige/Bsn', keyReference);
  if (together && jeugdige.optional('Bsn')) throw violation('/Melding/Jeugdige/Bsn must be absent when /Melding/Bsns holds the BSNs');
  const geboortedatum = jeugdige.text('Geboortedatum');
  const woongemeente = jeugdige.optionalText('Woongemeente');
  jeugdige.done();

  let ouderBsns: Buffer[] = [];
  if (together) {
    if (r.optional('Ouders')) throw violation('/Melding/Ouders must be absent when /Melding/Bsns holds the BSNs');
  } else {
    const ouders = r.child('Ouders');
    const ouderNodes = ouders.many('Ouder');
    ouders.done();
    if (ouderNodes.length > rules.MAX_OUDERS) throw violation(`/Melding/Ouders may hold at most ${rules.MAX_OUDERS} parents`);
    ouderBsns = ouderNodes.map((node, i) => {
      const path = `/Melding/Ouders/Ouder[${i + 1}]`;
      const ouder = new ElementReader(node, path);
      const sealed = readEncryptedData(ouder.required('Bsn'), `${path}/Bsn`, keyReference);
      ouder.done();
      return sealed;
    });
  }

  const meldingsdatum = r.text('Meldingsdatum');
  const melderReader = r.child('Melder');
  const melder = readMelder(melderReader);
  melderReader.done();
  const organisatie = readOrganisatie(r.child('Organisatie'));
  return {
    berichtId,
    afzenderOin,
    verzonden,
    convenant,
    referentie,
    jeugdige: woongemeente === undefined ? { geboortedatum } : { geboortedatum, woongemeente },
    meldingsdatum,
    melder,
    organisatie,
    encrypted: together ? { key, together, scope: namespacesInScope(bsnsNode) } : { key, jeugdige: jeugdigeBsn!, ouders: ouderBsns },
  };
}

const NINE_DIGITS = /^\d{9}$/;
/** How we write the plaintext of Bsns (in the default namespace): read without a parser. */
const OWN_BSNS = /^<JeugdigeBsn>(\d{9})<\/JeugdigeBsn>((?:<OuderBsn>\d{9}<\/OuderBsn>){0,4})$/;
const ALL_DIGITS = /\d{9}/g;

/**
 * The BSNs in the decrypted content of Melding/Bsns: a JeugdigeBsn, then at most 4 OuderBsn, each
 * 9 digits. Our own form is matched directly; any other (prefixes, whitespace, namespace
 * declarations, as another tool may write it) is parsed within the namespaces in scope at Bsns.
 * Errors never quote the plaintext.
 */
function readBsnsContent(plain: string, scope: [string, string][]): { jeugdige: string; ouders: string[] } {
  const own = scope.some(([prefix, uri]) => prefix === '' && uri === VIR_NS) ? OWN_BSNS.exec(plain) : null;
  if (own) return { jeugdige: own[1], ouders: own[2].match(ALL_DIGITS) ?? [] };

  const malformed = () => violation('/Melding/Bsns does not decrypt to a JeugdigeBsn and at most 4 OuderBsn elements of 9 digits');
  let root: XmlElement;
  try {
    const declarations = scope.map(([prefix, uri]) => ` xmlns${prefix ? `:${prefix}` : ''}="${escapeAttr(uri)}"`).join('');
    const wrapped = `<Bsns${declarations}>${plain}</Bsns>`;
    guardRawXml(wrapped);
    root = parseXml(wrapped, { maxDepth: 2 }).root;
  } catch {
    throw malformed();
  }
  const r = new ElementReader(root, '/Melding/Bsns');
  const read = (node: XmlElement | undefined) => {
    if (!node || node.children.length > 0 || node.attributes.length > 0 || !NINE_DIGITS.test(node.text)) throw malformed();
    return node.text;
  };
  if (root.text.trim() !== '') throw malformed();
  const jeugdige = read(r.optional('JeugdigeBsn'));
  const ouders = r.many('OuderBsn').map(read);
  if (ouders.length > rules.MAX_OUDERS || root.children.length !== ouders.length + 1) throw malformed();
  return { jeugdige, ouders };
}

/** Every rule except the BSNs (which are either plaintext input or ciphertext). */
function checkFields(m: VerifiedMelding): void {
  if (typeof m !== 'object' || m === null) throw violation('the melding is missing');
  rules.uuid(m.berichtId, '/Melding/Kop/BerichtId');
  rules.oin(m.afzenderOin, '/Melding/Kop/AfzenderOin');
  rules.dateTime(m.verzonden, '/Melding/Kop/Verzonden');
  rules.convenant(m.convenant, '/Melding/Convenant');
  rules.text(m.referentie, '/Melding/Referentie', 100);
  rules.date(m.jeugdige?.geboortedatum, '/Melding/Jeugdige/Geboortedatum');
  if (m.jeugdige?.woongemeente !== undefined) rules.gemeentecode(m.jeugdige.woongemeente, '/Melding/Jeugdige/Woongemeente');
  rules.date(m.meldingsdatum, '/Melding/Meldingsdatum');
  rules.melder(m.melder, '/Melding/Melder');
  rules.organisatie(m.organisatie, '/Melding/Organisatie');
}

/** Reading only: sealMelding builds the document itself (it encrypts while building). */
const SPEC: Pick<CodecSpec<ReadMelding>, 'root' | 'check' | 'read'> = { root: ROOT, check: checkFields, read: readMelding };
