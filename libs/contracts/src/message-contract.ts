import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError, type ValidationArguments } from 'class-validator';
import type { TopicSpec } from './topics';

export class ContractViolation extends Error {
  constructor(
    readonly topic: string,
    readonly problems: string[],
  ) {
    super(`Message on ${topic} violates its contract: ${problems.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${m}`),
    ...flatten(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

type FastCheck = (value: Record<string, unknown>) => boolean;

/**
 * A fast yes/no check for a flat contract class, compiled from the same class-validator
 * metadata and calling the same constraint implementations `validateSync` calls: a message that
 * passes it passes `validateSync` (with whitelist + forbidNonWhitelisted). Anything it cannot
 * mirror exactly (nested or async validation, groups, contexts) gets no fast check. A message that
 * fails it goes through `validateSync`, which names the problems. Why: validateSync costs ~10 µs
 * per envelope and the index produces several envelopes per melding at thousands per second.
 */
function compileFastCheck(cls: new () => object): FastCheck | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(cls, '', true, false);
  const properties = new Map<string, { conditions: ((o: object, v: unknown) => boolean)[]; checks: ((o: Record<string, unknown>, v: unknown) => boolean)[] }>();
  for (const m of metadatas) {
    if (m.groups?.length || m.always || m.context) return undefined;
    let p = properties.get(m.propertyName);
    if (!p) properties.set(m.propertyName, (p = { conditions: [], checks: [] }));
    if (m.type === 'conditionalValidation') {
      p.conditions.push(m.constraints[0] as (o: object, v: unknown) => boolean);
      continue;
    }
    if (m.type !== 'customValidation' || m.validateIf) return undefined;
    const constraints = storage.getTargetValidatorConstraints(m.constraintCls);
    if (constraints.length === 0 || constraints.some((c) => c.async)) return undefined;
    for (const c of constraints) {
      const instance = c.instance;
      const property = m.propertyName;
      // One arguments object per check, refilled per call: the constraints read it synchronously, and
      // a fresh object per property per message was a sixth of what the index allocated.
      const args: ValidationArguments = { targetName: cls.name, property, object: {}, value: undefined, constraints: m.constraints };
      const holds = (o: Record<string, unknown>, v: unknown, item: unknown): boolean => {
        args.object = o;
        args.value = v;
        return instance.validate(item, args) === true;
      };
      p.checks.push(
        m.each
          ? (o, v) => {
              if (!(Array.isArray(v) || v instanceof Set || v instanceof Map)) return holds(o, v, v);
              for (const item of Array.isArray(v) ? v : [...v.values()]) if (!holds(o, v, item)) return false;
              return true;
            }
          : (o, v) => holds(o, v, v),
      );
    }
  }
  const keys = [...properties.keys()];
  const props = [...properties.values()];
  return (value) => {
    for (const key in value) if (!properties.has(key)) return false; // forbidNonWhitelisted
    next: for (let i = 0; i < keys.length; i++) {
      const p = props[i];
      const v = value[keys[i]];
      for (const c of p.conditions) if (!c(value, v)) continue next;
      for (const check of p.checks) if (!check(value, v)) return false;
    }
    return true;
  };
}

/**
 * One definition per message: the topic it travels on and the class that validates it.
 * Producers call `serialize` and consumers call `parse`, so both ends check the same rules.
 */
export class MessageContract<T extends object> {
  private fast?: FastCheck | null;

  constructor(
    readonly topic: TopicSpec,
    private readonly cls: new () => T,
  ) {}

  validate(value: unknown): T {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ContractViolation(this.topic.name, ['not a JSON object']);
    }
    // Compiled on first use: decorators have all run by then.
    if (this.fast === undefined) this.fast = compileFastCheck(this.cls) ?? null;
    if (this.fast && this.fast(value as Record<string, unknown>)) return Object.assign(new this.cls(), value);
    const instance = plainToInstance(this.cls, value);
    const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new ContractViolation(this.topic.name, flatten(errors));
    return instance;
  }

  serialize(value: T): Buffer {
    return Buffer.from(JSON.stringify(this.validate(value)));
  }

  parse(raw: Buffer | string | null): T {
    if (raw === null) throw new ContractViolation(this.topic.name, ['empty message']);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      throw new ContractViolation(this.topic.name, ['not valid JSON']);
    }
    return this.validate(json);
  }
}
