import { createHash } from 'node:crypto';
import { sha256 } from './sha256';
import type { XmlDocument, XmlElement, XmlProcessingInstruction } from './xml-parser';
// The writer escapes exactly as c14n does: one definition serves both.
import { escapeAttr, escapeText } from './xml-writer';

// Exclusive XML Canonicalization 1.0 without comments (http://www.w3.org/2001/10/xml-exc-c14n#),
// for a whole element subtree of our own parse tree, optionally minus one descendant (the
// enveloped-signature transform), with an empty InclusiveNamespaces PrefixList.
//
// A namespace declaration is written on the first output element that visibly uses it (its own
// prefix or one of its attributes' prefixes) unless an output ancestor already wrote the same
// binding; attributes are sorted by namespace URI then local name; text and attribute values are
// escaped as the spec prescribes. Checked against xml-crypto's implementation and xmlsec1 in the
// specs.
//
// Speed: most of a document's canonical form is its source text unchanged — end tags, text
// without references or `>`, start tags written the canonical way (XmlElement.startTagCanonical)
// whose namespace declarations are the ones c14n puts there; all of what we write ourselves is
// (xml-writer.ts). The parser marks those tokens with their source offsets, and with the source at
// hand the writer copies each run of adjacent unchanged tokens as ONE slice of the source instead
// of rebuilding it piece by piece. Tokens are only merged when they are adjacent in the source, so
// whatever canonicalisation drops (comments, whitespace inside tags, the excluded subtree) or
// changes ends a run and is written out as before. The few pieces make the result cheap to
// flatten and hash.

function pi(p: XmlProcessingInstruction): string {
  return p.data === '' ? `<?${p.target}?>` : `<?${p.target} ${p.data}?>`;
}

/** Plain code-unit order, as the spec's lexicographic comparison of UCS code points needs for our ASCII names. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Namespace declarations written by output ancestors, innermost first. */
interface Rendered {
  prefix: string;
  uri: string;
  next: Rendered | null;
}

function renderedUri(rendered: Rendered | null, prefix: string): string | undefined {
  for (let r = rendered; r !== null; r = r.next) if (r.prefix === prefix) return r.uri;
  return undefined;
}

/** The canonical text being written, in pieces, with a pending run of unchanged source text. */
class Output {
  readonly pieces: string[] = [];
  private from = 0;
  private to = -1;

  constructor(private readonly source: string | undefined) {}

  /** Source text [start, end) that is its own canonical form. */
  copy(start: number, end: number): void {
    if (start !== this.to) {
      this.flush();
      this.from = start;
    }
    this.to = end;
  }

  add(text: string): void {
    if (this.to >= 0) this.flush();
    this.pieces.push(text);
  }

  flush(): void {
    if (this.to >= 0) {
      this.pieces.push(this.source!.slice(this.from, this.to));
      this.to = -1;
    }
  }

  text(): string {
    return this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
  }

  /** SHA-256 of the text; a few pieces (our own documents: two) are hashed without joining them first. */
  digest(): Buffer {
    const pieces = this.pieces;
    if (pieces.length === 1 || pieces.length > 4) return sha256(this.text());
    const hash = createHash('sha256');
    for (const piece of pieces) hash.update(piece, 'utf8');
    return hash.digest();
  }
}

/**
 * The canonical form of `el` and its descendants, leaving out `exclude` (and its subtree).
 * `source` is the parsed document's source (XmlDocument.source): with it, unchanged text is copied
 * from there (faster, same result).
 */
export function canonicalizeElement(el: XmlElement, exclude?: XmlElement, source?: string): string {
  const out = new Output(source);
  write(out, el, null, exclude, source !== undefined);
  out.flush();
  return out.text();
}

function documentOutput(doc: XmlDocument, exclude: XmlElement | undefined): Output {
  const out = new Output(doc.source);
  for (const p of doc.before) out.add(`${pi(p)}\n`);
  write(out, doc.root, null, exclude, true);
  out.flush();
  for (const p of doc.after) out.add(`\n${pi(p)}`);
  return out;
}

