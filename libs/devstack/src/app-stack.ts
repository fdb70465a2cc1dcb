import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDevPki, crlFile } from '@vir/pki';
import { DEMO_PARTIES, DEV_GATEWAY, DEV_INDEX, DEV_INDEX_ENCRYPTION, DEV_INDEX_SIGNING, DEV_WEBHOOKS, devPkiSpecs, type DevParty } from './dev-parties';
import type { DevstackLog } from './devstack.types';
import { ServiceProcess, type ServiceName } from './service.process';

export interface DevPkiLayout {
  dir: string;
  rootCert: string;
  intermediateCert: string;
  /** The issuing CA's CRL, republished by createDevPki when half its life has passed. */
  crl: string;
  cert(name: string): string;
  key(name: string): string;
}

/** The index's key and certificate files in the dev PKI, in the shape the index's crypto takes them (benches, tests). */
export function devIndexCryptoFiles(pki: DevPkiLayout) {
  return {
    keyFile: pki.key(DEV_INDEX.name),
    certFile: pki.cert(DEV_INDEX.name),
    decryptionKeyFile: pki.key(DEV_INDEX_ENCRYPTION.name),
    decryptionCertFile: pki.cert(DEV_INDEX_ENCRYPTION.name),
    signingKeyFile: pki.key(DEV_INDEX_SIGNING.name),
    signingCertFile: pki.cert(DEV_INDEX_SIGNING.name),
    rootFile: pki.rootCert,
    intermediatesFile: pki.intermediateCert,
    crlFile: pki.crl,
  };
}

/**
 * Generates (first time only) the development PKI into certs/dev (or `dir`): CAs, the index (RSA
 * signing certificate and EC P-256 encryption certificate), the gateway, the demo webhooks, the
 * demo parties.
 */
export async function ensureDevPki(rootDir: string, parties: DevParty[] = DEMO_PARTIES, dir = join(rootDir, 'certs', 'dev')): Promise<DevPkiLayout> {
  await createDevPki(dir, devPkiSpecs(parties));
  return {
    dir,
    rootCert: join(dir, 'root-ca.cert.pem'),
    intermediateCert: join(dir, 'issuing-ca.cert.pem'),
    crl: crlFile(dir),
    cert: (name) => join(dir, `${name}.cert.pem`),
    key: (name) => join(dir, `${name}.key.pem`),
  };
}

/** A party's (or any dev identity's) TLS client credentials: its key and certificate, and our CAs (PEM). */
export interface ClientTls {
  key: string;
  cert: string;
  ca: string[];
}

/** The mutual-TLS credentials of `name` (e.g. `regio-nhn`) in a dev PKI. */
export function clientTlsOf(pki: DevPkiLayout, name: string): ClientTls {
  return {
    key: readFileSync(pki.key(name), 'utf8'),
    cert: readFileSync(pki.cert(name), 'utf8'),
    ca: [readFileSync(pki.rootCert, 'utf8'), readFileSync(pki.intermediateCert, 'utf8')],
  };
}

/** The demo webhook receiver's TLS identity (server side of the gateway's mutual-TLS delivery). */
export function webhookTlsOf(pki: DevPkiLayout): ClientTls {
  return clientTlsOf(pki, DEV_WEBHOOKS.name);
}

