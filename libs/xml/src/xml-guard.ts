import { DOMParser, type Document } from '@xmldom/xmldom';
import { DEFAULT_MAX_BYTES } from './xml-constants';
import { XmlMessageError } from './xml-errors';

// Markup declarations only exist inside a DTD; refusing them outright rules out entity
// expansion ("billion laughs") and external entities for every parser that comes after.
const DTD_MARKUP = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

/** Size and DTD checks on the raw string, before any parser sees it. */
export function guardRawXml(xml: string, maxBytes: number = DEFAULT_MAX_BYTES): void {
  if (typeof xml !== 'string' || xml.length === 0) throw new XmlMessageError('XML_MALFORMED', 'the document is empty');
  // A UTF-16 code unit is at least one UTF-8 byte, so counting bytes is only needed near the limit.
  if (xml.length > maxBytes || (xml.length * 3 > maxBytes && Buffer.byteLength(xml, 'utf8') > maxBytes)) {
    throw new XmlMessageError('XML_TOO_LARGE', `the document exceeds ${maxBytes} bytes`);
  }
  if (DTD_MARKUP.test(xml)) {
    throw new XmlMessageError('XML_DOCTYPE_FORBIDDEN', 'DOCTYPE and entity declarations are not allowed');
  }
}

/** Strict DOM parse: any warning or error rejects the document. */
export function parseDom(xml: string): Document {
  try {
    // Without locator: noticeably faster, and positions only matter when parsing fails.
    return strictParse(xml, false);
  } catch {
    let position = '';
    try {
      strictParse(xml, true, (line, column) => (position = ` (line ${line}, column ${column})`));
    } catch {
      // expected: this second pass only finds the position
    }
    throw new XmlMessageError('XML_MALFORMED', `the document is not well-formed XML${position}`);
  }
}

interface ParseContext {
  locator?: { lineNumber?: number; columnNumber?: number };
}

function strictParse(xml: string, locator: boolean, at?: (line: number, column: number) => void): Document {
  const parser = new DOMParser({
    locator,
    onError: (_level, _message, context: ParseContext) => {
      // The parser's own message may quote document text, so only the position is passed on.
      const where = context?.locator;
      if (at && where?.lineNumber) at(where.lineNumber, where.columnNumber ?? 0);
      throw new Error('not well-formed');
    },
  });
  const doc = parser.parseFromString(xml, 'text/xml');
  if (!doc.documentElement) throw new Error('no root element');
  return doc;
}
