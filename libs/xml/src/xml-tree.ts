import { Parser } from 'xml2js';
import { VIR_NS } from './xml-constants';
import { XmlMessageError } from './xml-errors';

/** A namespace-resolved element, independent of the prefixes a sender chose. */
export interface XNode {
  uri: string;
  local: string;
  /** Attributes without a namespace by local name; namespaced ones as `{uri}local`. */
  attrs: Record<string, string>;
  text: string;
  children: XNode[];
}

interface Xml2jsAttr {
  value: string;
  local: string;
  uri: string;
  prefix: string;
}
interface Xml2jsNode {
  _?: string;
  $?: Record<string, Xml2jsAttr>;
  $ns: { uri: string; local: string };
  $$?: Xml2jsNode[];
}

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';

const PARSER_OPTIONS = {
  xmlns: true,
  explicitChildren: true,
  preserveChildrenOrder: true,
  explicitRoot: false,
  strict: true,
  async: false, // the callback runs before parseString returns
  trim: false,
  normalize: false,
  includeWhiteChars: false,
};

/** Parses (already verified, canonical) XML into an XNode tree. */
export function parseTree(xml: string): XNode {
  let root: Xml2jsNode | undefined;
  let failed = false;
  new Parser(PARSER_OPTIONS).parseString(xml, (error: Error | null, result: Xml2jsNode) => {
    failed = error !== null;
    root = result;
  });
  if (failed || !root || typeof root !== 'object') {
    throw new XmlMessageError('XML_MALFORMED', 'the signed content is not well-formed XML');
  }
  return convert(root);
}

function convert(node: Xml2jsNode): XNode {
  const attrs: Record<string, string> = {};
  for (const attr of Object.values(node.$ ?? {})) {
    if (attr.uri === XMLNS_URI || attr.prefix === 'xmlns' || (attr.prefix === '' && attr.local === 'xmlns')) continue;
    attrs[attr.uri ? `{${attr.uri}}${attr.local}` : attr.local] = attr.value;
  }
  return {
    uri: node.$ns.uri,
    local: node.$ns.local,
    attrs,
    text: typeof node._ === 'string' ? node._ : '',
    children: (node.$$ ?? []).map(convert),
  };
}

/** Names are echoed in errors only when they cannot hide data (letters only). */
export function nameOf(node: XNode): string {
  return /^[A-Za-z]{1,40}$/.test(node.local) ? `<${node.local}>` : 'an unexpected element';
}

export function violation(message: string): XmlMessageError {
  return new XmlMessageError('XML_SCHEMA_VIOLATION', message);
}

/**
 * Reads an element's children strictly in order, like an xs:sequence: every child must be
 * expected, in the expected order, and nothing may be left over.
 */
export class ElementReader {
  private index = 0;

  constructor(
    readonly node: XNode,
    readonly path: string,
    allowedAttributes: string[] = [],
  ) {
    if (node.text.trim() !== '') throw violation(`${path} may not contain text`);
    for (const name of Object.keys(node.attrs)) {
      if (!allowedAttributes.includes(name)) throw violation(`${path} has an unexpected attribute`);
    }
  }

  optional(local: string, uri: string = VIR_NS): XNode | undefined {
    const next = this.node.children[this.index];
    if (next && next.local === local && next.uri === uri) {
      this.index++;
      return next;
    }
    return undefined;
  }

  required(local: string, uri: string = VIR_NS): XNode {
    const found = this.optional(local, uri);
    if (found) return found;
    const next = this.node.children[this.index];
    if (next && next.local === local) throw new XmlMessageError('XML_WRONG_NAMESPACE', `${this.path}/${local} is in the wrong namespace`);
    throw violation(`${this.path}: expected <${local}>${next ? `, found ${nameOf(next)}` : ''}`);
  }

  many(local: string, uri: string = VIR_NS): XNode[] {
    const out: XNode[] = [];
    for (let n = this.optional(local, uri); n; n = this.optional(local, uri)) out.push(n);
    return out;
  }

  child(local: string, uri: string = VIR_NS, allowedAttributes: string[] = []): ElementReader {
    return new ElementReader(this.required(local, uri), `${this.path}/${local}`, allowedAttributes);
  }

  text(local: string): string {
    return leafText(this.required(local), `${this.path}/${local}`);
  }

  optionalText(local: string): string | undefined {
    const node = this.optional(local);
    return node ? leafText(node, `${this.path}/${local}`) : undefined;
  }

  done(): void {
    const next = this.node.children[this.index];
    if (next) throw violation(`${this.path}: unexpected ${nameOf(next)}`);
  }
}

export function leafText(node: XNode, path: string): string {
  if (node.children.length > 0) throw violation(`${path} may not contain elements`);
  if (Object.keys(node.attrs).length > 0) throw violation(`${path} has an unexpected attribute`);
  return node.text;
}
