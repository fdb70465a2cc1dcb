import type { MatchsignaalBericht, MatchsignalenBericht, MatchReikwijdte, MatchSoort } from '@vir/contracts';
import * as rules from './field-rules';
import { gerichteKopElement, openWith, readGerichteKop, signWith, type CodecSpec, type Opened } from './message-codec';
import { melderElements, organisatieElement, readMelder, readOrganisatie } from './message-builder';
import type { Signer } from './xml-signer';
import { ElementReader, violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { el, leaf } from './xml-writer';

const SOORTEN: readonly MatchSoort[] = ['kind', 'gezin'];
const REIKWIJDTEN: readonly MatchReikwijdte[] = ['binnen-convenant', 'convenant-overstijgend'];

const SPEC: CodecSpec<MatchsignaalBericht> = {
  root: 'Matchsignaal',
  check: (s) => checkFields(s, '/Matchsignaal'),
  write: (s) => {
    const { convenant, ...andereMelder } = s.andereMelder;
    return [
      gerichteKopElement(s),
      leaf('MatchId', s.matchId),
      leaf('Soort', s.soort),
      leaf('Reikwijdte', s.reikwijdte),
      el('EigenMelding', [leaf('Referentie', s.eigenMelding.referentie), leaf('BerichtId', s.eigenMelding.berichtId)]),
      el('AndereMelder', [melderElements(andereMelder), leaf('Convenant', convenant)]),
      organisatieElement('AndereOrganisatie', s.andereOrganisatie),
    ];
  },
  read: (r) => {
    const kop = readGerichteKop(r);
    const matchId = r.text('MatchId');
    const soort = r.text('Soort') as MatchSoort;
    const reikwijdte = r.text('Reikwijdte') as MatchReikwijdte;
    const eigen = r.child('EigenMelding');
    const eigenMelding = { referentie: eigen.text('Referentie'), berichtId: eigen.text('BerichtId') };
    eigen.done();
    const melderReader = r.child('AndereMelder');
    const melder = readMelder(melderReader);
    const andereMelder = { ...melder, convenant: melderReader.text('Convenant') };
    melderReader.done();
    const andereOrganisatie = readOrganisatie(r.child('AndereOrganisatie'));
    return { ...kop, matchId, soort, reikwijdte, eigenMelding, andereMelder, andereOrganisatie };
  },
};

/** Most matchsignalen in one Matchsignalen (the XSD's maxOccurs). */
export const MAX_SIGNALEN = 200;

/**
 * The size limit of a Matchsignalen: a signal within the XSD's field lengths stays under 4 KB of
 * UTF-8 even in astral characters, so a full bundle fits (and the 1 MB outbound envelope holds it).
 */
export const MATCHSIGNALEN_MAX_BYTES = (MAX_SIGNALEN + 1) * 4096;

/**
 * Matchsignalen (schema 1.4): one party's signals under ONE signature. Each Matchsignaal is
 * written and read as a single one is, without a signature of its own; the bundle's Kop names the
 * same afzender and ontvanger as every signal in it.
 */
const BUNDLE: CodecSpec<MatchsignalenBericht> = {
  root: 'Matchsignalen',
  check: (b) => {
    if (typeof b !== 'object' || b === null) throw violation('the matchsignalen are missing');
    rules.uuid(b.berichtId, '/Matchsignalen/Kop/BerichtId');
    rules.oin(b.afzenderOin, '/Matchsignalen/Kop/AfzenderOin');
    rules.oin(b.ontvangerOin, '/Matchsignalen/Kop/OntvangerOin');
    rules.dateTime(b.verzonden, '/Matchsignalen/Kop/Verzonden');
    if (!Array.isArray(b.signalen) || b.signalen.length === 0 || b.signalen.length > MAX_SIGNALEN) {
      throw violation(`/Matchsignalen must hold 1-${MAX_SIGNALEN} matchsignalen`);
    }
    b.signalen.forEach((s, i) => {
      const path = `/Matchsignalen/Matchsignaal[${i + 1}]`;
      checkFields(s, path);
      if (s.afzenderOin !== b.afzenderOin || s.ontvangerOin !== b.ontvangerOin) throw violation(`${path}/Kop must name the bundle's AfzenderOin and OntvangerOin`);
    });
  },
  write: (b) => [gerichteKopElement(b), ...b.signalen.map((s) => el('Matchsignaal', SPEC.write(s)))],
  read: (r, source) => {
    const kop = readGerichteKop(r);
    const signalen = r.many('Matchsignaal').map((node, i) => {
      const item = new ElementReader(node, `/Matchsignalen/Matchsignaal[${i + 1}]`);
      const signal = SPEC.read(item, source);
      item.done();
      return signal;
    });
    return { ...kop, signalen };
  },
};

/** Builds and signs a matchsignaal (child or family match; it carries no BSN, so nothing is encrypted). */
export function signMatchsignaal(s: MatchsignaalBericht, signer: Signer): string {
  return signWith(SPEC, s, signer);
}

export function openMatchsignaal(xml: string, o: OpenOptions): Opened<MatchsignaalBericht> {
  return openWith(SPEC, xml, o);
}

/** Builds and signs a party's matchsignalen as one document, under one signature. */
export function signMatchsignalen(b: MatchsignalenBericht, signer: Signer): string {
  return signWith(BUNDLE, b, signer);
}

/** Verifies a Matchsignalen once and returns every signal in it, in order. */
export function openMatchsignalen(xml: string, o: OpenOptions): Opened<MatchsignalenBericht> {
  return openWith(BUNDLE, xml, { maxBytes: MATCHSIGNALEN_MAX_BYTES, ...o });
}

function checkFields(s: MatchsignaalBericht, at: string): void {
  if (typeof s !== 'object' || s === null) throw violation(`${at}: the matchsignaal is missing`);
  rules.uuid(s.berichtId, `${at}/Kop/BerichtId`);
  rules.oin(s.afzenderOin, `${at}/Kop/AfzenderOin`);
  rules.oin(s.ontvangerOin, `${at}/Kop/OntvangerOin`);
  rules.dateTime(s.verzonden, `${at}/Kop/Verzonden`);
  rules.text(s.matchId, `${at}/MatchId`, 64);
  rules.oneOf(s.soort, SOORTEN, `${at}/Soort`);
  rules.oneOf(s.reikwijdte, REIKWIJDTEN, `${at}/Reikwijdte`);
  if (typeof s.eigenMelding !== 'object' || s.eigenMelding === null) throw violation(`${at}/EigenMelding is missing`);
  rules.text(s.eigenMelding.referentie, `${at}/EigenMelding/Referentie`, 100);
  rules.uuid(s.eigenMelding.berichtId, `${at}/EigenMelding/BerichtId`);
  rules.melder(s.andereMelder, `${at}/AndereMelder`);
  rules.convenant(s.andereMelder.convenant, `${at}/AndereMelder/Convenant`);
  rules.organisatie(s.andereOrganisatie, `${at}/AndereOrganisatie`);
}
