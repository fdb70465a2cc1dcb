import type { Melder, Organisatie } from '@vir/contracts';
import { Builder } from 'xml2js';
import { ElementReader } from './xml-tree';

// Shared pieces of both messages: the xml2js builder and the Melder/Organisatie elements.
// Readers only collect values; the codecs check them with field-rules afterwards.

const builder = new Builder({
  renderOpts: { pretty: false }, // whitespace would only add signed bytes
  xmldec: { version: '1.0', encoding: 'UTF-8' },
});

export function buildXml(document: Record<string, unknown>): string {
  return builder.buildObject(document);
}

export function melderElement(m: Melder, extra: Record<string, string> = {}): Record<string, unknown> {
  return {
    Id: m.id,
    Naam: m.naam,
    ...(m.telefoon !== undefined ? { Telefoon: m.telefoon } : {}),
    ...(m.email !== undefined ? { Email: m.email } : {}),
    ...extra,
  };
}

export function organisatieElement(o: Organisatie): Record<string, unknown> {
  return { Naam: o.naam, Domein: o.domein };
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
