#!/usr/bin/env node
// Prepares docker/secrets/ from the development PKI (certs/dev, created if missing) and the demo
// parties, and writes docker/.env with fresh random secrets when it does not exist yet.
// For trying the compose stack only: a real deployment uses PKIoverheid material (README.md).
//
//   npm ci && npm run build            (once, in the repository root)
//   node docker/dev-secrets.js [--webhook-base http://receiver:8080/webhooks]
//
// --webhook-base  each party's webhook becomes <base>/<party name>; without it the parties get
//                 no webhook and the gateway keeps their signals in retry.
// Run as root, it hands the files to VIR_UID:VIR_GID (default 1000:1000), the services' user.
'use strict';

const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const secretsDir = path.join(__dirname, 'secrets');
const envFile = path.join(__dirname, '.env');

function option(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

function loadDevstack() {
  const file = path.join(root, 'dist', 'libs', 'devstack', 'src', 'app-stack.js');
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(process.cwd(), file)} not found: run "npm ci && npm run build" in the repository root first`);
  }
  return { ...require(file), ...require(path.join(root, 'dist', 'libs', 'devstack', 'src', 'dev-parties.js')) };
}

const owner =
  typeof process.getuid === 'function' && process.getuid() === 0
    ? { uid: Number(process.env.VIR_UID || 1000), gid: Number(process.env.VIR_GID || 1000) }
    : undefined;

function own(file) {
  if (owner) fs.chownSync(file, owner.uid, owner.gid);
}

function mkdir(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  own(dir);
}

function put(dir, name, data, mode) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data, { mode });
  fs.chmodSync(file, mode);
  own(file);
}

async function main() {
  const webhookBase = option('--webhook-base')?.replace(/\/+$/, '');
  const { ensureDevPki, DEMO_PARTIES, DEV_INDEX, DEV_INDEX_ENCRYPTION, DEV_INDEX_SIGNING, DEV_GATEWAY } = loadDevstack();
  const pki = await ensureDevPki(root);
  const read = (file) => fs.readFileSync(file);

  mkdir(secretsDir);
  const trust = path.join(secretsDir, 'trust');
  const index = path.join(secretsDir, 'index');
  const gateway = path.join(secretsDir, 'gateway');
  [trust, index, gateway].forEach(mkdir);

  // trust/: public certificates (index and gateway)
  put(trust, 'root-ca.cert.pem', read(pki.rootCert), 0o644);
  put(trust, 'issuing-ca.cert.pem', read(pki.intermediateCert), 0o644);
  put(trust, 'issuing-ca.crl.pem', read(pki.crl), 0o644);
  put(trust, `${DEV_INDEX.name}.cert.pem`, read(pki.cert(DEV_INDEX.name)), 0o644);
  put(trust, `${DEV_INDEX_ENCRYPTION.name}.cert.pem`, read(pki.cert(DEV_INDEX_ENCRYPTION.name)), 0o644);
  put(trust, `${DEV_INDEX_SIGNING.name}.cert.pem`, read(pki.cert(DEV_INDEX_SIGNING.name)), 0o644);
  // index/: the national index's private keys: RSA (RSA-OAEP), BSN decryption (EC), signing (EC) (index only)
  put(index, `${DEV_INDEX.name}.key.pem`, read(pki.key(DEV_INDEX.name)), 0o600);
  put(index, `${DEV_INDEX_ENCRYPTION.name}.key.pem`, read(pki.key(DEV_INDEX_ENCRYPTION.name)), 0o600);
  put(index, `${DEV_INDEX_SIGNING.name}.key.pem`, read(pki.key(DEV_INDEX_SIGNING.name)), 0o600);
  // gateway/: its own signing identity (acknowledgements), the parties, the tenants' signing keys
  put(gateway, `${DEV_GATEWAY.name}.key.pem`, read(pki.key(DEV_GATEWAY.name)), 0o600);
  put(gateway, `${DEV_GATEWAY.name}.cert.pem`, read(pki.cert(DEV_GATEWAY.name)), 0o644);
  // Its TLS certificate with the issuing CA (TLS_CERT_FILE): clients then need only the root.
  put(gateway, `${DEV_GATEWAY.name}.chain.pem`, Buffer.concat([read(pki.cert(DEV_GATEWAY.name)), read(pki.intermediateCert)]), 0o644);
  // gateway/: the parties and the regional tenants' signing keys (gateway only)
  const parties = DEMO_PARTIES.map((p) => {
    const entry = {
      oin: p.oin,
      name: p.commonName,
      kind: p.kind,
      convenant: p.convenant,
      deliveryFormat: p.deliveryFormat,
      ...(webhookBase ? { webhookUrl: `${webhookBase}/${p.name}` } : {}),
      // The client certificate the party connects with (mutual TLS), registered by fingerprint.
      certificateFiles: [`${p.name}.cert.pem`],
    };
    put(gateway, `${p.name}.cert.pem`, read(pki.cert(p.name)), 0o644);
    if (p.kind !== 'regional') return entry;
    put(gateway, `${p.name}.key.pem`, read(pki.key(p.name)), 0o600);
    // Relative to parties.json.
    return { ...entry, signingKeyFile: `${p.name}.key.pem`, signingCertFile: `${p.name}.cert.pem` };
  });
  put(gateway, 'parties.json', `${JSON.stringify({ parties }, null, 2)}\n`, 0o600);
  console.log(`Wrote ${path.relative(process.cwd(), secretsDir)}/ (trust/, index/, gateway/) from ${path.relative(process.cwd(), pki.dir)}`);
  if (!webhookBase) console.log('No --webhook-base: the parties have no webhook (signals stay in retry).');

  if (fs.existsSync(envFile)) {
    console.log(`Kept the existing ${path.relative(process.cwd(), envFile)}`);
  } else {
    let clusterId;
    do clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-'));
    const example = fs.readFileSync(path.join(__dirname, 'env.example'), 'utf8');
    const values = {
      POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
      PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      KAFKA_CLUSTER_ID: clusterId,
      // The services run as the owner of the secrets.
      VIR_UID: String(owner ? owner.uid : (process.getuid?.() ?? 1000)),
      VIR_GID: String(owner ? owner.gid : (process.getgid?.() ?? 1000)),
    };
    const env = example.replace(/^(POSTGRES_PASSWORD|PSEUDONYM_KEY|KAFKA_CLUSTER_ID|VIR_UID|VIR_GID)=.*$/gm, (_, key) => `${key}=${values[key]}`);
    fs.writeFileSync(envFile, env, { mode: 0o600 });
    console.log(`Wrote ${path.relative(process.cwd(), envFile)} with fresh random secrets`);
  }
  if (owner) console.log(`Files owned by ${owner.uid}:${owner.gid} (VIR_UID/VIR_GID), the services' user.`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
