import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const name = `${prefix}${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((msg) => `${name}: ${msg}`);
    return [...own, ...describe(e.children ?? [], `${name}.`)];
  });
}

/**
 * Validates an environment-like record once at start: typed, converted (numbers, booleans)
 * and failing fast with every problem listed. Libraries receive the result, never process.env.
 */
export function loadConfig<T extends object>(cls: new () => T, env: Record<string, string | undefined>): T {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const instance = plainToInstance(cls, cleaned, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(describe(errors));
  return instance;
}
