import { constants, createECDH, privateDecrypt, publicEncrypt, randomBytes, randomInt, randomUUID, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MatchsignaalBericht, MeldingBericht, OrganisatieDomein } from '@vir/contracts';
import { isValidBsn } from '@vir/domain';
import { createDevPki, loadCaBundle, loadCredentials, TrustStore } from '@vir/pki';
import { KeyAgreementSession, openMatchsignaal, openMelding, sealMelding, signMatchsignaal, verifyMelding } from '@vir/xml';

// Throughput of the national-message crypto on ONE core (this loop, no workers, no async): how
// close sealMelding / openMelding come to the bare RSA operations they cannot avoid, measured
// with the same keys in the same run so machine speed cancels out. Meldingen are signed by a
// regional party's RSA-2048 key and sealed for the index's EC P-256 encryption certificate the way
// the gateway seals them: ECDH-ES within a key-agreement session (one ephemeral key for up to
// 10,000 meldingen or 60 s, one content key per sender within it, wrapped once).
//
//   signRatio   = sealMelding/s  ÷ crypto.sign/s    (seal = build + AES-GCM per BSN + c14n + 1 RSA
//                                                    sign; the session's ECDH and content key are shared)
//   verifyRatio = openMelding/s  ÷ crypto.verify/s  (open = guard + parse + c14n + 1 RSA verify + XSD
//                                                    + reading + AES-GCM per BSN; Z and the content key
//                                                    of the session come from the index's caches)
//
// The earlier lines show, for honesty, the same without a session (a new ephemeral key, hence an
// ECDH on both sides, per melding, from a pool larger than the index's Z cache), openMelding of
// meldingen sealed with RSA-OAEP (older stacks), the raw ECDH / OAEP rates that bound those paths,
// and matchsignalen signed with the index's EC P-256 key (ECDSA) beside its RSA key.

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

