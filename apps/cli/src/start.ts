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

  gateway   ${urls.gateway}    parties, mutual TLS: POST /v1/meldingen (tenant JSON), POST /v1/berichten (signed XML)
            ${env.stack.gatewayAdminUrl}    operators: GET /health, admin API /v1/admin/parties (npm run -s vir -- party list), GET /openapi.json
  index     ${urls.index}
  monitor   ${urls.monitor}    GET /v1/traces/<trackingId>, GET /v1/flow-events
  console   ${urls.monitor}/console   sign in as ${admin.username} / ${admin.password} (new password every start; vir account … manages accounts)
  kafka     ${env.infra.kafkaBrokers}
  postgres  ${env.infra.databaseUrl.replace(/\/\/[^@]*@/, '//')}

Parties (identified by the OIN in their client certificate, certs/dev/<name>.cert.pem):
${parties.map((p) => `  ${p.name.padEnd(14)} ${p.oin}  ${p.kind.padEnd(8)} convenant ${p.convenant.padEnd(3)} webhook ${env.webhooks ? 'demo receiver' : ''}`).join('\n')}
  ${DEV_INDEX.name.padEnd(14)} ${DEV_INDEX.oin}  national index
Development PKI: ${pki.dir}

Try it as regio-nhn:
  curl --cacert ${pki.rootCert} --cert ${pki.cert('regio-nhn')} --key ${pki.key('regio-nhn')} \\
       -H 'content-type: application/json' -d '{"berichtId":"'$(node -p 'crypto.randomUUID()')'"}' ${urls.gateway}/v1/ping

Ctrl-C stops everything.`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
  void import('@vir/devstack').then((d) => d.runShutdownHooks()).finally(() => process.exit(1));
});
