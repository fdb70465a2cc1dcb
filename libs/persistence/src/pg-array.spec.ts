import { pgArray } from './pg-array';

// node-postgres's own serialisation of a parameter (untyped internals): the reference pgArray must equal.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

describe('pgArray', () => {
  it.each([
    [[]],
    [['a']],
    [['0f8fad5b-d9cb-469f-a165-70867728950e', '7c9e6679-7425-40de-944b-e07fc1f90ae7']],
    [['with "quotes"', 'back\\slash', 'both \\"', 'comma, {braces}', ' spaces ', 'NULL', '']],
    [['Zoë d\'Éntrée', '072-5550101', null, undefined, '2026-11-23']],
  ])('writes %j as node-postgres does', (values) => {
    expect(pgArray(values)).toBe(prepareValue(values));
  });

  it('reads back element for element through PostgreSQL syntax (quoted, escaped, NULL)', () => {
    expect(pgArray(['a"b', 'c\\d', null])).toBe('{"a\\"b","c\\\\d",NULL}');
  });
});
