import type { BuiltinType, CompiledSchema, ComplexTypeModel, Particle, SimpleTypeModel } from './schema-model';
import { xmlError, type XmlMessageError } from './xml-errors';
import type { XmlElement } from './xml-parser';

// Validates a parsed document against a CompiledSchema: element-only content matched against
// sequence/choice/any particles (greedy, which is exact for the deterministic content models
// XSD's Unique Particle Attribution rule guarantees), leaf values against their simple type.
// Allocation-free on the happy path and a few µs per message; see xsd-compiler.ts for what the
// XSD may use. Messages name elements and rules, never values.

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSI_HINTS = new Set([`{${XSI}}schemaLocation`, `{${XSI}}noNamespaceSchemaLocation`]);
const NOT_XML_SPACE = /[^ \t\n\r]/;
const DATE = /^-?([0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-]([0-9]{2}):([0-9]{2}))?$/;
const DATE_TIME = /^-?([0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-]([0-9]{2}):([0-9]{2}))?$/;
const INTEGER = /^[+-]?[0-9]+$/;
const SURROGATE = /[\uD800-\uDBFF]/;

interface CompiledSimpleType extends Omit<SimpleTypeModel, 'patterns'> {
  patterns: RegExp[][];
}

interface Failure {
  index: number;
  expected: string;
}

/** Names are echoed only when they cannot hide data (letters only). */
function nameOf(el: XmlElement): string {
  return /^[A-Za-z]{1,40}$/.test(el.local) ? `<${el.local}>` : 'an unexpected element';
}

