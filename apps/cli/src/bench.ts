// `npm run bench -- <name>`: micro-benchmarks of the hot paths, one core, no workers. Each
// benchmark prints readable lines and, as its last line, one JSON object for tooling.

type Bench = (args: string[]) => Promise<void>;

const BENCHES: Record<string, { describe: string; load: () => Promise<Bench> }> = {
  xml: {
    describe: 'seal (sign+encrypt) and open (verify+decrypt, XSD) of meldingen against raw RSA-2048/SHA-256',
    load: async () => (await import('./bench/xml.bench')).runXmlBench,
  },
  index: {
    describe: 'one index instance processing meldingen (verify, decrypt, match, sign signals, outbox) at 10k and --stored N (default 2M) stored meldingen',
    load: async () => (await import('./bench/index.bench')).runIndexBench,
  },
  gateway: {
    describe: 'the whole stack driven by concurrent regional clients over mutual TLS: batches, single requests, p99 at 200/s, end to end to the webhook',
    load: async () => (await import('./bench/gateway.bench')).runGatewayBench,
  },
  archive: {
    describe: "the index's lifecycle job (a day's endings and purges) and inzage requests against --stored N (default 2M) meldingen with their matches",
    load: async () => (await import('./bench/archive.bench')).runArchiveBench,
  },
  monitor: {
    describe: 'the monitor ingesting --events N (default 1M) flow events into its read model, then p95 of the console pages',
    load: async () => (await import('./bench/monitor.bench')).runMonitorBench,
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const bench = name !== undefined ? BENCHES[name] : undefined;
  if (!bench) {
    console.error(`${name === undefined ? 'Which benchmark?' : `Unknown benchmark '${name}'.`} Available:`);
    for (const [key, b] of Object.entries(BENCHES)) console.error(`  ${key.padEnd(8)} ${b.describe}`);
    console.error('Usage: npm run bench -- <name>');
    process.exit(2);
  }
  await (await bench.load())(args);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
