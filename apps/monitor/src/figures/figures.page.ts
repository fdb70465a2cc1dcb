import type { Viewer } from '../access/roles';
import { layout, type Chrome } from '../console/console.pages';
import { html, query } from '../console/html';
import { COLUMNS, DIMENSION_LABELS, DIMENSIONS, GROUPINGS, SUPPRESS_BELOW, groupLabel, periodLabel, shownCells, type FigureRow, type FiguresForm } from './figures-model';

/** The Figures page: the form, the table (suppressed cells only) and the CSV link. */
export function figuresPage(chrome: Chrome & { viewer: Viewer }, form: FiguresForm, rows: FigureRow[], total: FigureRow | null, areas: string[], problem?: string): string {
  const ownArea = chrome.viewer.role === 'convenantbeheerder';
  const option = (value: string, text: string, selected: string) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`;
  const csv = `/console/figures.csv${query({ from: form.from, to: form.to, grouping: form.grouping, dimension: form.dimension, convenant: form.convenant })}`;
  return layout(
    'Figures',
    { ...chrome, active: 'figures' },
    html`<form method="get" action="/console/figures" class="search">
  <label>From <input name="from" type="date" value="${form.from}" required></label>
  <label>To <input name="to" type="date" value="${form.to}" required></label>
  <label>Per <select name="grouping">${GROUPINGS.map((g) => option(g, g, form.grouping))}</select></label>
  <label>By <select name="dimension">${DIMENSIONS.map((d) => option(d, DIMENSION_LABELS[d], form.dimension))}</select></label>
  ${
    ownArea
      ? html`<input type="hidden" name="convenant" value="${form.convenant}">`
      : html`<label>Covenant area <select name="convenant">${option('', 'all', form.convenant)}${areas.map((a) => option(a, a, form.convenant))}</select></label>`
  }
  <button type="submit">Show</button>
</form>
${problem ? html`<p class="problem" role="alert" data-code="VALIDATION_FAILED">${problem} (VALIDATION_FAILED)</p>` : ''}
${
  total
    ? html`<p>${form.convenant ? html`Covenant area ${form.convenant}` : 'All covenant areas'}, ${form.from} to ${form.to} (days in UTC), per ${form.grouping}, by ${DIMENSION_LABELS[form.dimension]}.
  Counts under ${SUPPRESS_BELOW} are shown as “&lt; ${SUPPRESS_BELOW}”; a share or rate only when both its counts are shown (“—” otherwise).
  <a href="${csv}" id="figures-csv" download>Download as CSV</a></p>
<div class="scroll"><table class="counts" id="figures"><thead><tr><th scope="col">period</th><th scope="col">${DIMENSION_LABELS[form.dimension]}</th>${COLUMNS.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
<tbody>${rows.map(
        (r) =>
          html`<tr data-period="${r.period}" data-group="${r.group}"><th scope="row">${periodLabel(r.period, form.grouping)}</th><th scope="row">${groupLabel(form.dimension, r.group)}</th>${shownCells(r.counts).map(
            (c, i) => html`<td data-column="${COLUMNS[i].key}">${c}</td>`,
          )}</tr>`,
      )}</tbody>
<tfoot><tr id="figures-total"><th scope="row">${form.from} – ${form.to}</th><th scope="row">total</th>${shownCells(total.counts).map((c, i) => html`<td data-column="${COLUMNS[i].key}">${c}</td>`)}</tr></tfoot></table></div>
${rows.length === 0 ? html`<p class="muted">No meldingen, matches or signals in this period.</p>` : ''}
<p class="muted">A melding counts on the day the index stored it, under its covenant area, the young person's municipality of residence (when the melding carries it) and its organisation's domain. A match counts on the day it was made, once in every group one of its two meldingen is in (so a cross-area match counts in both areas; groups do not add up to the total). Young people are counted once per group and period; "with a match": a melding of theirs in that group and period has a child or family match. Follow-up rate: matchsignalen whose recipient reported contact, of all matchsignalen (by the receiving melding).</p>`
    : ''
}`,
  );
}
