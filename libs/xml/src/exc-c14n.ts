import type { XmlDocument, XmlElement, XmlProcessingInstruction } from './xml-parser';

// Exclusive XML Canonicalization 1.0 without comments (http://www.w3.org/2001/10/xml-exc-c14n#),
// for a whole element subtree of our own parse tree, optionally minus one descendant (the
// enveloped-signature transform), with an empty InclusiveNamespaces PrefixList.
//
// A namespace declaration is written on the first output element that visibly uses it (its own
// prefix or one of its attributes' prefixes) unless an output ancestor already wrote the same
// binding; attributes are sorted by namespace URI then local name; text and attribute values are
// escaped as the spec prescribes. Checked against xml-crypto's implementation and xmlsec1 in the
// specs.

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;

function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

function pi(p: XmlProcessingInstruction): string {
  return p.data === '' ? `<?${p.target}?>` : `<?${p.target} ${p.data}?>`;
}

/** Plain code-unit order, as the spec's lexicographic comparison of UCS code points needs for our ASCII names. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const EMPTY: ReadonlyMap<string, string> = new Map();

/** The canonical form of `el` and its descendants, leaving out `exclude` (and its subtree). */
export function canonicalizeElement(el: XmlElement, exclude?: XmlElement): string {
  return write(el, EMPTY, exclude);
}

/** The canonical form of a document (URI=""), leaving out `exclude`: PIs outside the root included. */
export function canonicalizeDocument(doc: XmlDocument, exclude?: XmlElement): string {
  let result = '';
  for (const p of doc.before) result += `${pi(p)}\n`;
  result += canonicalizeElement(doc.root, exclude);
  for (const p of doc.after) result += `\n${pi(p)}`;
  return result;
}

// String concatenation rather than an array join: V8's ropes make it the faster of the two here.
function write(el: XmlElement, rendered: ReadonlyMap<string, string>, exclude: XmlElement | undefined): string {
  const qname = el.prefix === '' ? el.local : `${el.prefix}:${el.local}`;
  // Visibly utilised prefixes: the element's own ('' = default namespace) and its attributes'.
  let prefixes: string[] | undefined;
  for (const a of el.attributes) {
    // The xml prefix is bound by definition and never declared in the output.
    if (a.prefix !== '' && a.prefix !== 'xml' && a.prefix !== el.prefix && !prefixes?.includes(a.prefix)) (prefixes ??= [el.prefix]).push(a.prefix);
  }
  if (prefixes) prefixes.sort(compare);

  let nsOut = '';
  let scope = rendered;
  for (const prefix of prefixes ?? [el.prefix]) {
    const uri = prefix === '' ? el.uri : (el.scope.get(prefix) as string);
    const previous = scope.get(prefix);
    // No default namespace needs no declaration, unless an output ancestor declared one.
    const needed = prefix === '' && uri === '' ? previous !== undefined && previous !== '' : previous !== uri;
    if (!needed) continue;
    nsOut += prefix === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${prefix}="${escapeAttr(uri)}"`;
    if (scope === rendered) scope = new Map(rendered);
    (scope as Map<string, string>).set(prefix, uri);
  }

  let attrOut = '';
  if (el.attributes.length > 0) {
    const attributes =
      el.attributes.length === 1
        ? el.attributes
        : [...el.attributes].sort((a, b) => compare(a.uri, b.uri) || compare(a.local, b.local));
    for (const a of attributes) {
      attrOut += ` ${a.prefix === '' ? a.local : `${a.prefix}:${a.local}`}="${escapeAttr(a.value)}"`;
    }
  }

  let out = `<${qname}${nsOut}${attrOut}>`;
  for (const node of el.content) {
    if (node.kind === 'text') out += escapeText(node.value);
    else if (node.kind === 'element') {
      if (node !== exclude) out += write(node, scope, exclude);
    } else out += pi(node);
  }
  return `${out}</${qname}>`;
}
