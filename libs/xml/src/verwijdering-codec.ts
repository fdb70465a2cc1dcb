import { VERWIJDERING_REDENEN, type VerwijderingBericht, type VerwijderingReden } from '@vir/contracts';
import * as rules from './field-rules';
import { meldingSleutelElements, readMeldingSleutel } from './melding-reference';
import { kopElement, openWith, readKop, signWith, type CodecSpec, type Opened } from './message-codec';
import type { Signer } from './xml-signer';
import { violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { el, leaf } from './xml-writer';

const SPEC: CodecSpec<VerwijderingBericht> = {
  root: 'Verwijdering',
  check(m) {
    if (typeof m !== 'object' || m === null) throw violation('the verwijdering is missing');
    rules.uuid(m.berichtId, '/Verwijdering/Kop/BerichtId');
    rules.oin(m.afzenderOin, '/Verwijdering/Kop/AfzenderOin');
    rules.dateTime(m.verzonden, '/Verwijdering/Kop/Verzonden');
    rules.gemeentecode(m.gemeentecode, '/Verwijdering/Gemeentecode');
    rules.meldingVerwijzing(m.melding, '/Verwijdering/MeldingVerwijzing');
    rules.oin(m.melding.afzenderOin, '/Verwijdering/MeldingVerwijzing/AfzenderOin');
    rules.oneOf(m.reden, VERWIJDERING_REDENEN, '/Verwijdering/Reden');
    rules.date(m.besluitdatum, '/Verwijdering/Besluitdatum');
  },
  write: (m) => [
    kopElement(m),
    leaf('Gemeentecode', m.gemeentecode),
    el('MeldingVerwijzing', [leaf('AfzenderOin', m.melding.afzenderOin), meldingSleutelElements(m.melding)]),
    leaf('Reden', m.reden),
    leaf('Besluitdatum', m.besluitdatum),
  ],
  read(r) {
    const kop = readKop(r);
    const gemeentecode = r.text('Gemeentecode');
    const ref = r.child('MeldingVerwijzing');
    const melding = { afzenderOin: ref.text('AfzenderOin'), ...readMeldingSleutel(ref) };
    ref.done();
    const reden = r.text('Reden') as VerwijderingReden;
    const besluitdatum = r.text('Besluitdatum');
    return { ...kop, gemeentecode, melding, reden, besluitdatum };
  },
};

/** Builds and signs a removal order; AfzenderOin (= the signer) is the ordering party. */
export function signVerwijdering(m: VerwijderingBericht, signer: Signer): string {
  return signWith(SPEC, m, signer);
}

export function openVerwijdering(xml: string, o: OpenOptions): Opened<VerwijderingBericht> {
  return openWith(SPEC, xml, o);
}
