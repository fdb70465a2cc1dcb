import { XmlMessageError } from './xml-errors';
import { signBuilt, type Signer } from './xml-signer';
import { ElementReader } from './xml-tree';
import { verifySignedDocument, type OpenOptions } from './xml-verifier';
import { buildDocument } from './message-builder';
import { DS_NS } from './xml-constants';
import { el, leaf } from './xml-writer';

// The frame every codec shares: sign = check sender + fields, build, sign; open = verify
// (signature, trust, XSD) on one tree, read it, check fields, require AfzenderOin = signer.

export interface Opened<T> {
  message: T;
  signerOin: string;
  certificateFingerprint: string;
}

export interface Kop {
  berichtId: string;
  afzenderOin: string;
  verzonden: string;
}

export interface GerichteKop extends Kop {
  ontvangerOin: string;
}

export function kopElement(k: Kop): string {
  return el('Kop', [leaf('BerichtId', k.berichtId), leaf('AfzenderOin', k.afzenderOin), leaf('Verzonden', k.verzonden)]);
}

export function gerichteKopElement(k: GerichteKop): string {
  return el('Kop', [
    leaf('BerichtId', k.berichtId),
    leaf('AfzenderOin', k.afzenderOin),
    leaf('OntvangerOin', k.ontvangerOin),
    leaf('Verzonden', k.verzonden),
  ]);
}

export function readKop(r: ElementReader): Kop {
  const kop = r.child('Kop');
  const result = { berichtId: kop.text('BerichtId'), afzenderOin: kop.text('AfzenderOin'), verzonden: kop.text('Verzonden') };
  kop.done();
  return result;
}

export function readGerichteKop(r: ElementReader): GerichteKop {
  const kop = r.child('Kop');
  const result = {
    berichtId: kop.text('BerichtId'),
    afzenderOin: kop.text('AfzenderOin'),
    ontvangerOin: kop.text('OntvangerOin'),
    verzonden: kop.text('Verzonden'),
  };
  kop.done();
  return result;
}

export function requireOwnOin(afzenderOin: string, signer: Signer): void {
  if (signer.oin !== afzenderOin) throw new XmlMessageError('OIN_MISMATCH', "AfzenderOin must be the signer's own OIN");
}

export interface CodecSpec<T extends { afzenderOin: string }> {
  root: string;
  /** Syntax rules of every field (the XSD's, plus those it states in prose). */
  check(message: T): void;
  /** The root's children before the signature. */
  write(message: T): (string | undefined)[];
  /** Reads the root's children before the signature (the reader sits at the first one); `source` is the parsed text. */
  read(r: ElementReader, source: string): T;
}

export function signWith<T extends { afzenderOin: string }>(spec: CodecSpec<T>, message: T, signer: Signer): string {
  requireOwnOin(message?.afzenderOin, signer);
  spec.check(message);
  return signBuilt(buildDocument(spec.root, spec.write(message)), signer);
}

export function openWith<T extends { afzenderOin: string }>(spec: Pick<CodecSpec<T>, 'root' | 'check' | 'read'>, xml: string, o: OpenOptions): Opened<T> {
  const verified = verifySignedDocument(xml, spec.root, o);
  const r = new ElementReader(verified.root, `/${spec.root}`);
  const message = spec.read(r, verified.source);
  r.required('Signature', DS_NS);
  r.done();
  spec.check(message);
  if (message.afzenderOin !== verified.signerOin) {
    throw new XmlMessageError('OIN_MISMATCH', "AfzenderOin differs from the OIN in the signer's certificate");
  }
  return { message, signerOin: verified.signerOin, certificateFingerprint: verified.certificateFingerprint };
}
