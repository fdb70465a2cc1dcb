import type { FlowEvent } from '@vir/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { figureRows } from './figure-events';

/**
 * Writes the figure rows of a chunk's new events, inside the read model's transaction (so a
 * redelivered chunk changes nothing here either). Rows that arrive before their melding's or
 * signal's own event (another partition) are merged when it comes.
 */
export async function ingestFigures(em: EntityManager, events: FlowEvent[], shard: number): Promise<void> {
  if (!events.some((e) => e.step === 'index.matched' || e.step === 'index.signal-queued' || e.step === 'gateway.follow-up-reported')) return;
  const rows = figureRows(events);
  if (rows.meldingen.length > 0) {
    await em.query(
      `INSERT INTO figure_melding AS f (message_id, day, convenant, gemeente, domein, subject, matched, touched)
       SELECT t."messageId", t.day, t.convenant, coalesce(t.gemeente, ''), t.domein, t.subject, t.matched, t.touched
       FROM json_to_recordset($1::json)
         AS t("messageId" uuid, day date, convenant text, gemeente text, domein text, subject text, matched boolean, touched date)
       ON CONFLICT (message_id) DO UPDATE SET
         day = coalesce(EXCLUDED.day, f.day),
         convenant = coalesce(EXCLUDED.convenant, f.convenant),
         gemeente = CASE WHEN EXCLUDED.day IS NOT NULL THEN EXCLUDED.gemeente ELSE f.gemeente END,
         domein = coalesce(EXCLUDED.domein, f.domein),
         subject = coalesce(EXCLUDED.subject, f.subject),
         matched = f.matched OR EXCLUDED.matched,
         touched = greatest(f.touched, EXCLUDED.touched)`,
      [JSON.stringify(rows.meldingen)],
    );
  }
  if (rows.matches.length > 0) {
    await em.query(
      `INSERT INTO figure_match_day AS f (day, convenant, gemeente, domein, soort, reikwijdte, side, shard, count)
       SELECT t.day, t.convenant, t.gemeente, t.domein, t.soort, t.reikwijdte, t.side, $2::smallint, t.count
       FROM json_to_recordset($1::json)
         AS t(day date, convenant text, gemeente text, domein text, soort text, reikwijdte text, side smallint, count bigint)
       ON CONFLICT (day, convenant, gemeente, domein, soort, reikwijdte, side, shard) DO UPDATE SET count = f.count + EXCLUDED.count`,
      [JSON.stringify(rows.matches), shard],
    );
  }
  if (rows.signals.length > 0) {
    await em.query(
      `INSERT INTO figure_signal AS f (signal_id, day, convenant, gemeente, domein, followed_up, contact, touched)
       SELECT t."signalId", t.day, t.convenant, coalesce(t.gemeente, ''), t.domein, t."followedUp", t.contact, t.touched
       FROM json_to_recordset($1::json)
         AS t("signalId" uuid, day date, convenant text, gemeente text, domein text, "followedUp" boolean, contact boolean, touched date)
       ON CONFLICT (signal_id) DO UPDATE SET
         day = coalesce(EXCLUDED.day, f.day),
         convenant = coalesce(EXCLUDED.convenant, f.convenant),
         gemeente = CASE WHEN EXCLUDED.day IS NOT NULL THEN EXCLUDED.gemeente ELSE f.gemeente END,
         domein = coalesce(EXCLUDED.domein, f.domein),
         followed_up = f.followed_up OR EXCLUDED.followed_up,
         contact = CASE WHEN EXCLUDED.followed_up THEN EXCLUDED.contact ELSE f.contact END,
         touched = greatest(f.touched, EXCLUDED.touched)`,
      [JSON.stringify(rows.signals)],
    );
  }
}

/** Retention: figure rows of days before the aggregate cutoff (waiting rows: written before it), in slices. */
export async function deleteOldFigures(ds: DataSource, cutoff: Date, sliceRows: number): Promise<number> {
  const day = cutoff.toISOString().slice(0, 10);
  let total = 0;
  for (const sql of [
    // By the melding's (signal's) day; a row still waiting for its own event (no day) by when it was written.
    `DELETE FROM figure_melding WHERE message_id IN (SELECT message_id FROM figure_melding WHERE day < $1 LIMIT ${sliceRows})`,
    `DELETE FROM figure_melding WHERE message_id IN (SELECT message_id FROM figure_melding WHERE day IS NULL AND touched < $1 LIMIT ${sliceRows})`,
    `DELETE FROM figure_signal WHERE signal_id IN (SELECT signal_id FROM figure_signal WHERE day < $1 LIMIT ${sliceRows})`,
    `DELETE FROM figure_signal WHERE signal_id IN (SELECT signal_id FROM figure_signal WHERE day IS NULL AND touched < $1 LIMIT ${sliceRows})`,
    `DELETE FROM figure_match_day WHERE ctid IN (SELECT ctid FROM figure_match_day WHERE day < $1 LIMIT ${sliceRows})`,
  ]) {
    for (;;) {
      const [, count]: [unknown, number] = await ds.query(sql, [day]);
      total += count;
      if (count < sliceRows) break;
    }
  }
  return total;
}
