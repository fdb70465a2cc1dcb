import type { Melder, Organisatie } from '@vir/contracts';
import { VIR_NS } from './xml-constants';
import { el, leaf, optionalLeaf, XML_DECLARATION } from './xml-writer';
import type { ElementReader } from './xml-tree';

// Shared pieces of the messages: the document frame, Kop, Melder and Organisatie. Readers only
// collect values; the codecs check them with field-rules afterwards.

/**
 * The unsigned document: XML declaration and root in our namespace. Elements of other namespaces
 * declare theirs themselves, where exclusive c14n would (see xml-writer.ts): everything after the
 * XML declaration is then the document's canonical form, which signBuilt relies on.
 */
export function buildDocument(root: string, children: (string | undefined)[]): string {
  return XML_DECLARATION + el(root, children, { xmlns: VIR_NS });
}

export function melderElements(m: Melder): string {
  return leaf('Id', m.id) + leaf('Naam', m.naam) + optionalLeaf('Telefoon', m.telefoon) + optionalLeaf('Email', m.email);
}

export function organisatieElement(name: string, o: Organisatie): string {
  return el(name, [leaf('Naam', o.naam), leaf('Domein', o.domein)]);
}

/** Reads Id, Naam, Telefoon?, Email? (the caller reads what follows and calls done()). */
export function readMelder(reader: ElementReader): Melder {
  const melder: Melder = { id: reader.text('Id'), naam: reader.text('Naam') };
  const telefoon = reader.optionalText('Telefoon');
  const email = reader.optionalText('Email');
  if (telefoon !== undefined) melder.telefoon = telefoon;
  if (email !== undefined) melder.email = email;
  return melder;
}

export function readOrganisatie(reader: ElementReader): Organisatie {
  const organisatie = { naam: reader.text('Naam'), domein: reader.text('Domein') } as Organisatie;
  reader.done();
  return organisatie;
}
