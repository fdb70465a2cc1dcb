import type { OntvangstbevestigingBericht, OntvangstResultaat } from '@vir/contracts';
import * as rules from './field-rules';
import { gerichteKopElement, openWith, readGerichteKop, signWith, type CodecSpec, type Opened } from './message-codec';
import type { Signer } from './xml-signer';
import { ElementReader, violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { el, leaf, optionalLeaf } from './xml-writer';

/** Items per acknowledgement, as the XSD allows. */
export const MAX_RESULTATEN = 1000;

const SPEC: CodecSpec<OntvangstbevestigingBericht> = {
  root: 'Ontvangstbevestiging',
  check(m) {
    if (typeof m !== 'object' || m === null) throw violation('the ontvangstbevestiging is missing');
    rules.uuid(m.berichtId, '/Ontvangstbevestiging/Kop/BerichtId');
    rules.oin(m.afzenderOin, '/Ontvangstbevestiging/Kop/AfzenderOin');
    rules.oin(m.ontvangerOin, '/Ontvangstbevestiging/Kop/OntvangerOin');
    rules.dateTime(m.verzonden, '/Ontvangstbevestiging/Kop/Verzonden');
    if (!Array.isArray(m.resultaten) || m.resultaten.length < 1 || m.resultaten.length > MAX_RESULTATEN) {
      throw violation(`/Ontvangstbevestiging must hold 1-${MAX_RESULTATEN} Resultaat elements`);
    }
    m.resultaten.forEach((item, i) => {
      const path = `/Ontvangstbevestiging/Resultaat[${i + 1}]`;
      if (typeof item !== 'object' || item === null) throw violation(`${path} is missing`);
      rules.uuid(item.trackingId, `${path}/TrackingId`);
      if (item.berichtId !== undefined) rules.uuid(item.berichtId, `${path}/BerichtId`);
      if (item.resultaat === 'afgewezen') {
        if (typeof item.fout !== 'object' || item.fout === null) throw violation(`${path}/Afgewezen is missing`);
        rules.foutcode(item.fout.code, `${path}/Afgewezen/Code`);
        rules.textWithoutNumbers(item.fout.omschrijving, `${path}/Afgewezen/Omschrijving`, 500);
      } else if (item.resultaat !== 'geaccepteerd') {
        throw violation(`${path} must be geaccepteerd or afgewezen`);
      }
    });
  },
  write: (m) => [
    gerichteKopElement(m),
    ...m.resultaten.map((item) =>
      el('Resultaat', [
        leaf('TrackingId', item.trackingId),
        optionalLeaf('BerichtId', item.berichtId),
        item.resultaat === 'geaccepteerd'
          ? el('Geaccepteerd', '')
          : el('Afgewezen', [leaf('Code', item.fout.code), leaf('Omschrijving', item.fout.omschrijving)]),
      ]),
    ),
  ],
  read(r) {
    const kop = readGerichteKop(r);
    const resultaten = r.many('Resultaat').map((node, i): OntvangstResultaat => {
      const item = new ElementReader(node, `/Ontvangstbevestiging/Resultaat[${i + 1}]`);
      const trackingId = item.text('TrackingId');
      const berichtId = item.optionalText('BerichtId');
      const ids = { trackingId, ...(berichtId !== undefined ? { berichtId } : {}) };
      let result: OntvangstResultaat;
      if (item.optional('Geaccepteerd')) result = { ...ids, resultaat: 'geaccepteerd' };
      else {
        const fout = item.child('Afgewezen');
        result = { ...ids, resultaat: 'afgewezen', fout: { code: fout.text('Code'), omschrijving: fout.text('Omschrijving') } };
        fout.done();
      }
      item.done();
      return result;
    });
    return { ...kop, resultaten };
  },
};

/** Builds and signs an acknowledgement with one result per item. */
export function signOntvangstbevestiging(m: OntvangstbevestigingBericht, signer: Signer): string {
  return signWith(SPEC, m, signer);
}

export function openOntvangstbevestiging(xml: string, o: OpenOptions): Opened<OntvangstbevestigingBericht> {
  return openWith(SPEC, xml, o);
}
