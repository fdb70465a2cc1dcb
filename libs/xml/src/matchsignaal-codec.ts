import type { MatchsignaalBericht, MatchReikwijdte, MatchSoort } from '@vir/contracts';
import * as rules from './field-rules';
import { gerichteKopElement, openWith, readGerichteKop, signWith, type CodecSpec, type Opened } from './message-codec';
import { melderElements, organisatieElement, readMelder, readOrganisatie } from './message-builder';
import type { Signer } from './xml-signer';
import { violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { el, leaf } from './xml-writer';

const SOORTEN: readonly MatchSoort[] = ['kind', 'gezin'];
const REIKWIJDTEN: readonly MatchReikwijdte[] = ['binnen-convenant', 'convenant-overstijgend'];

const SPEC: CodecSpec<MatchsignaalBericht> = {
  root: 'Matchsignaal',
  check: checkFields,
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

/** Builds and signs a matchsignaal (child or family match; it carries no BSN, so nothing is encrypted). */
export function signMatchsignaal(s: MatchsignaalBericht, signer: Signer): string {
  return signWith(SPEC, s, signer);
}

export function openMatchsignaal(xml: string, o: OpenOptions): Opened<MatchsignaalBericht> {
  return openWith(SPEC, xml, o);
}

function checkFields(s: MatchsignaalBericht): void {
  if (typeof s !== 'object' || s === null) throw violation('the matchsignaal is missing');
  rules.uuid(s.berichtId, '/Matchsignaal/Kop/BerichtId');
  rules.oin(s.afzenderOin, '/Matchsignaal/Kop/AfzenderOin');
  rules.oin(s.ontvangerOin, '/Matchsignaal/Kop/OntvangerOin');
  rules.dateTime(s.verzonden, '/Matchsignaal/Kop/Verzonden');
  rules.text(s.matchId, '/Matchsignaal/MatchId', 64);
  rules.oneOf(s.soort, SOORTEN, '/Matchsignaal/Soort');
  rules.oneOf(s.reikwijdte, REIKWIJDTEN, '/Matchsignaal/Reikwijdte');
  if (typeof s.eigenMelding !== 'object' || s.eigenMelding === null) throw violation('/Matchsignaal/EigenMelding is missing');
  rules.text(s.eigenMelding.referentie, '/Matchsignaal/EigenMelding/Referentie', 100);
  rules.uuid(s.eigenMelding.berichtId, '/Matchsignaal/EigenMelding/BerichtId');
  rules.melder(s.andereMelder, '/Matchsignaal/AndereMelder');
  rules.convenant(s.andereMelder.convenant, '/Matchsignaal/AndereMelder/Convenant');
  rules.organisatie(s.andereOrganisatie, '/Matchsignaal/AndereOrganisatie');
}
