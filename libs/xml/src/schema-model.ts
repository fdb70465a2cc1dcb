// The compiled form of an XSD (see xsd-compiler.ts): plain JSON, so the generated module is
// data only and the validator needs no XML Schema machinery at run time.

/** maxOccurs; -1 = unbounded. */
export type Occurs = { min: number; max: number };

export type Particle =
  | ({ kind: 'element'; name: string; type: string } & Occurs)
  | ({ kind: 'any'; namespaces: string[]; otherThan?: string } & Occurs)
  | ({ kind: 'sequence' | 'choice'; items: Particle[] } & Occurs);

export interface ComplexTypeModel {
  /** Element-only content; an empty sequence for an empty element. */
  content: Particle;
}

export type BuiltinType = 'string' | 'token' | 'date' | 'dateTime' | 'integer' | 'nonNegativeInteger' | 'positiveInteger' | 'boolean';

export interface SimpleTypeModel {
  builtin: BuiltinType;
  /** Per derivation step, the step's patterns (OR-ed); steps are AND-ed. JS sources for the `v` flag. */
  patterns: string[][];
  enumeration?: string[];
  length?: number;
  minLength?: number;
  maxLength?: number;
  minInclusive?: number;
  maxInclusive?: number;
}

export interface CompiledSchema {
  targetNamespace: string;
  version: string;
  /** Global elements: local name → type name. */
  elements: Record<string, string>;
  /** Types by name: complex ones here, simple ones (and builtins as `xs:…`) in simpleTypes. */
  complexTypes: Record<string, ComplexTypeModel>;
  simpleTypes: Record<string, SimpleTypeModel>;
}
