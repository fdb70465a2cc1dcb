// A minimal writer for the messages we produce: strings in, well-formed XML out. Faster than a
// generic builder and the shape stays visible in the codecs. Values are always escaped here;
// names are our own constants.

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  // \r as a reference: a literal one would be turned into \n by every parser.
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

function startTag(name: string, attrs?: Record<string, string>): string {
  let tag = `<${name}`;
  if (attrs) for (const [key, value] of Object.entries(attrs)) tag += ` ${key}="${escapeAttr(value)}"`;
  return tag;
}

/** An element with already-written children (empty children: an empty-element tag). */
export function el(name: string, children: string | (string | undefined)[], attrs?: Record<string, string>): string {
  const inner = typeof children === 'string' ? children : children.join('');
  return inner === '' ? `${startTag(name, attrs)}/>` : `${startTag(name, attrs)}>${inner}</${name}>`;
}

/** An element holding text. */
export function leaf(name: string, text: string, attrs?: Record<string, string>): string {
  return `${startTag(name, attrs)}>${escapeText(text)}</${name}>`;
}

/** A text element only when the value is present. */
export function optionalLeaf(name: string, text: string | undefined): string {
  return text === undefined ? '' : leaf(name, text);
}
