import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from './error-codes';

describe('error codes', () => {
  it('are documented in the README exactly as defined (code, status, meaning)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('## Configuration'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    const defined = Object.entries(ERROR_CODES).map(([code, spec]) => [code, spec.status, spec.description]);
    expect(rows).toEqual(defined);
  });
});
