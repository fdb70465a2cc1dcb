import { COLUMNS, DIMENSION_LABELS, groupLabel, periodLabel, shownCells, type FigureRow, type FiguresForm } from './figures-model';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, semicolon or line break, quotes
 * doubled. A field that a spreadsheet would take for a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe, so opening the export can never run anything.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Lines joined with CRLF, ending with one. */
export function csvLines(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The Figures table as CSV: the same (suppressed) cells as the page, then the total. */
export function figuresCsv(form: FiguresForm, rows: FigureRow[], total: FigureRow): string {
  const head = ['period', DIMENSION_LABELS[form.dimension], ...COLUMNS.map((c) => c.label)];
  return csvLines([
    head,
    ...rows.map((r) => [periodLabel(r.period, form.grouping), groupLabel(form.dimension, r.group), ...shownCells(r.counts)]),
    [`${form.from} to ${form.to}`, 'total', ...shownCells(total.counts)],
  ]);
}
