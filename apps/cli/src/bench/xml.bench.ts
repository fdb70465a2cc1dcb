import { constants, createECDH, privateDecrypt, publicEncrypt, randomBytes, randomInt, randomUUID, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MeldingBericht, OrganisatieDomein } from '@vir/contracts';
import { isValidBsn } from '@vir/domain';
import { createDevPki, loadCaBundle, loadCredentials, TrustStore } from '@vir/pki';
import { openMelding, sealMelding, verifyMelding } from '@vir/xml';

// Throughput of the national-message crypto on ONE core (this loop, no workers, no async): how
// close sealMelding / openMelding come to the bare RSA operations they cannot avoid, measured
// with the same keys in the same run so machine speed cancels out. Meldingen are signed by a
// regional party's RSA-2048 key and sealed for the index's EC P-256 encryption certificate (the
// production path: ECDH-ES key agreement).
//
//   signRatio   = sealMelding/s  ÷ crypto.sign/s    (seal = build + ECDH-ES (1 ephemeral key, 1 ECDH)
//                                                    + AES key wrap + AES-GCM + c14n + 1 RSA sign)
//   verifyRatio = openMelding/s  ÷ crypto.verify/s  (open = guard + parse + c14n + 1 RSA verify + XSD
//                                                    + 1 ECDH with the index's key + KDF + unwrap + AES-GCM)
//
// The earlier lines also show openMelding of meldingen sealed with RSA-OAEP (for an RSA index
// certificate, as older stacks send), which needs an RSA private-key operation per message, and
// the raw ECDH / OAEP rates that bound each path.

const FIRST = ['Anna', 'Bram', 'Sanne', 'Mohammed', 'Fatima', 'Jeroen', 'Özlem', 'Daan', 'Eline', 'Kees', 'Noor', 'Yusuf', 'Lieke', 'Rachid', 'Mirjam', 'Thijs'];
const LAST = ['de Vries', 'Jansen', 'van den Berg', 'Bakker', 'El Amrani', 'Visser', 'Smit', 'Yılmaz', 'van Dijk', 'Meijer', 'de Boer', 'Mulder', 'Bouzid', "van 't Hof", 'Hendriks-Öztürk', 'Dekker'];
const ORGANISATIES: { naam: string; domein: OrganisatieDomein }[] = [
  { naam: 'Wijkteam Alkmaar-Noord', domein: 'jeugdhulp' },
  { naam: 'GGD Hollands Noorden', domein: 'jeugdgezondheidszorg' },
  { naam: 'Huisartsenpraktijk De Linde', domein: 'gezondheidszorg' },
  { naam: 'Scholengemeenschap Den Helder', domein: 'onderwijs' },
  { naam: 'Leerplicht & RMC Twente', domein: 'onderwijs' },
  { naam: 'Raad voor de Kinderbescherming', domein: 'politie-en-justitie' },
];

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function bsn(): string {
  for (;;) {
    const candidate = String(100_000_000 + randomInt(900_000_000));
    if (isValidBsn(candidate)) return candidate;
  }
}

function melding(afzenderOin: string, i: number): MeldingBericht {
  const voornaam = pick(FIRST);
  const achternaam = pick(LAST);
  const organisatie = pick(ORGANISATIES);
  return {
    berichtId: randomUUID(),
    afzenderOin,
    verzonden: new Date().toISOString(),
    convenant: String(1 + randomInt(66)),
    referentie: `VIR-${2025}-${pad(i, 6)}`,
    jeugdige: { bsn: bsn(), geboortedatum: `${2004 + randomInt(20)}-${pad(1 + randomInt(12))}-${pad(1 + randomInt(28))}` },
    ouders: [{ bsn: bsn() }, { bsn: bsn() }],
    meldingsdatum: new Date().toISOString().slice(0, 10),
    melder: {
      id: `mw-${randomInt(100_000)}`,
      naam: `${voornaam} ${achternaam}`,
      telefoon: `+31 6 ${pad(randomInt(10_000), 4)} ${pad(randomInt(10_000), 4)}`,
      email: `${voornaam.toLowerCase().replace(/[^a-z]/g, '')}.${achternaam.toLowerCase().replace(/[^a-z]/g, '')}@example.nl`,
    },
    organisatie,
  };
}

/**
 * Operations per second of each function, measured in turns of `sliceMs` (round robin) for
 * `totalMs` in all: every figure sees the same machine, load and clock changes alike, so the
 * ratios stay meaningful on a busy machine.
 */
function rates(fns: ((i: number) => unknown)[], totalMs: number, sliceMs = 25): number[] {
  const counts = fns.map(() => 0);
  const times = fns.map(() => 0);
  for (const fn of fns) for (let i = 0; i < 100; i++) fn(i); // warm-up (JIT, caches)
  const end = performance.now() + totalMs;
  while (performance.now() < end) {
    fns.forEach((fn, k) => {
      const start = performance.now();
      let elapsed = 0;
      let n = counts[k];
      do {
        for (let j = 0; j < 4; j++) fn(n++);
        elapsed = performance.now() - start;
      } while (elapsed < sliceMs);
      counts[k] = n;
      times[k] += elapsed;
    });
  }
  return counts.map((n, k) => n / (times[k] / 1000));
}

