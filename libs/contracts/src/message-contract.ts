import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
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

/**
 * One definition per message: the topic it travels on and the class that validates it.
 * Producers call `serialize` and consumers call `parse`, so both ends check the same rules.
 */
export class MessageContract<T extends object> {
  constructor(
    readonly topic: TopicSpec,
    private readonly cls: new () => T,
  ) {}

  validate(value: unknown): T {
    if (typeof value !== 'object' || value === null) {
      throw new ContractViolation(this.topic.name, ['not a JSON object']);
    }
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
