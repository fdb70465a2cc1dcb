import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { clientTlsOf, DEV_INDEX_ENCRYPTION, type AppStack, type DevParty, type WebhookReceiver } from '@vir/devstack';
import type { MeldingBericht, OrganisatieDomein } from '@vir/contracts';
import { sealMelding } from '@vir/xml';
import { request, type HttpAnswer } from './https-client';
import { testBsn } from './test-bsn';

// The demo's scripted scenario (`npm run demo`), shared with the tests that run it through a real
// stack: six meldingen about three young people, a match within one area, one across two areas,
// and one with the RvdK sending its own signed XML.

export interface DemoMelding {
  key: string;
  party: string;
  child: number;
  melder: { id: string; naam: string };
  organisatie: { naam: string; domein: OrganisatieDomein };
  /** The young person's municipality of residence (CBS code), when the reporter gives it. */
  woongemeente?: string;
}

export const DEMO_MELDINGEN: DemoMelding[] = [
  { key: 'A', party: 'regio-nhn', child: 1, woongemeente: '0400', melder: { id: 'nhn-017', naam: 'Anna de Vries (mentor)' }, organisatie: { naam: 'Scholengemeenschap Den Helder', domein: 'onderwijs' } },
  { key: 'B', party: 'regio-nhn', child: 1, woongemeente: '0400', melder: { id: 'nhn-231', naam: 'Bram Jansen (jeugdarts)' }, organisatie: { naam: 'GGD Hollands Noorden', domein: 'jeugdgezondheidszorg' } },
  { key: 'C', party: 'regio-nhn', child: 2, woongemeente: '0361', melder: { id: 'nhn-088', naam: 'Carla Smit (wijkteam)' }, organisatie: { naam: 'Wijkteam Alkmaar', domein: 'jeugdhulp' } },
  { key: 'D', party: 'regio-twente', child: 2, melder: { id: 'tw-402', naam: 'Dirk Bakker (leerplicht)' }, organisatie: { naam: 'Leerplicht Enschede', domein: 'onderwijs' } },
  { key: 'E', party: 'regio-twente', child: 3, woongemeente: '0153', melder: { id: 'tw-119', naam: 'Eva Mulder (huisarts)' }, organisatie: { naam: 'Huisartsenpraktijk Hengelo', domein: 'gezondheidszorg' } },
  { key: 'F', party: 'rvdk', child: 3, woongemeente: '0153', melder: { id: 'rvdk-77', naam: 'Frank Visser (raadsonderzoeker)' }, organisatie: { naam: 'Raad voor de Kinderbescherming', domein: 'politie-en-justitie' } },
];

/** Each expected signal: to the party of `to`, about `to`'s melding, naming `other`'s professional. */
export const DEMO_EXPECTED = [
  { to: 'A', other: 'B', kind: 'binnen-convenant' },
  { to: 'B', other: 'A', kind: 'binnen-convenant' },
  { to: 'C', other: 'D', kind: 'convenant-overstijgend' },
  { to: 'D', other: 'C', kind: 'convenant-overstijgend' },
  { to: 'E', other: 'F', kind: 'convenant-overstijgend (RvdK)' },
  { to: 'F', other: 'E', kind: 'convenant-overstijgend (RvdK)' },
] as const;

/** One run of the scenario: `run` (hex) makes its young people and references its own. */
export class DemoRun {
  /** The melding ids (tracking ids) by key. */
  readonly ids = new Map<string, string>();
  /** The gateway's signed Ontvangstbevestiging for each direct party's melding. */
  readonly acknowledgements: { id: string; xml: string }[] = [];
  private readonly byKey = new Map(DEMO_MELDINGEN.map((m) => [m.key, m]));

  constructor(
    private readonly stack: AppStack,
    readonly run: string,
  ) {}

  /** Sends every melding of the scenario over mutual TLS, each party with its own client certificate. */
  async sendAll(): Promise<void> {
    for (const m of DEMO_MELDINGEN) await this.send(m);
  }

  async send(m: DemoMelding): Promise<void> {
    const party = this.stack.parties.find((p) => p.name === m.party) as DevParty;
    const berichtId = randomUUID();
    this.ids.set(m.key, berichtId);
    const today = new Date().toISOString().slice(0, 10);
    const child = {
      bsn: testBsn((Number.parseInt(this.run, 16) % 1_000_000) * 10 + m.child),
      geboortedatum: `${2008 + m.child}-0${m.child}-1${m.child}`,
      ...(m.woongemeente ? { woongemeente: m.woongemeente } : {}),
    };
    const referentie = `DEMO-${this.run}-${m.key}`;
    const tls = clientTlsOf(this.stack.pki, party.name);
    let res: HttpAnswer;
    if (party.kind === 'regional') {
      res = await request(`${this.stack.urls.gateway}/v1/meldingen`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ berichtId, referentie, jeugdige: child, meldingsdatum: today, melder: m.melder, organisatie: m.organisatie }),
        tls,
      });
    } else {
      // The RvdK's own system: it builds, encrypts and signs the national XML itself.
      const { pki } = this.stack;
      const melding: MeldingBericht = {
        berichtId,
        afzenderOin: party.oin,
        verzonden: new Date().toISOString(),
        convenant: party.convenant,
        referentie,
        jeugdige: child,
        ouders: [],
        meldingsdatum: today,
        melder: m.melder,
        organisatie: m.organisatie,
      };
      const xml = sealMelding(melding, {
        signer: { oin: party.oin, privateKey: createPrivateKey(readFileSync(pki.key(party.name))), certificatePem: readFileSync(pki.cert(party.name), 'utf8') },
        recipientCertificatePem: readFileSync(pki.cert(DEV_INDEX_ENCRYPTION.name), 'utf8'),
      });
      res = await request(`${this.stack.urls.gateway}/v1/berichten`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml, tls });
    }
    if (res.status !== 202) throw new Error(`melding ${m.key} (${m.party}) refused: ${res.status} ${res.text}`);
    if ((res.headers['content-type'] ?? '').includes('xml')) this.acknowledgements.push({ id: berichtId, xml: res.text });
  }

  /** The delivery of an expected signal, if it has arrived. */
  delivery(webhooks: WebhookReceiver, e: (typeof DEMO_EXPECTED)[number]) {
    const to = this.byKey.get(e.to)!;
    return webhooks.deliveries.find((d) => d.party === to.party && d.body.includes(`DEMO-${this.run}-${e.to}`) && d.body.includes(this.byKey.get(e.other)!.melder.naam));
  }

  allDelivered(webhooks: WebhookReceiver): boolean {
    return DEMO_EXPECTED.every((e) => this.delivery(webhooks, e));
  }

  /** A party's follow-up report of the signal it received for `to`'s melding (POST /v1/signalen/{id}/opvolging). */
  async reportFollowUp(webhooks: WebhookReceiver, to: string, report: { contact: boolean; redenCode?: string }): Promise<HttpAnswer> {
    const e = DEMO_EXPECTED.find((x) => x.to === to)!;
    const d = this.delivery(webhooks, e);
    if (!d) throw new Error(`no delivered signal for melding ${to}`);
    return request(`${this.stack.urls.gateway}/v1/signalen/${d.signalId}/opvolging`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...report, datum: new Date().toISOString().slice(0, 10) }),
      tls: clientTlsOf(this.stack.pki, this.byKey.get(to)!.party),
    });
  }
}