/** A development secret kept in .cache (git-ignored), created on first use. */
function devSecret(rootDir: string, name: string): string {
  const file = join(rootDir, '.cache', 'secrets', name);
  if (!existsSync(file)) {
    mkdirSync(join(rootDir, '.cache', 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface AppStackOptions {
  rootDir: string;
  kafkaBrokers: string;
  databaseUrl: string;
  /** Webhook base URL; each party gets <base>/<party name>. */
  webhookBase: string;
  /** A PKI directory other than certs/dev (a throw-away PKI for tests); generated when empty. */
  pkiDir?: string;
  log: DevstackLog;
  /** Separates runs sharing one Kafka and database (topic prefix, schema names). */
  namespace?: string;
  parties?: DevParty[];
  /** Extra environment per service (e.g. faster retries in tests). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Print each service's output lines (npm start) instead of only writing log files. */
  echo?: boolean;
  /** Index instances in the consumer group (default 1); the extra ones are in `extraIndexes`. */
  indexInstances?: number;
  /** Extra node options for every service (a benchmark's --cpu-prof). */
  nodeArgs?: string[];
}

/** The operator name the development stacks give the admin API's token (the actor in the party audit). */
export const DEV_OPERATOR = 'operator';

/** The development operator token (`.cache/secrets/operator-token`, made on first use). */
export function devOperatorToken(rootDir: string): string {
  return devSecret(rootDir, 'operator-token');
}

/** Where a development stack notes its gateway's admin URL, for `vir party …` (`.cache/stack/<namespace or dev>/gateway-admin.url`). */
export function gatewayAdminUrlFile(rootDir: string, namespace = ''): string {
  return join(rootDir, '.cache', 'stack', namespace || 'dev', 'gateway-admin.url');
}

export interface AppStack {
  pki: DevPkiLayout;
  parties: DevParty[];
  /** Base URLs: the gateway's is its parties' port (HTTPS, mutual TLS); index and monitor plain HTTP. */
  urls: Record<ServiceName, string>;
  /** The gateway's operators' port (plain HTTP on loopback): health and the admin API. */
  gatewayAdminUrl: string;
  /** A bearer token for the gateway's admin API (operator DEV_OPERATOR). */
  operatorToken: string;
  services: Record<ServiceName, ServiceProcess>;
  /** Index instances beyond the first, same group and database. */
  extraIndexes: ServiceProcess[];
  logDir: string;
  stop(): Promise<void>;
  /** A fresh process for a service (after kill): same ports, same configuration. */
  restart(name: ServiceName): Promise<void>;
}

/**
 * The gateway seeds its parties from the parties file only once; a kept development database
 * (`npm start`) may then name certificates and key files of an earlier certs/dev (regenerated, or
 * another checkout). Development only: point the demo parties at this PKI's files again, through
 * the admin API (so it is audited), leaving everything else as it was.
 */
async function reconcileDevParties(adminUrl: string, token: string, pki: DevPkiLayout, parties: DevParty[], log: DevstackLog): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (const p of parties) {
    const res = await fetch(`${adminUrl}/v1/admin/parties/${p.oin}`, { headers });
    if (!res.ok) continue;
    const current = (await res.json()) as { certificates: string[]; signingKeyFile: string | null; signingCertFile: string | null };
    const fingerprint = new X509Certificate(readFileSync(pki.cert(p.name), 'utf8')).fingerprint256;
    const patch: Record<string, unknown> = {};
    if (!current.certificates.includes(fingerprint)) patch.certificates = [fingerprint];
    if (p.kind === 'regional' && (current.signingKeyFile !== pki.key(p.name) || current.signingCertFile !== pki.cert(p.name))) {
      Object.assign(patch, { signingKeyFile: pki.key(p.name), signingCertFile: pki.cert(p.name) });
    }
    if (Object.keys(patch).length === 0) continue;
    const updated = await fetch(`${adminUrl}/v1/admin/parties/${p.oin}`, { method: 'PATCH', headers, body: JSON.stringify(patch) });
    if (!updated.ok) throw new Error(`could not point ${p.name} at ${pki.dir}: ${updated.status} ${await updated.text()}`);
    log(`[devstack] ${p.name}: registered its certificate${patch.signingKeyFile ? ' and signing key' : ''} from ${pki.dir} (the database had older ones)`);
  }
}

/** Starts the three services as separate processes from dist/, wired to the given infrastructure. */
export async function startAppStack(o: AppStackOptions): Promise<AppStack> {
  const pki = await ensureDevPki(o.rootDir, o.parties, o.pkiDir);
  const parties = o.parties ?? DEMO_PARTIES;
  const ns = o.namespace ?? '';
  const runDir = join(o.rootDir, '.cache', 'stack', ns || 'dev');
  const logDir = join(runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const partiesFile = join(runDir, 'parties.json');
  writeFileSync(
    partiesFile,
    JSON.stringify(
      {
        parties: parties.map((p) => ({
          oin: p.oin,
          name: p.commonName,
          kind: p.kind,
          convenant: p.convenant,
          deliveryFormat: p.deliveryFormat,
          webhookUrl: `${o.webhookBase}/${p.name}`,
          // The client certificate the party connects with (mutual TLS), registered by fingerprint.
          certificateFiles: [pki.cert(p.name)],
          ...(p.kind === 'regional' ? { signingKeyFile: pki.key(p.name), signingCertFile: pki.cert(p.name) } : {}),
        })),
      },
      null,
      2,
    ),
  );
  const common = {
    KAFKA_BROKERS: o.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: ns ? `${ns}.` : '',
    DATABASE_URL: o.databaseUrl,
    TRUST_ROOT_FILE: pki.rootCert,
    TRUST_INTERMEDIATES_FILE: pki.intermediateCert,
    TRUST_CRL_FILE: pki.crl,
    HOST: '127.0.0.1',
  };
  const schema = (s: string) => (ns ? `${ns.replace(/[^a-z0-9_]/g, '_')}_${s}` : `vir_${s}`);
  const ports = { gateway: await freePort(), index: await freePort(), monitor: await freePort() };
  const gatewayTlsPort = await freePort();
  // The gateway's TLS server certificate with its issuing CA, so clients need only the root.
  const gatewayChain = join(runDir, 'vir-gateway.chain.pem');
  writeFileSync(gatewayChain, readFileSync(pki.cert(DEV_GATEWAY.name), 'utf8') + readFileSync(pki.intermediateCert, 'utf8'));
  const extraIndexPorts = await Promise.all(Array.from({ length: Math.max(0, (o.indexInstances ?? 1) - 1) }, () => freePort()));
  const envs: Record<ServiceName, Record<string, string>> = {
    index: {
      ...common,
      PORT: String(ports.index),
      DATABASE_SCHEMA: schema('index'),
      INDEX_KEY_FILE: pki.key(DEV_INDEX.name),
      INDEX_CERT_FILE: pki.cert(DEV_INDEX.name),
      INDEX_DECRYPTION_KEY_FILE: pki.key(DEV_INDEX_ENCRYPTION.name),
      INDEX_DECRYPTION_CERT_FILE: pki.cert(DEV_INDEX_ENCRYPTION.name),
      INDEX_SIGNING_KEY_FILE: pki.key(DEV_INDEX_SIGNING.name),
      INDEX_SIGNING_CERT_FILE: pki.cert(DEV_INDEX_SIGNING.name),
      PSEUDONYM_KEY: devSecret(o.rootDir, 'pseudonym-key'),
      ...o.env?.index,
    },
    gateway: {
      ...common,
      PORT: String(ports.gateway),
      DATABASE_SCHEMA: schema('gateway'),
      PARTIES_FILE: partiesFile,
      INDEX_CERT_FILE: pki.cert(DEV_INDEX.name),
      INDEX_ENCRYPTION_CERT_FILE: pki.cert(DEV_INDEX_ENCRYPTION.name),
      GATEWAY_KEY_FILE: pki.key(DEV_GATEWAY.name),
      GATEWAY_CERT_FILE: pki.cert(DEV_GATEWAY.name),
      TLS_HOST: '127.0.0.1',
      TLS_PORT: String(gatewayTlsPort),
      TLS_KEY_FILE: pki.key(DEV_GATEWAY.name),
      TLS_CERT_FILE: gatewayChain,
      OPERATOR_TOKENS: `${DEV_OPERATOR}:${devSecret(o.rootDir, 'operator-token')}`,
      ...o.env?.gateway,
    },
    monitor: {
      ...common,
      PORT: String(ports.monitor),
      DATABASE_SCHEMA: schema('monitor'),
      PARTIES_FILE: partiesFile,
      // The console's Delivery and Parties pages act through the gateway's admin API.
      GATEWAY_ADMIN_URL: `http://127.0.0.1:${ports.gateway}`,
      GATEWAY_ADMIN_TOKEN: devSecret(o.rootDir, 'operator-token'),
      // The component-unhealthy alert polls the others' readiness.
      ALERT_HEALTH_URLS: `gateway=http://127.0.0.1:${ports.gateway}/health/ready,index=http://127.0.0.1:${ports.index}/health/ready`,
      ...o.env?.monitor,
    },
  };
  const make = (name: ServiceName) =>
    new ServiceProcess(
      name,
      join(o.rootDir, 'dist', 'apps', name, 'src', 'main.js'),
      envs[name],
      `http://127.0.0.1:${ports[name]}`,
      join(logDir, `${name}.log`),
      o.echo ? (line) => o.log(`[${name}] ${line}`) : undefined,
      o.nodeArgs,
    );
  const services = { index: make('index'), gateway: make('gateway'), monitor: make('monitor') };
  const extraIndexes = extraIndexPorts.map(
    (port, i) =>
      new ServiceProcess(`index-${i + 2}`, join(o.rootDir, 'dist', 'apps', 'index', 'src', 'main.js'), { ...envs.index, PORT: String(port) }, `http://127.0.0.1:${port}`, join(logDir, `index-${i + 2}.log`)),
  );
  const all = [...Object.values(services), ...extraIndexes];
  const started: ServiceProcess[] = [];
  try {
    // The index first: it creates the topics the others subscribe to.
    await services.index.start();
    started.push(services.index);
    await Promise.all(
      [services.gateway, services.monitor, ...extraIndexes].map(async (s) => {
        await s.start();
        started.push(s);
      }),
    );
    await reconcileDevParties(services.gateway.url, devOperatorToken(o.rootDir), pki, parties, o.log);
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    await Promise.all(all.map((s) => s.kill('SIGKILL')));
    throw err;
  }
  writeFileSync(gatewayAdminUrlFile(o.rootDir, ns), `${services.gateway.url}\n`);
  return {
    pki,
    parties,
    operatorToken: devOperatorToken(o.rootDir),
    // The certificate names localhost, not the address.
    urls: { gateway: `https://localhost:${gatewayTlsPort}`, index: services.index.url, monitor: services.monitor.url },
    gatewayAdminUrl: services.gateway.url,
    services,
    extraIndexes,
    logDir,
    stop: async () => {
      await Promise.all(all.map((s) => s.stop()));
    },
    restart: async (name) => {
      await services[name].kill('SIGKILL');
      await services[name].start();
    },
  };
}
