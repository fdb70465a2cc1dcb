import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_ERRORS } from './console-errors';

describe('console error codes', () => {
  it('are the README\'s table of console refusals, with the same HTTP statuses', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Console refusals'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| code')));
    const rows = [...table.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(Object.entries(CONSOLE_ERRORS).map(([code, e]) => [code, e.status]));
  });
});
