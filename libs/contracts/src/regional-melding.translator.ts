import type { MeldingBericht } from './national-messages';
import type { RegionaleMeldingDto } from './regional-melding.dto';

/** The sending party as far as the translation needs it. */
export interface MeldingSender {
  oin: string;
  convenant: string;
}

/**
 * Regional JSON (v1) → national melding. The covenant area is the tenant's, not the client's
 * say. Shared by the gateway and the operators' CLI (`vir render`), so both produce the same XML.
 */
export function toMeldingBericht(dto: RegionaleMeldingDto, party: MeldingSender, now: Date): MeldingBericht {
  return {
    berichtId: dto.berichtId,
    afzenderOin: party.oin,
    verzonden: now.toISOString(),
    convenant: party.convenant,
    referentie: dto.referentie,
    jeugdige: {
      bsn: dto.jeugdige.bsn,
      geboortedatum: dto.jeugdige.geboortedatum,
      ...(dto.jeugdige.woongemeente ? { woongemeente: dto.jeugdige.woongemeente } : {}),
    },
    ouders: (dto.ouders ?? []).map((o) => ({ bsn: o.bsn })),
    meldingsdatum: dto.meldingsdatum,
    melder: {
      id: dto.melder.id,
      naam: dto.melder.naam,
      ...(dto.melder.telefoon ? { telefoon: dto.melder.telefoon } : {}),
      ...(dto.melder.email ? { email: dto.melder.email } : {}),
    },
    organisatie: { naam: dto.organisatie.naam, domein: dto.organisatie.domein },
  };
}
