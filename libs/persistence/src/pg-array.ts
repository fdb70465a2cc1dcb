const SPECIAL = /["\\]/;

/**
 * A text-array parameter as PostgreSQL's array literal (`{"a","b",NULL}`), for `$n::text[]` (or
 * `::uuid[]`, `::date[]`: PostgreSQL casts each element). node-postgres builds the same literal
 * from a JS array one concatenation per element; for the index's chunk statements (a few thousand
 * elements per chunk) that was a tenth of everything the index allocated per melding, and garbage
 * to collect. Elements are quoted, with `"` and `\` escaped; null and undefined become NULL.
 */
export function pgArray(values: readonly (string | null | undefined)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = v === null || v === undefined ? 'NULL' : SPECIAL.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : `"${v}"`;
  }
  return `{${parts.join(',')}}`;
}
