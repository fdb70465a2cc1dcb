import type { FoutBericht } from '@vir/contracts';
import * as rules from './field-rules';
import { gerichteKopElement, openWith, readGerichteKop, signWith, type CodecSpec, type Opened } from './message-codec';
import type { Signer } from './xml-signer';
import { violation } from './xml-tree';
import type { OpenOptions } from './xml-verifier';
import { leaf } from './xml-writer';

const SPEC: CodecSpec<FoutBericht> = {
  root: 'Foutbericht',
  check(m) {
    if (typeof m !== 'object' || m === null) throw violation('the foutbericht is missing');
    rules.uuid(m.berichtId, '/Foutbericht/Kop/BerichtId');
    rules.oin(m.afzenderOin, '/Foutbericht/Kop/AfzenderOin');
    rules.oin(m.ontvangerOin, '/Foutbericht/Kop/OntvangerOin');
    rules.dateTime(m.verzonden, '/Foutbericht/Kop/Verzonden');
    rules.uuid(m.betreft, '/Foutbericht/Betreft');
    rules.foutcode(m.code, '/Foutbericht/Code');
    rules.textWithoutNumbers(m.omschrijving, '/Foutbericht/Omschrijving', 500);
  },
  write: (m) => [gerichteKopElement(m), leaf('Betreft', m.betreft), leaf('Code', m.code), leaf('Omschrijving', m.omschrijving)],
  read(r) {
    const kop = readGerichteKop(r);
    return { ...kop, betreft: r.text('Betreft'), code: r.text('Code'), omschrijving: r.text('Omschrijving') };
  },
};

/** Builds and signs an error message about another message (by its BerichtId). */
export function signFoutbericht(m: FoutBericht, signer: Signer): string {
  return signWith(SPEC, m, signer);
}

export function openFoutbericht(xml: string, o: OpenOptions): Opened<FoutBericht> {
  return openWith(SPEC, xml, o);
}