export async function runXmlBench(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { seconds: { type: 'string', default: '6' } } });
  const ms = Number(values.seconds) * 1000;
  if (!(ms > 0)) throw new Error('--seconds must be a positive number');

  const dir = mkdtempSync(join(tmpdir(), 'vir-bench-'));
  try {
    await createDevPki(dir, [
      { name: 'index', oin: '00000001823288444000', commonName: 'Landelijke Verwijsindex', keyEncipherment: true },
      { name: 'index-enc', oin: '00000001823288444000', commonName: 'Landelijke Verwijsindex (versleuteling)', keyType: 'ec-p256', keyAgreement: true },
      { name: 'regio', oin: '00000003273416560001', commonName: 'Verwijsindex Noord-Holland Noord' },
    ]);
    const [root, issuing] = loadCaBundle(dir);
    const trustStore = new TrustStore({ roots: [root], intermediates: [issuing] });
    const index = loadCredentials(dir, 'index');
    const indexEnc = loadCredentials(dir, 'index-enc');
    const regio = loadCredentials(dir, 'regio');
    const regioPublic = trustStore.check(regio.certificatePem, new Date());
    if (!regioPublic.trusted) throw new Error(`bench PKI not trusted: ${regioPublic.reason}`);

    const pool = Array.from({ length: 256 }, (_, i) => melding(regio.oin, i));
    const seal = (m: MeldingBericht) => sealMelding(m, { signer: regio, recipientCertificatePem: indexEnc.certificatePem });
    const sealed = pool.map(seal);
    const sealedRsa = pool.map((m) => sealMelding(m, { signer: regio, recipientCertificatePem: index.certificatePem }));
    const at = new Date();
    const avgBytes = Math.round(sealed.reduce((sum, x) => sum + Buffer.byteLength(x), 0) / sealed.length);

    // Raw operations on data of the size RSA really signs (SignedInfo is ~700 bytes).
    const data = randomBytes(700);
    const signature = sign('sha256', data, regio.privateKey);
    const wrapped = publicEncrypt({ key: index.certificatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
    const oaep = { key: index.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    // Raw ECDH as openMelding does it: the index's key in a reused ECDH object, a fresh peer point.
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(indexEnc.privateKey.export({ format: 'jwk' }).d!, 'base64url'));
    const points = Array.from({ length: 64 }, () => createECDH('prime256v1').generateKeys());

    const [rawSign, sealRate] = rates([() => sign('sha256', data, regio.privateKey), (i) => seal(pool[i % pool.length])], ms / 2);
    const [rawVerify, open, verifyOnly, openRsa, rawDecrypt, rawEcdh] = rates(
      [
        () => verify('sha256', data, regioPublic.publicKey, signature),
        (i) => openMelding(sealed[i % sealed.length], { trustStore, at, recipientKey: indexEnc.privateKey }),
        (i) => verifyMelding(sealed[i % sealed.length], { trustStore, at }),
        (i) => openMelding(sealedRsa[i % sealedRsa.length], { trustStore, at, recipientKey: index.privateKey }),
        () => privateDecrypt(oaep, wrapped),
        (i) => ecdh.computeSecret(points[i % points.length]),
      ],
      ms / 2,
    );
    const f = { rawSign, seal: sealRate, rawVerify, open, verifyOnly, openRsa, rawDecrypt, rawEcdh };
    // The best openMelding could do: exactly one RSA verify plus one ECDH (resp. RSA-OAEP decrypt).
    const openBound = 1 / (1 / f.rawVerify + 1 / f.rawEcdh);
    const openRsaBound = 1 / (1 / f.rawVerify + 1 / f.rawDecrypt);
    const round = (x: number) => Math.round(x);
    const ratio = (x: number) => Math.round(x * 1000) / 1000;

    console.log(`xml bench: ${pool.length} distinct meldingen (2 parents each), avg ${avgBytes} bytes; ${ms / 1000} s in 25 ms turns; one core`);
    console.log(`  sealMelding     ${round(f.seal).toString().padStart(7)}/s   raw crypto.sign      ${round(f.rawSign).toString().padStart(7)}/s   ratio ${ratio(f.seal / f.rawSign)}`);
    console.log(`  openMelding     ${round(f.open).toString().padStart(7)}/s   raw crypto.verify    ${round(f.rawVerify).toString().padStart(7)}/s   ratio ${ratio(f.open / f.rawVerify)}   (ECDH-ES)`);
    console.log(`  verifyMelding   ${round(f.verifyOnly).toString().padStart(7)}/s   (no decryption)                       ratio ${ratio(f.verifyOnly / f.rawVerify)}`);
    console.log(`  raw P-256 ECDH  ${round(f.rawEcdh).toString().padStart(7)}/s   openMelding bound (verify+ECDH) ${round(openBound)}/s, reached ${ratio(f.open / openBound)}`);
    console.log(`  openMelding     ${round(f.openRsa).toString().padStart(7)}/s   RSA-OAEP (older stacks)               ratio ${ratio(f.openRsa / f.rawVerify)}`);
    console.log(`  raw OAEP unwrap ${round(f.rawDecrypt).toString().padStart(7)}/s   RSA-OAEP bound (verify+unwrap) ${round(openRsaBound)}/s, reached ${ratio(f.openRsa / openRsaBound)}`);
    console.log(
      JSON.stringify({
        verifyOnlyPerSec: round(f.verifyOnly),
        verifyOnlyRatio: ratio(f.verifyOnly / f.rawVerify),
        rawEcdhPerSec: round(f.rawEcdh),
        openBoundPerSec: round(openBound),
        openOfBound: ratio(f.open / openBound),
        openRsaOaepPerSec: round(f.openRsa),
        openRsaOaepRatio: ratio(f.openRsa / f.rawVerify),
        rawOaepDecryptPerSec: round(f.rawDecrypt),
        avgMessageBytes: avgBytes,
      }),
    );
    console.log(
      JSON.stringify({
        signPerSec: round(f.seal),
        rawSignPerSec: round(f.rawSign),
        signRatio: ratio(f.seal / f.rawSign),
        verifyPerSec: round(f.open),
        rawVerifyPerSec: round(f.rawVerify),
        verifyRatio: ratio(f.open / f.rawVerify),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
