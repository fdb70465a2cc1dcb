// A minimal writer for the messages we produce: strings in, well-formed XML out. Faster than a
// generic builder and the shape stays visible in the codecs. Values are always escaped here;
// names are our own constants.
//
// What it writes is already in exclusive canonical form (xml-exc-c14n, without comments), so the
// signer can digest a document it built without parsing and canonicalising it again
// (xml-signer.ts: signBuilt), and a verifier copies it through its canonicalisation unchanged:
// - start and end tag for every element (never `<x/>`);
// - namespace declarations first, then attributes, each sorted by name (ours are unprefixed, so
//   that is the order by namespace URI and local name);
// - text and attribute values escaped exactly as c14n escapes them;
// - namespace declarations only where c14n puts them: on the first element of each branch that
//   uses the prefix. The callers declare them so (bsn-encryptor.ts); the specs compare every
//   message type with our canonicalisation and xml-crypto's.

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  // \r as a reference: a literal one would be turned into \n by every parser.
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** As c14n writes attribute values: `>` stays, tab and line ends become references (else they would be normalised to spaces). */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** c14n order: the default namespace declaration, prefixed declarations by prefix, then attributes by name. */
function attributeOrder(a: string, b: string): number {
  const nsA = a === 'xmlns' ? 0 : a.startsWith('xmlns:') ? 1 : 2;
  const nsB = b === 'xmlns' ? 0 : b.startsWith('xmlns:') ? 1 : 2;
  if (nsA !== nsB) return nsA - nsB;
  return a < b ? -1 : a > b ? 1 : 0;
}

function startTag(name: string, attrs?: Record<string, string>): string {
  let tag = `<${name}`;
  if (attrs) {
    const names = Object.keys(attrs);
    if (names.length > 1) names.sort(attributeOrder);
    for (const key of names) {
      // Prefixed attributes would be ordered by their namespace URI, which this writer does not know.
      if (key.includes(':') && !key.startsWith('xmlns:')) throw new Error(`xml-writer: attribute ${key} has a prefix`);
      tag += ` ${key}="${escapeAttr(attrs[key])}"`;
    }
  }
  return `${tag}>`;
}

/** An element with already-written children (none: an empty element, still with an end tag). */
export function el(name: string, children: string | (string | undefined)[], attrs?: Record<string, string>): string {
  const inner = typeof children === 'string' ? children : children.join('');
  return `${startTag(name, attrs)}${inner}</${name}>`;
}

/** An element holding text. */
export function leaf(name: string, text: string, attrs?: Record<string, string>): string {
  return `${startTag(name, attrs)}${escapeText(text)}</${name}>`;
}

/** A text element only when the value is present. */
export function optionalLeaf(name: string, text: string | undefined): string {
  return text === undefined ? '' : leaf(name, text);
}
