import { onShutdown, startDevEnvironment, DEV_INDEX } from '@vir/devstack';
import { ROOT_DIR, externalInfrastructure } from './cli-paths';
import { resetDemoAdministrator } from './vir/account-commands';

// `npm start`: Kafka, PostgreSQL, the three services and the demo parties' webhooks, until Ctrl-C.
async function main(): Promise<void> {
  const started = Date.now();
  const log = (line: string) => console.log(line);
  const env = await startDevEnvironment({
    rootDir: ROOT_DIR,
    log,
    instance: 'dev',
    echo: true,
    ...externalInfrastructure(process.env),
    onDelivery: (d) => console.log(`[webhook] ${d.party} received matchsignaal ${d.signalId} (${d.contentType})`),
  });
  onShutdown(() => env.stop(), { log });
  const { urls, parties, pki } = env.stack;
  const admin = await resetDemoAdministrator(env.infra.databaseUrl, 'vir_monitor');
  console.log(`
VIR connector gateway is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  gateway   ${urls.gateway}    POST /v1/meldingen (tenant JSON), POST /v1/berichten (signed XML)
  index     ${urls.index}
  monitor   ${urls.monitor}    GET /v1/traces/<trackingId>, GET /v1/flow-events
  console   ${urls.monitor}/console   sign in as ${admin.username} / ${admin.password} (new password every start; vir account … manages accounts)
  kafka     ${env.infra.kafkaBrokers}
  postgres  ${env.infra.databaseUrl.replace(/\/\/[^@]*@/, '//')}

Parties (header X-VIR-Party: <OIN>):
${parties.map((p) => `  ${p.name.padEnd(14)} ${p.oin}  ${p.kind.padEnd(8)} convenant ${p.convenant.padEnd(3)} webhook ${env.webhooks ? 'demo receiver' : ''}`).join('\n')}
  ${DEV_INDEX.name.padEnd(14)} ${DEV_INDEX.oin}  national index
Development PKI: ${pki.dir}

Ctrl-C stops everything.`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
  void import('@vir/devstack').then((d) => d.runShutdownHooks()).finally(() => process.exit(1));
});
