import { randomBytes, randomUUID, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { clientTlsOf, onShutdown, readWholeTopic, startDevEnvironment, DEV_GATEWAY, DEV_INDEX_ENCRYPTION, type DevEnvironment, type DevParty } from '@vir/devstack';
import { request, testBsn, type HttpAnswer } from '@vir/testing';
import { sealMelding } from '@vir/xml';
import { Contracts, TOPICS, type MeldingBericht, type OrganisatieDomein } from '@vir/contracts';
import { ROOT_DIR, externalInfrastructure } from './cli-paths';

// `npm run demo`: a scripted scenario over the real stack; exits 0 only when every expected
// matchsignaal was delivered, and names what is missing otherwise.

interface DemoMelding {
  key: string;
  party: string;
  child: number;
  melder: { id: string; naam: string };
  organisatie: { naam: string; domein: OrganisatieDomein };
}

const MELDINGEN: DemoMelding[] = [
  { key: 'A', party: 'regio-nhn', child: 1, melder: { id: 'nhn-017', naam: 'Anna de Vries (mentor)' }, organisatie: { naam: 'Scholengemeenschap Den Helder', domein: 'onderwijs' } },
  { key: 'B', party: 'regio-nhn', child: 1, melder: { id: 'nhn-231', naam: 'Bram Jansen (jeugdarts)' }, organisatie: { naam: 'GGD Hollands Noorden', domein: 'jeugdgezondheidszorg' } },
  { key: 'C', party: 'regio-nhn', child: 2, melder: { id: 'nhn-088', naam: 'Carla Smit (wijkteam)' }, organisatie: { naam: 'Wijkteam Alkmaar', domein: 'jeugdhulp' } },
  { key: 'D', party: 'regio-twente', child: 2, melder: { id: 'tw-402', naam: 'Dirk Bakker (leerplicht)' }, organisatie: { naam: 'Leerplicht Enschede', domein: 'onderwijs' } },
  { key: 'E', party: 'regio-twente', child: 3, melder: { id: 'tw-119', naam: 'Eva Mulder (huisarts)' }, organisatie: { naam: 'Huisartsenpraktijk Hengelo', domein: 'gezondheidszorg' } },
  { key: 'F', party: 'rvdk', child: 3, melder: { id: 'rvdk-77', naam: 'Frank Visser (raadsonderzoeker)' }, organisatie: { naam: 'Raad voor de Kinderbescherming', domein: 'politie-en-justitie' } },
];

/** Each expected signal: to the party of `to`, about `to`'s melding, naming `other`'s professional. */
const EXPECTED = [
  { to: 'A', other: 'B', kind: 'binnen-convenant' },
  { to: 'B', other: 'A', kind: 'binnen-convenant' },
  { to: 'C', other: 'D', kind: 'convenant-overstijgend' },
  { to: 'D', other: 'C', kind: 'convenant-overstijgend' },
  { to: 'E', other: 'F', kind: 'convenant-overstijgend (RvdK)' },
  { to: 'F', other: 'E', kind: 'convenant-overstijgend (RvdK)' },
];

const TIMEOUT_MS = 60_000;

/** Signed acknowledgements the gateway answered direct XML with. */
const acknowledgements: { id: string; xml: string }[] = [];

async function send(env: DevEnvironment, m: DemoMelding, run: string, ids: Map<string, string>): Promise<void> {
  const party = env.stack.parties.find((p) => p.name === m.party) as DevParty;
  const berichtId = randomUUID();
  ids.set(m.key, berichtId);
  const today = new Date().toISOString().slice(0, 10);
  const child = { bsn: testBsn(Number.parseInt(run, 16) % 1_000_000 * 10 + m.child), geboortedatum: `${2008 + m.child}-0${m.child}-1${m.child}` };
  const referentie = `DEMO-${run}-${m.key}`;
  // Every party connects with mutual TLS: its own client certificate is its only credential.
  const tls = clientTlsOf(env.stack.pki, party.name);
  let res: HttpAnswer;
  if (party.kind === 'regional') {
    res = await request(`${env.stack.urls.gateway}/v1/meldingen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ berichtId, referentie, jeugdige: child, meldingsdatum: today, melder: m.melder, organisatie: m.organisatie }),
      tls,
    });
  } else {
    // The RvdK's own system: it builds, encrypts and signs the national XML itself.
    const { pki } = env.stack;
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
    res = await request(`${env.stack.urls.gateway}/v1/berichten`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml, tls });
  }
  const answer = res.text;
  if (res.status !== 202) throw new Error(`melding ${m.key} (${m.party}) refused: ${res.status} ${answer}`);
  // A direct party is answered with the gateway's signed Ontvangstbevestiging.
  if ((res.headers['content-type'] ?? '').includes('xml')) acknowledgements.push({ id: berichtId, xml: answer });
}

/** `--dump DIR`: every national XML message the demo exchanged, one file each. */
async function dump(env: DevEnvironment, dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const write = (kind: string, id: string, xml: string) => writeFileSync(join(dir, `${String(++n).padStart(2, '0')}-${kind}-${id}.xml`), xml);
  for (const r of await readWholeTopic(env.infra.kafkaBrokers, TOPICS.inbound.name)) {
    const m = Contracts.inbound.parse(r.value);
    write(m.type, m.messageId, m.xml);
  }
  for (const r of await readWholeTopic(env.infra.kafkaBrokers, TOPICS.outbound.name)) {
    const m = Contracts.outbound.parse(r.value);
    write(m.type, m.messageId, m.xml);
  }
  for (const a of acknowledgements) write('ontvangstbevestiging', a.id, a.xml);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { dump: { type: 'string' } }, allowPositionals: false });
  const started = Date.now();
  const env = await startDevEnvironment({ rootDir: ROOT_DIR, log: (l) => console.log(l), instance: 'demo', ephemeral: true, ...externalInfrastructure(process.env) });
  onShutdown(() => env.stop());
  try {
    const run = randomBytes(3).toString('hex');
    const ids = new Map<string, string>();
    console.log(`Stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s; sending ${MELDINGEN.length} meldingen over mutual TLS to ${env.stack.urls.gateway} (run ${run})…`);
    for (const m of MELDINGEN) await send(env, m, run, ids);
    const byKey = new Map(MELDINGEN.map((m) => [m.key, m]));
    const found = (e: (typeof EXPECTED)[number]) =>
      env.webhooks.deliveries.find((d) => d.party === byKey.get(e.to)!.party && d.body.includes(`DEMO-${run}-${e.to}`) && d.body.includes(byKey.get(e.other)!.melder.naam));
    await env.webhooks.waitFor(() => EXPECTED.every(found), TIMEOUT_MS).catch(() => undefined);
    console.log('\nExpected matchsignalen:');
    let missing = 0;
    for (const e of EXPECTED) {
      const d = found(e);
      const to = byKey.get(e.to)!;
      if (!d) missing++;
      console.log(`  ${d ? 'delivered' : 'MISSING  '}  to ${to.party.padEnd(12)} about melding ${e.to}, other professional ${byKey.get(e.other)!.melder.naam} — ${e.kind}${d ? ` (${d.contentType.split(';')[0]}, signal ${d.signalId})` : ''}`);
    }
    const extra = env.webhooks.deliveries.length - (EXPECTED.length - missing);
    if (extra > 0) console.log(`  unexpected extra deliveries: ${extra}`);
    const notFromGateway = env.webhooks.deliveries.filter((d) => d.clientOin !== DEV_GATEWAY.oin).length;
    if (notFromGateway > 0) console.log(`  deliveries without the gateway's client certificate: ${notFromGateway}`);
    const traceOf = async (key: string) => {
      const res = await fetch(`${env.stack.urls.monitor}/v1/traces/${ids.get(key)}`);
      return res.ok ? ((await res.json()) as { steps: { step: string }[] }).steps.length : 0;
    };
    console.log(`\nTraces (monitor ${env.stack.urls.monitor}/v1/traces/<id>):`);
    for (const m of MELDINGEN) console.log(`  melding ${m.key}  ${ids.get(m.key)}  ${await traceOf(m.key)} flow events`);
    if (values.dump) console.log(`\nWrote ${await dump(env, resolve(values.dump))} national XML messages to ${resolve(values.dump)}`);
    console.log(`\n${EXPECTED.length - missing} of ${EXPECTED.length} expected matchsignalen delivered in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (missing > 0) console.error(`FAILED: ${missing} matchsignaal(en) not delivered within ${TIMEOUT_MS / 1000} s (see MISSING above).`);
    return missing === 0 && extra === 0 && notFromGateway === 0 ? 0 : 1;
  } finally {
    await env.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