function matchsignaal(afzenderOin: string, i: number): MatchsignaalBericht {
  const organisatie = pick(ORGANISATIES);
  return {
    berichtId: randomUUID(),
    afzenderOin,
    ontvangerOin: '00000003273416560001',
    verzonden: new Date().toISOString(),
    matchId: randomUUID(),
    soort: i % 3 === 0 ? 'gezin' : 'kind',
    reikwijdte: i % 2 === 0 ? 'binnen-convenant' : 'convenant-overstijgend',
    eigenMelding: { referentie: `VIR-2025-${pad(i, 6)}`, berichtId: randomUUID() },
    andereMelder: { id: `mw-${randomInt(100_000)}`, naam: `${pick(FIRST)} ${pick(LAST)}`, telefoon: '+31 6 1234 5678', convenant: String(1 + randomInt(66)) },
    andereOrganisatie: { naam: organisatie.naam, domein: organisatie.domein },
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
  // Warm-up, 200 ms each: V8 optimises a function only after thousands of calls, and a long-running
  // service runs optimised code (100 calls, as before, left openMelding half-measured unoptimised).
  for (const fn of fns) {
    const until = performance.now() + 200;
    for (let i = 0; performance.now() < until; i++) fn(i);
  }
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
      { name: 'index-ec', oin: '00000001823288444000', commonName: 'Landelijke Verwijsindex (ECDSA)', keyType: 'ec-p256' },
      { name: 'regio', oin: '00000003273416560001', commonName: 'Verwijsindex Noord-Holland Noord' },
    ]);
    const [root, issuing] = loadCaBundle(dir);
    const trustStore = new TrustStore({ roots: [root], intermediates: [issuing] });
    const index = loadCredentials(dir, 'index');
    const indexEnc = loadCredentials(dir, 'index-enc');
    const indexEc = loadCredentials(dir, 'index-ec');
    const regio = loadCredentials(dir, 'regio');
    const regioPublic = trustStore.check(regio.certificatePem, new Date());
    const indexEcPublic = trustStore.check(indexEc.certificatePem, new Date());
    if (!regioPublic.trusted) throw new Error(`bench PKI not trusted: ${regioPublic.reason}`);
    if (!indexEcPublic.trusted) throw new Error(`bench PKI not trusted: ${indexEcPublic.reason}`);

    // Received messages arrive as flat strings (Kafka / HTTP bodies), not as the ropes string
    // building leaves behind: a round trip through bytes makes them so.
    const received = (xml: string) => Buffer.from(xml, 'utf8').toString('utf8');
    const pool = Array.from({ length: 256 }, (_, i) => melding(regio.oin, i));
    const session = new KeyAgreementSession();
    const seal = (m: MeldingBericht) => sealMelding(m, { signer: regio, recipientCertificatePem: indexEnc.certificatePem, keyAgreement: session });
    const sealFresh = (m: MeldingBericht) => sealMelding(m, { signer: regio, recipientCertificatePem: indexEnc.certificatePem });
    const sealed = pool.map((m) => received(seal(m)));
    // More distinct ephemeral keys than the index's Z cache holds: every one of these is a miss.
    const fresh = Array.from({ length: 1280 }, (_, i) => received(sealFresh(pool[i % pool.length])));
    const sealedRsa = pool.map((m) => received(sealMelding(m, { signer: regio, recipientCertificatePem: index.certificatePem })));
    const signals = Array.from({ length: 256 }, (_, i) => matchsignaal(index.oin, i));
    const signedSignals = signals.map((m) => received(signMatchsignaal(m, indexEc)));
    const at = new Date();
    const avgBytes = Math.round(sealed.reduce((sum, x) => sum + Buffer.byteLength(x), 0) / sealed.length);

    // Raw operations on data of the size RSA really signs (SignedInfo is ~700 bytes).
    const data = randomBytes(700);
    const signature = sign('sha256', data, regio.privateKey);
    const ecdsa = { key: indexEc.privateKey, dsaEncoding: 'ieee-p1363' as const };
    const wrapped = publicEncrypt({ key: index.certificatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
    const oaep = { key: index.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    // Raw ECDH as openMelding does it: the index's key in a reused ECDH object, a fresh peer point.
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(indexEnc.privateKey.export({ format: 'jwk' }).d!, 'base64url'));
    const points = Array.from({ length: 64 }, () => createECDH('prime256v1').generateKeys());

    const rawSignOnce = () => sign('sha256', data, regio.privateKey);
    const rawVerifyOnce = () => verify('sha256', data, regioPublic.publicKey, signature);
    const openSession = (i: number) => openMelding(sealed[i % sealed.length], { trustStore, at, recipientKey: indexEnc.privateKey });
    const openOaep = (i: number) => openMelding(sealedRsa[i % sealedRsa.length], { trustStore, at, recipientKey: index.privateKey });
    // Each scenario takes turns only with its own raw figures: other work in the same turns (an
    // RSA private-key operation, or openMelding of another key transport) slows what follows it by
    // up to 10 %, which would measure the mix rather than the path. The mix has its own line.
    const [rawSign, sealRate] = rates([rawSignOnce, (i) => seal(pool[i % pool.length])], ms * 0.2);
    const [rawVerify, open, verifyOnly] = rates(
      [rawVerifyOnce, openSession, (i) => verifyMelding(sealed[i % sealed.length], { trustStore, at })],
      ms * 0.3,
    );
    const [rawVerifyOaep, openRsa, rawDecrypt] = rates([rawVerifyOnce, openOaep, () => privateDecrypt(oaep, wrapped)], ms * 0.1);
    const [rawVerifyMixed, openMixed] = rates([rawVerifyOnce, openSession, openOaep], ms * 0.1);
    // Without a session: the 1,280 distinct meldingen would otherwise also crowd the caches.
    const [rawSignFresh, sealFreshRate, rawVerifyFresh, openFresh, rawEcdh] = rates(
      [
        rawSignOnce,
        (i) => sealFresh(pool[i % pool.length]),
        rawVerifyOnce,
        (i) => openMelding(fresh[i % fresh.length], { trustStore, at, recipientKey: indexEnc.privateKey }),
        (i) => ecdh.computeSecret(points[i % points.length]),
      ],
      ms * 0.2,
    );
    const [rawEcdsa, signalEcdsa, signalRsa, openSignalEcdsa] = rates(
      [
        () => sign('sha256', data, ecdsa),
        (i) => signMatchsignaal(signals[i % signals.length], indexEc),
        (i) => signMatchsignaal(signals[i % signals.length], index),
        (i) => openMatchsignaal(signedSignals[i % signedSignals.length], { trustStore, at }),
      ],
      ms * 0.1,
    );
    const f = { rawSign, seal: sealRate, sealFresh: sealFreshRate, rawVerify, open, verifyOnly, openFresh, openRsa, rawDecrypt, rawEcdh };
    // Without a session the best openMelding could do: one RSA verify plus one ECDH (resp. RSA-OAEP decrypt).
    const openFreshBound = 1 / (1 / rawVerifyFresh + 1 / f.rawEcdh);
    const openRsaBound = 1 / (1 / rawVerifyOaep + 1 / f.rawDecrypt);
    const round = (x: number) => Math.round(x);
    const ratio = (x: number) => Math.round(x * 1000) / 1000;
    const rate = (x: number) => round(x).toString().padStart(7);

    console.log(`xml bench: ${pool.length} distinct meldingen (2 parents each), avg ${avgBytes} bytes; ${ms / 1000} s in 25 ms turns; one core`);
    console.log(`  sealMelding     ${rate(f.sealFresh)}/s   no session: an ECDH per melding      ratio ${ratio(f.sealFresh / rawSignFresh)}`);
    console.log(`  openMelding     ${rate(f.openFresh)}/s   no session (Z cache misses)         ratio ${ratio(f.openFresh / rawVerifyFresh)}`);
    console.log(`  raw P-256 ECDH  ${rate(f.rawEcdh)}/s   bound without session (verify+ECDH) ${round(openFreshBound)}/s, reached ${ratio(f.openFresh / openFreshBound)}`);
    console.log(`  verifyMelding   ${rate(f.verifyOnly)}/s   (no decryption)                       ratio ${ratio(f.verifyOnly / f.rawVerify)}`);
    console.log(`  openMelding     ${rate(f.openRsa)}/s   RSA-OAEP (older stacks)               ratio ${ratio(f.openRsa / rawVerifyOaep)}`);
    console.log(`  raw OAEP unwrap ${rate(f.rawDecrypt)}/s   RSA-OAEP bound (verify+unwrap) ${round(openRsaBound)}/s, reached ${ratio(f.openRsa / openRsaBound)}`);
    console.log(`  openMelding     ${rate(openMixed)}/s   session, in turns with RSA-OAEP opens ratio ${ratio(openMixed / rawVerifyMixed)}`);
    console.log(`  signMatchsignaal${rate(signalEcdsa)}/s   EC P-256 (ECDSA); raw ECDSA sign ${round(rawEcdsa)}/s, ratio ${ratio(signalEcdsa / rawEcdsa)}; RSA key ${round(signalRsa)}/s`);
    console.log(`  openMatchsignaal${rate(openSignalEcdsa)}/s   ECDSA-signed`);
    console.log(`  sealMelding     ${rate(f.seal)}/s   raw crypto.sign      ${rate(f.rawSign)}/s   ratio ${ratio(f.seal / f.rawSign)}   (key-agreement session)`);
    console.log(`  openMelding     ${rate(f.open)}/s   raw crypto.verify    ${rate(f.rawVerify)}/s   ratio ${ratio(f.open / f.rawVerify)}   (key-agreement session)`);
    console.log(
      JSON.stringify({
        sealNoSessionPerSec: round(f.sealFresh),
        sealNoSessionRatio: ratio(f.sealFresh / rawSignFresh),
        openNoSessionPerSec: round(f.openFresh),
        openNoSessionRatio: ratio(f.openFresh / rawVerifyFresh),
        verifyOnlyPerSec: round(f.verifyOnly),
        verifyOnlyRatio: ratio(f.verifyOnly / f.rawVerify),
        rawEcdhPerSec: round(f.rawEcdh),
        openNoSessionBoundPerSec: round(openFreshBound),
        openRsaOaepPerSec: round(f.openRsa),
        openRsaOaepRatio: ratio(f.openRsa / rawVerifyOaep),
        openAmongOaepRatio: ratio(openMixed / rawVerifyMixed),
        rawOaepDecryptPerSec: round(f.rawDecrypt),
        signMatchsignaalEcdsaPerSec: round(signalEcdsa),
        rawEcdsaSignPerSec: round(rawEcdsa),
        signMatchsignaalRsaPerSec: round(signalRsa),
        openMatchsignaalEcdsaPerSec: round(openSignalEcdsa),
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
