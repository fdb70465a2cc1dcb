import type { MatchsignaalBericht, MatchReikwijdte, MatchSoort } from '@vir/contracts';
import * as rules from './field-rules';
import type { Opened } from './melding-codec';
import { buildXml, melderElement, organisatieElement, readMelder, readOrganisatie } from './message-builder';
import { VIR_NS } from './xml-constants';
import { XmlMessageError } from './xml-errors';
import { signDocument, type Signer } from './xml-signer';
import { ElementReader, parseTree, violation } from './xml-tree';
import { verifySignedDocument, type OpenOptions } from './xml-verifier';

const ROOT = 'Matchsignaal';
const SOORTEN: readonly MatchSoort[] = ['kind', 'gezin'];
const REIKWIJDTEN: readonly MatchReikwijdte[] = ['binnen-convenant', 'convenant-overstijgend'];

/** Builds and signs a matchsignaal (it carries no BSN, so nothing is encrypted). */
export function signMatchsignaal(s: MatchsignaalBericht, signer: Signer): string {
  if (signer.oin !== s.afzenderOin) {
    throw new XmlMessageError('OIN_MISMATCH', "AfzenderOin must be the signer's own OIN");
  }
  checkFields(s);
  const { convenant, ...andereMelder } = s.andereMelder;
  const xml = buildXml({
    [ROOT]: {
      $: { xmlns: VIR_NS },
      Kop: {
        BerichtId: s.berichtId,
        AfzenderOin: s.afzenderOin,
        OntvangerOin: s.ontvangerOin,
        Verzonden: s.verzonden,
      },
      MatchId: s.matchId,
      Soort: s.soort,
      Reikwijdte: s.reikwijdte,
      EigenMelding: { Referentie: s.eigenMelding.referentie, BerichtId: s.eigenMelding.berichtId },
      AndereMelder: melderElement(andereMelder, { Convenant: convenant }),
      AndereOrganisatie: organisatieElement(s.andereOrganisatie),
    },
  });
  return signDocument(xml, signer);
}

export function openMatchsignaal(xml: string, o: OpenOptions): Opened<MatchsignaalBericht> {
  const verified = verifySignedDocument(xml, ROOT, o);
  const message = readMatchsignaal(verified.signedXml);
  if (message.afzenderOin !== verified.signerOin) {
    throw new XmlMessageError('OIN_MISMATCH', "AfzenderOin differs from the OIN in the signer's certificate");
  }
  return { message, signerOin: verified.signerOin, certificateFingerprint: verified.certificateFingerprint };
}

function readMatchsignaal(signedXml: string): MatchsignaalBericht {
  const r = new ElementReader(parseTree(signedXml), `/${ROOT}`);
  const kop = r.child('Kop');
  const berichtId = kop.text('BerichtId');
  const afzenderOin = kop.text('AfzenderOin');
  const ontvangerOin = kop.text('OntvangerOin');
  const verzonden = kop.text('Verzonden');
  kop.done();
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
  r.done();
  const message: MatchsignaalBericht = {
    berichtId,
    afzenderOin,
    ontvangerOin,
    verzonden,
    matchId,
    soort,
    reikwijdte,
    eigenMelding,
    andereMelder,
    andereOrganisatie,
  };
  checkFields(message);
  return message;
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
