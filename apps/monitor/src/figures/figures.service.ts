import type { Clock } from '@vir/domain';
import type { AuditLog } from '../access/audit.log';
import type { PartyDirectory } from '../access/party-directory';
import type { Viewer } from '../access/roles';
import { figuresCsv } from './figures-csv';
import { csvFileName, parseFiguresForm, type FigureRow, type FiguresForm } from './figures-model';
import type { FiguresQueries } from './figures.queries';

export type FiguresAnswer =
  | { kind: 'figures'; form: FiguresForm; rows: FigureRow[]; total: FigureRow; areas: string[] }
  | { kind: 'invalid'; form: FiguresForm; problems: string[]; areas: string[] }
  | { kind: 'forbidden' };

/**
 * The Figures page's use case: the form, who may see which area (a convenantbeheerder only their
 * own; another area asked for by URL is refused and audited), the numbers, and the audit entry.
 */
export class FiguresService {
  constructor(
    private readonly queries: FiguresQueries,
    private readonly audit: AuditLog,
    private readonly directory: PartyDirectory,
    private readonly clock: Clock,
  ) {}

  /** The covenant areas of the known parties, for the form. */
  areas(viewer: Viewer): string[] {
    if (viewer.role === 'convenantbeheerder') return viewer.convenant ? [viewer.convenant] : [];
    return [...new Set(this.directory.parties.map((p) => p.convenant))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }

  async figures(viewer: Viewer, q: Record<string, unknown>, action: 'view-figures' | 'export-figures'): Promise<FiguresAnswer> {
    const now = this.clock.now();
    const { form, problems } = parseFiguresForm(q, now.toISOString().slice(0, 10));
    if (viewer.role === 'convenantbeheerder') {
      if (!viewer.convenant || (form.convenant && form.convenant !== viewer.convenant)) {
        await this.audit.record({ at: now, actor: viewer.username, action, target: `convenant:${form.convenant || '-'}`, outcome: 'forbidden' });
        return { kind: 'forbidden' };
      }
      form.convenant = viewer.convenant;
    }
    if (problems.length > 0) return { kind: 'invalid', form, problems, areas: this.areas(viewer) };
    const range = { from: form.from, to: form.to, ...(form.convenant ? { convenant: form.convenant } : {}) };
    const [rows, total] = await Promise.all([this.queries.figures({ ...range, grouping: form.grouping, dimension: form.dimension }), this.queries.total(range)]);
    await this.audit.record({ at: now, actor: viewer.username, action, target: form.convenant ? `convenant:${form.convenant}` : null, outcome: 'ok', detail: { ...form, rows: rows.length } });
    return { kind: 'figures', form, rows, total, areas: this.areas(viewer) };
  }

  csv(a: Extract<FiguresAnswer, { kind: 'figures' }>): { fileName: string; body: string } {
    return { fileName: csvFileName(a.form), body: figuresCsv(a.form, a.rows, a.total) };
  }
}
