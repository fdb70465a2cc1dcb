import type { MeldingVerwijzing } from '@vir/contracts';
import type { ElementReader } from './xml-tree';
import { leaf, optionalLeaf } from './xml-writer';

// The MeldingSleutel group of the XSD: BerichtId and/or Referentie of a melding.

export function meldingSleutelElements(v: MeldingVerwijzing): string {
  return optionalLeaf('BerichtId', v.berichtId) + (v.referentie !== undefined ? leaf('Referentie', v.referentie) : '');
}

export function readMeldingSleutel(r: ElementReader): MeldingVerwijzing {
  const berichtId = r.optionalText('BerichtId');
  const referentie = r.optionalText('Referentie');
  return { ...(berichtId !== undefined ? { berichtId } : {}), ...(referentie !== undefined ? { referentie } : {}) };
}
