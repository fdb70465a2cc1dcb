import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { onShutdown, readWholeTopic, startDevEnvironment, DEV_GATEWAY, type DevEnvironment } from '@vir/devstack';
import { DEMO_EXPECTED, DEMO_MELDINGEN, DemoRun } from '@vir/testing';
import { Contracts, TOPICS } from '@vir/contracts';
import { ROOT_DIR, externalInfrastructure } from './cli-paths';
import { resetDemoAdministrator } from './vir/account-commands';

// `npm run demo`: a scripted scenario (DEMO_MELDINGEN in @vir/testing) over the real stack; exits 0
// only when every expected matchsignaal was delivered, and names what is missing otherwise. With
// `--keep` the stack stays up afterwards for the console, until Ctrl-C or SIGTERM.

const TIMEOUT_MS = 60_000;

/** `--dump DIR`: every national XML message the demo exchanged, one file each. */
async function dump(env: DevEnvironment, demo: DemoRun, dir: string): Promise<number> {
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
  for (const a of demo.acknowledgements) write('ontvangstbevestiging', a.id, a.xml);
  return n;
}

/** `--keep`: a few follow-up reports (for the Figures page), the console's address and an administrator. */
async function keepRunning(env: DevEnvironment, demo: DemoRun): Promise<void> {
  try {
    await demo.reportFollowUp(env.webhooks, 'A', { contact: true });
    await demo.reportFollowUp(env.webhooks, 'B', { contact: true });
    await demo.reportFollowUp(env.webhooks, 'C', { contact: false, redenCode: 'GEEN_REACTIE' });
  } catch (err) {
    console.error(`(follow-up reports not sent: ${err instanceof Error ? err.message : String(err)})`);
  }
  const admin = await resetDemoAdministrator(env.infra.databaseUrl, 'vir_monitor');
  const { urls } = env.stack;
  console.log(`
The stack keeps running (--keep):
  console   ${urls.monitor}/console   sign in as ${admin.username} / ${admin.password}
            Figures: ${urls.monitor}/console/figures?grouping=day&dimension=convenant
  gateway   ${urls.gateway} (mutual TLS), operators ${env.stack.gatewayAdminUrl}
  kafka     ${env.infra.kafkaBrokers}
  postgres  ${env.infra.databaseUrl.replace(/\/\/[^@]*@/, '//')}

Ctrl-C (or SIGTERM) stops everything.`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { dump: { type: 'string' }, keep: { type: 'boolean' } }, allowPositionals: false });
  const started = Date.now();
  const env = await startDevEnvironment({ rootDir: ROOT_DIR, log: (l) => console.log(l), instance: 'demo', ephemeral: true, ...externalInfrastructure(process.env) });
  onShutdown(() => env.stop(), { log: (l) => console.error(l) });
  let keep = false;
  try {
    const demo = new DemoRun(env.stack, randomBytes(3).toString('hex'));
    console.log(`Stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s; sending ${DEMO_MELDINGEN.length} meldingen over mutual TLS to ${env.stack.urls.gateway} (run ${demo.run})…`);
    await demo.sendAll();
    const byKey = new Map(DEMO_MELDINGEN.map((m) => [m.key, m]));
    await env.webhooks.waitFor(() => demo.allDelivered(env.webhooks), TIMEOUT_MS).catch(() => undefined);
    console.log('\nExpected matchsignalen:');
    let missing = 0;
    for (const e of DEMO_EXPECTED) {
      const d = demo.delivery(env.webhooks, e);
      const to = byKey.get(e.to)!;
      if (!d) missing++;
      console.log(`  ${d ? 'delivered' : 'MISSING  '}  to ${to.party.padEnd(12)} about melding ${e.to}, other professional ${byKey.get(e.other)!.melder.naam} — ${e.kind}${d ? ` (${d.contentType.split(';')[0]}, signal ${d.signalId})` : ''}`);
    }
    const extra = env.webhooks.deliveries.length - (DEMO_EXPECTED.length - missing);
    if (extra > 0) console.log(`  unexpected extra deliveries: ${extra}`);
    const notFromGateway = env.webhooks.deliveries.filter((d) => d.clientOin !== DEV_GATEWAY.oin).length;
    if (notFromGateway > 0) console.log(`  deliveries without the gateway's client certificate: ${notFromGateway}`);
    const traceOf = async (key: string) => {
      const res = await fetch(`${env.stack.urls.monitor}/v1/traces/${demo.ids.get(key)}`);
      return res.ok ? ((await res.json()) as { steps: { step: string }[] }).steps.length : 0;
    };
    console.log(`\nTraces (monitor ${env.stack.urls.monitor}/v1/traces/<id>):`);
    for (const m of DEMO_MELDINGEN) console.log(`  melding ${m.key}  ${demo.ids.get(m.key)}  ${await traceOf(m.key)} flow events`);
    if (values.dump) console.log(`\nWrote ${await dump(env, demo, resolve(values.dump))} national XML messages to ${resolve(values.dump)}`);
    console.log(`\n${DEMO_EXPECTED.length - missing} of ${DEMO_EXPECTED.length} expected matchsignalen delivered in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (missing > 0) console.error(`FAILED: ${missing} matchsignaal(en) not delivered within ${TIMEOUT_MS / 1000} s (see MISSING above).`);
    const code = missing === 0 && extra === 0 && notFromGateway === 0 ? 0 : 1;
    if (!values.keep) return code;
    await keepRunning(env, demo);
    // From here the shutdown hook stops the services and the infrastructure on the signal, then exits.
    keep = true;
    return await new Promise<never>(() => undefined);
  } finally {
    // With --keep only an error gets here; a signal stops the stack through the shutdown hook.
    if (!keep) await env.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