function violation(message: string): XmlMessageError {
  return xmlError('XML_SCHEMA_VIOLATION', message);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function validDate(y: string, m: string, d: string, tzh?: string, tzm?: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  return tzh === undefined || (Number(tzh) * 60 + Number(tzm) <= 14 * 60 && Number(tzm) < 60);
}

function lexicallyValid(builtin: BuiltinType, v: string): boolean {
  switch (builtin) {
    case 'string':
    case 'token':
      return true;
    case 'date': {
      const m = DATE.exec(v);
      return !!m && validDate(m[1], m[2], m[3], m[5], m[6]);
    }
    case 'dateTime': {
      const m = DATE_TIME.exec(v);
      if (!m || !validDate(m[1], m[2], m[3], m[9], m[10])) return false;
      const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
      if (h === 24) return min === 0 && s === 0 && !/[1-9]/.test(m[7] ?? '');
      return h < 24 && min < 60 && s < 60;
    }
    case 'integer':
      return INTEGER.test(v);
    case 'nonNegativeInteger':
      return INTEGER.test(v) && (!v.startsWith('-') || /^-0+$/.test(v));
    case 'positiveInteger':
      return INTEGER.test(v) && !v.startsWith('-') && /[1-9]/.test(v);
    case 'boolean':
      return v === 'true' || v === 'false' || v === '1' || v === '0';
  }
}

export class SchemaValidator {
  /** Every type by name, complex or simple, looked up once per element. */
  private readonly types = new Map<string, { complex: ComplexTypeModel } | { simple: CompiledSimpleType }>();

  constructor(private readonly schema: CompiledSchema) {
    for (const [name, model] of Object.entries(schema.simpleTypes)) {
      this.types.set(name, { simple: { ...model, patterns: model.patterns.map((step) => step.map((source) => new RegExp(source, 'v'))) } });
    }
    for (const [name, complex] of Object.entries(schema.complexTypes)) this.types.set(name, { complex });
  }

  get targetNamespace(): string {
    return this.schema.targetNamespace;
  }

  /** Whether `local` is a global element (a message type) of this schema. */
  hasElement(local: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.schema.elements, local);
  }

  /**
   * Validates the whole document. The root must already be known to be in the target
   * namespace. Values of types that collapse whitespace (dates, numbers) are written back
   * collapsed, so readers see the value that was validated.
   */
  validate(root: XmlElement): void {
    if (root.uri !== this.schema.targetNamespace || !this.hasElement(root.local)) {
      throw violation(`the root element ${nameOf(root)} is not a message of this schema`);
    }
    this.element(root, this.schema.elements[root.local], `/${root.local}`);
  }

  private element(el: XmlElement, type: string, path: string): void {
    for (const a of el.attributes) {
      if (a.uri !== XSI || !XSI_HINTS.has(`{${a.uri}}${a.local}`)) throw violation(`${path} has an unexpected attribute`);
    }
    const model = this.types.get(type);
    if (!model) throw new Error(`schema: unknown type ${type}`);
    if ('complex' in model) {
      for (const node of el.content) {
        if (node.kind === 'text' ? NOT_XML_SPACE.test(node.value) : node.kind === 'pi') {
          throw violation(`${path} may only contain elements`);
        }
      }
      const result = this.match(model.complex.content, el.children, 0, path);
      if (typeof result !== 'number') this.fail(el, result, path);
      else if (result < el.children.length) this.fail(el, { index: result, expected: '' }, path);
      return;
    }
    const simple = model.simple;
    if (el.children.length > 0) throw violation(`${path} may not contain elements`);
    for (const node of el.content) if (node.kind === 'pi') throw violation(`${path} may not contain elements`);
    let value = el.text;
    if (simple.builtin !== 'string') {
      value = value.replace(/[ \t\n\r]+/g, ' ').trim();
      el.text = value;
    }
    this.checkValue(simple, value, path);
  }

  private checkValue(type: CompiledSimpleType, value: string, path: string): void {
    if (!lexicallyValid(type.builtin, value)) throw violation(`${path} is not a valid xs:${type.builtin}`);
    if (type.length !== undefined || type.minLength !== undefined || type.maxLength !== undefined) {
      const length = SURROGATE.test(value) ? Array.from(value).length : value.length;
      if (type.length !== undefined && length !== type.length) throw violation(`${path} must be ${type.length} characters`);
      if (type.minLength !== undefined && length < type.minLength) throw violation(`${path} must be at least ${type.minLength} characters`);
      if (type.maxLength !== undefined && length > type.maxLength) throw violation(`${path} may be at most ${type.maxLength} characters`);
    }
    if (type.minInclusive !== undefined || type.maxInclusive !== undefined) {
      const n = Number(value);
      if (type.minInclusive !== undefined && !(n >= type.minInclusive)) throw violation(`${path} must be at least ${type.minInclusive}`);
      if (type.maxInclusive !== undefined && !(n <= type.maxInclusive)) throw violation(`${path} must be at most ${type.maxInclusive}`);
    }
    for (const step of type.patterns) {
      if (!step.some((re) => re.test(value))) throw violation(`${path} does not match the pattern of its type`);
    }
    if (type.enumeration && !type.enumeration.includes(value)) {
      throw violation(`${path} must be one of ${type.enumeration.join(', ')}`);
    }
  }

  private fail(el: XmlElement, failure: Failure, path: string): never {
    const found = el.children[failure.index];
    const expected = failure.expected;
    if (found && expected !== '' && expected === found.local && found.uri !== this.schema.targetNamespace) {
      throw xmlError('XML_WRONG_NAMESPACE', `${path}/${expected} is in the wrong namespace`);
    }
    if (!found) throw violation(`${path}: expected <${expected}>`);
    if (expected === '') throw violation(`${path}: unexpected ${nameOf(found)}`);
    throw violation(`${path}: expected <${expected}>, found ${nameOf(found)}`);
  }

  /** Matches `p` against children from `i`: the index after the match, or why it failed. */
  private match(p: Particle, children: XmlElement[], i: number, path: string): number | Failure {
    const max = p.max === -1 ? Infinity : p.max;
    if (p.kind === 'element') {
      let count = 0;
      while (count < max && i < children.length && children[i].local === p.name && children[i].uri === this.schema.targetNamespace) {
        this.element(children[i], p.type, `${path}/${p.name}`);
        i++;
        count++;
      }
      return count < p.min ? { index: i, expected: p.name } : i;
    }
    if (p.kind === 'any') {
      let count = 0;
      while (count < max && i < children.length && this.anyAllows(p, children[i].uri)) {
        i++; // lax: we hold no declarations for foreign namespaces, so their content is not validated here
        count++;
      }
      return count < p.min ? { index: i, expected: 'an element of another namespace' } : i;
    }
    let count = 0;
    while (count < max) {
      const start = i;
      const result = p.kind === 'sequence' ? this.sequence(p.items, children, i, path) : this.choice(p.items, children, i, path);
      if (typeof result !== 'number') {
        if (count >= p.min && result.index === start) return start;
        return result;
      }
      i = result;
      count++;
      if (i === start) break; // matched empty: repeating would not progress
    }
    return i;
  }

  private sequence(items: Particle[], children: XmlElement[], i: number, path: string): number | Failure {
    for (const item of items) {
      const result = this.match(item, children, i, path);
      if (typeof result !== 'number') return result;
      i = result;
    }
    return i;
  }

  private choice(items: Particle[], children: XmlElement[], i: number, path: string): number | Failure {
    let empty = false;
    let failure: Failure | undefined;
    for (const item of items) {
      const result = this.match(item, children, i, path);
      if (typeof result === 'number') {
        if (result > i) return result;
        empty = true;
      } else if (!failure || result.index > failure.index) failure = result;
    }
    return empty ? i : (failure ?? { index: i, expected: '' });
  }

  private anyAllows(p: Extract<Particle, { kind: 'any' }>, uri: string): boolean {
    if (p.otherThan !== undefined) return uri !== p.otherThan && uri !== '';
    return p.namespaces.includes('##any') || p.namespaces.includes(uri);
  }
}
