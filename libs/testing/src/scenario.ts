import { randomUUID } from 'node:crypto';
import type { OrganisatieDomein } from '@vir/contracts';

/** A regional tenant's melding (JSON v1) with sensible defaults, for tests. */
export function regionalMelding(o: {
  bsn: string;
  melderId: string;
  naam?: string;
  referentie?: string;
  geboortedatum?: string;
  meldingsdatum?: string;
  domein?: OrganisatieDomein;
}): Record<string, unknown> & { berichtId: string; referentie: string } {
  const berichtId = randomUUID();
  return {
    berichtId,
    referentie: o.referentie ?? `REF-${berichtId.slice(0, 8)}`,
    jeugdige: { bsn: o.bsn, geboortedatum: o.geboortedatum ?? '2012-04-01' },
    meldingsdatum: o.meldingsdatum ?? new Date().toISOString().slice(0, 10),
    melder: { id: o.melderId, naam: o.naam ?? `Professional ${o.melderId}`, telefoon: '072-5550101', email: `${o.melderId}@example.nl` },
    organisatie: { naam: 'Testorganisatie', domein: o.domein ?? 'onderwijs' },
  };
}
