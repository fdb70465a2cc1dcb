import type { KeyObject } from 'node:crypto';
import type { MeldingBericht } from '@vir/contracts';
import {
  decryptBsn,
  encryptBsn,
  type EncryptedKeyNode,
  newContentKey,
  readEncryptedData,
  readEncryptedKey,
  unwrapContentKey,
} from './bsn-encryptor';
import * as rules from './field-rules';
import { buildXml, melderElement, organisatieElement, readMelder, readOrganisatie } from './message-builder';
import { DS_NS, DSIG11_NS, VIR_NS, XENC11_NS, XENC_NS } from './xml-constants';
import { XmlMessageError } from './xml-errors';
import { signDocument, type Signer } from './xml-signer';
import { ElementReader, parseTree, violation } from './xml-tree';
import { verifySignedDocument, type OpenOptions } from './xml-verifier';

export interface SealOptions {
  signer: Signer;
  /** The national index's certificate: BSNs are encrypted for its public key. */
  recipientCertificatePem: string;
}

export interface Opened<T> {
  message: T;
  signerOin: string;
  certificateFingerprint: string;
}

/** A melding as far as it can be read without the index's key: no BSNs. */
export type VerifiedMelding = Omit<MeldingBericht, 'jeugdige' | 'ouders'> & { jeugdige: { geboortedatum: string } };

const ROOT = 'Melding';

/** Builds the XML, encrypts every BSN for the index, then signs (the signature covers ciphertext). */
export function sealMelding(m: MeldingBericht, o: SealOptions): string {
  if (o.signer.oin !== m.afzenderOin) {
    throw new XmlMessageError('OIN_MISMATCH', "AfzenderOin must be the signer's own OIN");
  }
  checkFields(m);
  rules.bsn(m.jeugdige?.bsn, '/Melding/Jeugdige/Bsn');
  if (!Array.isArray(m.ouders) || m.ouders.length > rules.MAX_OUDERS) {
    throw violation(`/Melding/Ouders must hold 0-${rules.MAX_OUDERS} parents`);
  }
  m.ouders.forEach((ouder, i) => rules.bsn(ouder?.bsn, `/Melding/Ouders/Ouder[${i + 1}]/Bsn`));

  const contentKey = newContentKey(o.recipientCertificatePem);
  const encrypted = (bsn: string) => ({ 'xenc:EncryptedData': encryptBsn(contentKey, bsn) });
  const xml = buildXml({
    [ROOT]: {
      $: { xmlns: VIR_NS, 'xmlns:ds': DS_NS, 'xmlns:dsig11': DSIG11_NS, 'xmlns:xenc': XENC_NS, 'xmlns:xenc11': XENC11_NS },
      Kop: {
        BerichtId: m.berichtId,
        AfzenderOin: m.afzenderOin,
        Verzonden: m.verzonden,
        'xenc:EncryptedKey': contentKey.encryptedKeyElement,
      },
      Convenant: m.convenant,
      Referentie: m.referentie,
      Jeugdige: { Bsn: encrypted(m.jeugdige.bsn), Geboortedatum: m.jeugdige.geboortedatum },
      Ouders: m.ouders.length > 0 ? { Ouder: m.ouders.map((ouder) => ({ Bsn: encrypted(ouder.bsn) })) } : '',
      Meldingsdatum: m.meldingsdatum,
      Melder: melderElement(m.melder),
      Organisatie: organisatieElement(m.organisatie),
    },
  });
  return signDocument(xml, o.signer);
}

/** Verifies signature, trust and sender, without decrypting: for parties that hold no index key. */
export function verifyMelding(xml: string, o: OpenOptions): Opened<VerifiedMelding> {
  const { opened } = verifyAndRead(xml, o);
  return opened;
}

