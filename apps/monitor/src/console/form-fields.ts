// Reading the console's query and form fields: what a field holds, trimmed and bounded, or nothing.

/** A text field: trimmed, at most `max` characters; undefined when absent or empty. */
export const textField = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined);

/** A time field (ISO 8601): undefined when empty, null when malformed. */
export function timeField(v: string | undefined): Date | undefined | null {
  if (!v) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
