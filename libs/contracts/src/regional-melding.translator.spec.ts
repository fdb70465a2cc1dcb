import { toMeldingBericht } from './regional-melding.translator';
import type { RegionaleMeldingDto } from './regional-melding.dto';

const dto = {
  berichtId: '0b6f8e4c-8a57-4c1e-9a43-2f4f3c7f1a01',
  referentie: 'NHN-1',
  jeugdige: { bsn: '111222333', geboortedatum: '2012-05-04' },
  meldingsdatum: '2025-03-01',
  melder: { id: 'nhn-017', naam: 'Anna', telefoon: '', email: 'anna@example.nl' },
  organisatie: { naam: 'School', domein: 'onderwijs' },
} as RegionaleMeldingDto;

describe('toMeldingBericht', () => {
  it("takes sender and covenant area from the party, the time from the caller, and drops empty contact fields", () => {
    const now = new Date('2025-03-01T10:00:00Z');
    expect(toMeldingBericht(dto, { oin: '00000003273416560001', convenant: '7' }, now)).toEqual({
      berichtId: dto.berichtId,
      afzenderOin: '00000003273416560001',
      verzonden: '2025-03-01T10:00:00.000Z',
      convenant: '7',
      referentie: 'NHN-1',
      jeugdige: { bsn: '111222333', geboortedatum: '2012-05-04' },
      ouders: [],
      meldingsdatum: '2025-03-01',
      melder: { id: 'nhn-017', naam: 'Anna', email: 'anna@example.nl' },
      organisatie: { naam: 'School', domein: 'onderwijs' },
    });
  });

  it('carries the optional municipality of residence', () => {
    const m = toMeldingBericht({ ...dto, jeugdige: { ...dto.jeugdige, woongemeente: '0363' } }, { oin: '00000003273416560001', convenant: '7' }, new Date());
    expect(m.jeugdige).toEqual({ bsn: '111222333', geboortedatum: '2012-05-04', woongemeente: '0363' });
  });
});