/** Verifies like verifyMelding, then decrypts the BSNs with the index's private key. */
export function openMelding(xml: string, o: OpenOptions & { recipientKey: KeyObject }): Opened<MeldingBericht> {
  const { opened, encrypted } = verifyAndRead(xml, o);
  const key = unwrapContentKey(encrypted.key, o.recipientKey);
  const decrypt = (sealed: Buffer, path: string) => {
    const value = decryptBsn(key, sealed, path);
    if (!/^\d{9}$/.test(value)) throw violation(`${path} does not decrypt to 9 digits`);
    return value;
  };
  const m = opened.message;
  const message: MeldingBericht = {
    berichtId: m.berichtId,
    afzenderOin: m.afzenderOin,
    verzonden: m.verzonden,
    convenant: m.convenant,
    referentie: m.referentie,
    jeugdige: { bsn: decrypt(encrypted.jeugdige, '/Melding/Jeugdige/Bsn'), geboortedatum: m.jeugdige.geboortedatum },
    ouders: encrypted.ouders.map((sealed, i) => ({ bsn: decrypt(sealed, `/Melding/Ouders/Ouder[${i + 1}]/Bsn`) })),
    meldingsdatum: m.meldingsdatum,
    melder: m.melder,
    organisatie: m.organisatie,
  };
  return { ...opened, message };
}

interface EncryptedParts {
  key: EncryptedKeyNode;
  jeugdige: Buffer;
  ouders: Buffer[];
}

function verifyAndRead(xml: string, o: OpenOptions): { opened: Opened<VerifiedMelding>; encrypted: EncryptedParts } {
  const verified = verifySignedDocument(xml, ROOT, o);
  const { message, encrypted } = readMelding(verified.signedXml);
  if (message.afzenderOin !== verified.signerOin) {
    throw new XmlMessageError('OIN_MISMATCH', "AfzenderOin differs from the OIN in the signer's certificate");
  }
  return {
    opened: { message, signerOin: verified.signerOin, certificateFingerprint: verified.certificateFingerprint },
    encrypted,
  };
}

function readMelding(signedXml: string): { message: VerifiedMelding; encrypted: EncryptedParts } {
  const root = parseTree(signedXml);
  const r = new ElementReader(root, `/${ROOT}`);
  const kop = r.child('Kop');
  const berichtId = kop.text('BerichtId');
  const afzenderOin = kop.text('AfzenderOin');
  const verzonden = kop.text('Verzonden');
  const key = readEncryptedKey(kop.required('EncryptedKey', XENC_NS), '/Melding/Kop/EncryptedKey');
  kop.done();
  const convenant = r.text('Convenant');
  const referentie = r.text('Referentie');

  const jeugdige = r.child('Jeugdige');
  const jeugdigeBsn = readEncryptedData(jeugdige.required('Bsn'), '/Melding/Jeugdige/Bsn', key.id);
  const geboortedatum = jeugdige.text('Geboortedatum');
  jeugdige.done();

  const ouders = r.child('Ouders');
  const ouderNodes = ouders.many('Ouder');
  ouders.done();
  if (ouderNodes.length > rules.MAX_OUDERS) throw violation(`/Melding/Ouders may hold at most ${rules.MAX_OUDERS} parents`);
  const ouderBsns = ouderNodes.map((node, i) => {
    const path = `/Melding/Ouders/Ouder[${i + 1}]`;
    const ouder = new ElementReader(node, path);
    const sealed = readEncryptedData(ouder.required('Bsn'), `${path}/Bsn`, key.id);
    ouder.done();
    return sealed;
  });

  const meldingsdatum = r.text('Meldingsdatum');
  const melderReader = r.child('Melder');
  const melder = readMelder(melderReader);
  melderReader.done();
  const organisatie = readOrganisatie(r.child('Organisatie'));
  r.done();

  const message: VerifiedMelding = {
    berichtId,
    afzenderOin,
    verzonden,
    convenant,
    referentie,
    jeugdige: { geboortedatum },
    meldingsdatum,
    melder,
    organisatie,
  };
  checkFields(message);
  return { message, encrypted: { key, jeugdige: jeugdigeBsn, ouders: ouderBsns } };
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
  rules.date(m.meldingsdatum, '/Melding/Meldingsdatum');
  rules.melder(m.melder, '/Melding/Melder');
  rules.organisatie(m.organisatie, '/Melding/Organisatie');
}
