import { INTREKKING_REDENEN, type IntrekkingBericht, type IntrekkingReden } from '@vir/contracts';
import * as rules from './field-rules';
import { meldingSleutelElements, readMeldingSleutel } from './melding-reference';
import { kopElement, openWith, readKop, signWith, type CodecSpec, type Opened } from './message-codec';
import type { Signer } from './xml-signer';
import { violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { el, leaf, optionalLeaf } from './xml-writer';

const ROOT = 'Intrekking';

const SPEC: CodecSpec<IntrekkingBericht> = {
  root: ROOT,
  check(m) {
    if (typeof m !== 'object' || m === null) throw violation('the intrekking is missing');
    rules.uuid(m.berichtId, '/Intrekking/Kop/BerichtId');
    rules.oin(m.afzenderOin, '/Intrekking/Kop/AfzenderOin');
    rules.dateTime(m.verzonden, '/Intrekking/Kop/Verzonden');
    rules.meldingVerwijzing(m.melding, '/Intrekking/MeldingVerwijzing');
    rules.date(m.intrekkingsdatum, '/Intrekking/Intrekkingsdatum');
    if (m.reden !== undefined) rules.oneOf(m.reden, INTREKKING_REDENEN, '/Intrekking/Reden');
  },
  write: (m) => [
    kopElement(m),
    el('MeldingVerwijzing', meldingSleutelElements(m.melding)),
    leaf('Intrekkingsdatum', m.intrekkingsdatum),
    optionalLeaf('Reden', m.reden),
  ],
  read(r) {
    const kop = readKop(r);
    const ref = r.child('MeldingVerwijzing');
    const melding = readMeldingSleutel(ref);
    ref.done();
    const intrekkingsdatum = r.text('Intrekkingsdatum');
    const reden = r.optionalText('Reden') as IntrekkingReden | undefined;
    return { ...kop, melding, intrekkingsdatum, ...(reden !== undefined ? { reden } : {}) };
  },
};

/** Builds and signs a withdrawal of the signer's own melding (by its BerichtId and/or Referentie, never by BSN). */
export function signIntrekking(m: IntrekkingBericht, signer: Signer): string {
  return signWith(SPEC, m, signer);
}

export function openIntrekking(xml: string, o: OpenOptions): Opened<IntrekkingBericht> {
  return openWith(SPEC, xml, o);
}
