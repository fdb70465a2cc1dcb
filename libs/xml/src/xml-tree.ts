import { VIR_NS } from './xml-constants';
import { XmlMessageError } from './xml-errors';
import type { XmlElement } from './xml-parser';

/**
 * A namespace-resolved element of our own parse tree (xml-parser.ts): `uri`, `local`, `attrs`
 * (by local name, namespaced ones as `{uri}local`), `text` and element `children`.
 */
export type XNode = XmlElement;

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
  /** Built only when an error needs it (a child reader knows its parent and name). */
  private pathText: string | undefined;

  constructor(
    readonly node: XNode,
    path: string | undefined,
    allowedAttributes: string[] = [],
    private readonly parentReader?: ElementReader,
    private readonly name?: string,
  ) {
    this.pathText = path;
    if (node.text !== '' && node.text.trim() !== '') throw violation(`${this.path} may not contain text`);
    // Allowed names are unqualified: an attribute in a namespace (attrs key `{uri}local`) never is.
    for (const a of node.attributes) {
      if (a.uri !== '' || !allowedAttributes.includes(a.local)) throw violation(`${this.path} has an unexpected attribute`);
    }
  }

  /** Where this element is, e.g. `/Melding/Kop` (for error messages). */
  get path(): string {
    return (this.pathText ??= `${this.parentReader!.path}/${this.name}`);
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
    return new ElementReader(this.required(local, uri), undefined, allowedAttributes, this, local);
  }

  text(local: string): string {
    const node = this.required(local);
    if (node.children.length > 0 || node.attributes.length > 0) leafText(node, `${this.path}/${local}`);
    return node.text;
  }

  optionalText(local: string): string | undefined {
    const node = this.optional(local);
    if (node && (node.children.length > 0 || node.attributes.length > 0)) leafText(node, `${this.path}/${local}`);
    return node?.text;
  }

  done(): void {
    const next = this.node.children[this.index];
    if (next) throw violation(`${this.path}: unexpected ${nameOf(next)}`);
  }
}

export function leafText(node: XNode, path: string): string {
  if (node.children.length > 0) throw violation(`${path} may not contain elements`);
  if (node.attributes.length > 0) throw violation(`${path} has an unexpected attribute`);
  return node.text;
}

/** Prefix → URI of every namespace declared on the element or its ancestors (the innermost wins). */
export function namespacesInScope(node: XNode): [string, string][] {
  const seen = new Map<string, string>();
  for (let n: XNode | null = node; n; n = n.parent) {
    for (const [prefix, uri] of n.declarations) if (!seen.has(prefix)) seen.set(prefix, uri);
  }
  return [...seen].filter(([, uri]) => uri !== '');
}
