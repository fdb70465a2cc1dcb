import { DEFAULT_MAX_BYTES } from './xml-constants';
import { xmlError } from './xml-errors';

// Markup declarations only exist inside a DTD; refusing them outright rules out entity
// expansion ("billion laughs") and external entities for every parser that comes after.
// The three patterns only classify the refusal: any of them is refused.
const DTD_MARKUP = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const EXTERNAL = /<!\s*ENTITY\s+(%\s+)?[^\s>]+\s+(SYSTEM|PUBLIC)\b|<!\s*DOCTYPE\s+[^\s>[]+\s+(SYSTEM|PUBLIC)\b/i;
const ENTITY = /<!\s*ENTITY\b/i;

/** Whether "<!" occurs anywhere. */
function hasBang(xml: string): boolean {
  for (let i = xml.indexOf('!'); i >= 0; i = xml.indexOf('!', i + 1)) if (xml.charCodeAt(i - 1) === 0x3c) return true;
  return false;
}

/** Size and DTD checks on the raw string, before any parser sees it. */
export function guardRawXml(xml: string, maxBytes: number = DEFAULT_MAX_BYTES): void {
  if (typeof xml !== 'string' || xml.length === 0) throw xmlError('XML_MALFORMED', 'the document is empty');
  // A UTF-16 code unit is at least one UTF-8 byte, so counting bytes is only needed near the limit.
  if (xml.length > maxBytes || (xml.length * 3 > maxBytes && Buffer.byteLength(xml, 'utf8') > maxBytes)) {
    throw xmlError('XML_TOO_LARGE', `the document exceeds ${maxBytes} bytes`);
  }
  // Every pattern starts with "<!": most messages have none, and finding that out is far cheaper
  // than the regex (by the rare "!", as a search for "<" would stop at every tag).
  if (hasBang(xml) && DTD_MARKUP.test(xml)) {
    if (EXTERNAL.test(xml)) throw xmlError('XML_EXTERNAL_ENTITY', 'external entities and external DTDs are not allowed');
    if (ENTITY.test(xml)) throw xmlError('XML_ENTITY_EXPANSION', 'entity declarations are not allowed');
    throw xmlError('XML_DOCTYPE_FORBIDDEN', 'DOCTYPE and markup declarations are not allowed');
  }
}