/** The canonical form of a document (URI=""), leaving out `exclude`: PIs outside the root included. */
export function canonicalizeDocument(doc: XmlDocument, exclude?: XmlElement): string {
  return documentOutput(doc, exclude).text();
}

/** SHA-256 of canonicalizeDocument(doc, exclude), without joining the canonical text when it is a few pieces. */
export function canonicalDigest(doc: XmlDocument, exclude?: XmlElement): Buffer {
  return documentOutput(doc, exclude).digest();
}

function write(out: Output, el: XmlElement, rendered: Rendered | null, exclude: XmlElement | undefined, copy: boolean): void {
  const qname = el.qname;
  const attributes = el.attributes;
  const declarations = el.declarations;
  let scope = rendered;
  // Whether the declarations c14n writes here are exactly those of the source tag, in order
  // (then, with a canonical source tag, nothing needs to be written out).
  let sameDeclarations = true;
  let declared = 0;
  if (attributes.length === 0) {
    // Only the element's own prefix ('' = the default namespace) is visibly utilised.
    const prefix = el.prefix;
    const uri = el.uri;
    const previous = renderedUri(rendered, prefix);
    // No default namespace needs no declaration, unless an output ancestor declared one.
    if (prefix === '' && uri === '' ? previous !== undefined && previous !== '' : previous !== uri) {
      scope = { prefix, uri, next: scope };
      const d = declarations[declared++];
      sameDeclarations = d !== undefined && d[0] === prefix && d[1] === uri;
    }
  } else {
    // Visibly utilised prefixes: the element's own and its attributes' (the xml prefix is bound by
    // definition and never declared in the output).
    const prefixes = [el.prefix];
    for (const a of attributes) {
      if (a.prefix !== '' && a.prefix !== 'xml' && !prefixes.includes(a.prefix)) prefixes.push(a.prefix);
    }
    if (prefixes.length > 1) prefixes.sort(compare);
    for (const prefix of prefixes) {
      const uri = prefix === '' ? el.uri : (el.scope.get(prefix) as string);
      const previous = renderedUri(scope, prefix);
      const needed = prefix === '' && uri === '' ? previous !== undefined && previous !== '' : previous !== uri;
      if (!needed) continue;
      scope = { prefix, uri, next: scope };
      const d = declarations[declared++];
      if (d === undefined || d[0] !== prefix || d[1] !== uri) sameDeclarations = false;
    }
  }
  sameDeclarations &&= declared === declarations.length;

  if (copy && el.startTagCanonical && sameDeclarations) {
    out.copy(el.start, el.startEnd); // the source tag is the canonical one
  } else {
    // The declarations made here are the scope links added above, innermost (last in prefix order) first.
    let nsOut = '';
    for (let r = scope; r !== rendered; r = r!.next) {
      nsOut = `${r!.prefix === '' ? ' xmlns' : ` xmlns:${r!.prefix}`}="${escapeAttr(r!.uri)}"${nsOut}`;
    }
    let tag = `<${qname}${nsOut}`;
    if (attributes.length > 0) {
      const sorted = attributes.length === 1 ? attributes : [...attributes].sort((a, b) => compare(a.uri, b.uri) || compare(a.local, b.local));
      for (const a of sorted) tag += ` ${a.qname}="${a.plain ? a.value : escapeAttr(a.value)}"`;
    }
    out.add(`${tag}>`);
  }

  const content = el.content;
  for (let i = 0; i < content.length; i++) {
    const node = content[i];
    if (node.kind === 'text') {
      if (copy && node.verbatim) out.copy(node.start, node.end);
      else out.add(escapeText(node.value));
    } else if (node.kind === 'element') {
      if (node !== exclude) write(out, node, scope, exclude, copy);
    } else out.add(pi(node));
  }

  if (copy && !el.selfClosing && el.end - el.closeStart === qname.length + 3) out.copy(el.closeStart, el.end);
  else out.add(`</${qname}>`);
}
