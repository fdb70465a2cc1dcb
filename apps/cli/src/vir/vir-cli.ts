import { parseArgs, type ParseArgsConfig } from 'node:util';
import { REVOCATION_REASONS } from '@vir/pki';
import { accountAdd, accountDisable, accountList, accountResetPassword } from './account-commands';
import { CliError, type CliIo } from './cli-io';
import { monitorRebuild } from './monitor-commands';
import { render, sign, verify } from './message-commands';
import { partyAdd, partyCertificates, partyList, partyResume, partyShow, partySuspend, partyUpdate, type PartyOptions } from './party-commands';
import { signalList, signalResend, signalShow } from './signal-commands';
import { pkiCrl, pkiExpiring, pkiIssue, pkiList, pkiPromote, pkiRevoke, pkiRoot } from './pki-commands';

// The operators' command line: one table of commands, from which the help text is made too.

type Values = Record<string, string | boolean | undefined>;

interface Command {
  name: string;
  args: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Named positionals, all required. */
  positionals: number;
  run(io: CliIo, p: string[], v: Values, pkiDir: string | undefined): Promise<number>;
}

const str = (v: Values, key: string) => v[key] as string | undefined;
const flag = (v: Values, key: string) => v[key] === true;
const list = (v: Values, key: string) => (v as Record<string, unknown>)[key] as string[] | undefined;

/** Options of `vir party add` and `vir party update` (the settings of a party). */
const PARTY_SETTINGS: NonNullable<ParseArgsConfig['options']> = {
  name: { type: 'string' },
  convenant: { type: 'string' },
  cert: { type: 'string', multiple: true },
  fingerprint: { type: 'string', multiple: true },
  webhook: { type: 'string' },
  'no-webhook': { type: 'boolean' },
  pull: { type: 'boolean' },
  'no-pull': { type: 'boolean' },
  format: { type: 'string' },
  'push-batch': { type: 'string' },
  'local-matching': { type: 'boolean' },
  'no-local-matching': { type: 'boolean' },
  'rate-limit': { type: 'string' },
  'no-rate-limit': { type: 'boolean' },
  'signing-key': { type: 'string' },
  'signing-cert': { type: 'string' },
  'admin-url': { type: 'string' },
};

function partyOptions(v: Values): PartyOptions {
  return {
    oin: str(v, 'oin'),
    name: str(v, 'name'),
    kind: str(v, 'kind'),
    convenant: str(v, 'convenant'),
    certs: list(v, 'cert'),
    fingerprints: list(v, 'fingerprint'),
    addCerts: list(v, 'add-cert'),
    removeCerts: list(v, 'remove-cert'),
    webhook: str(v, 'webhook'),
    noWebhook: flag(v, 'no-webhook'),
    pull: flag(v, 'pull'),
    noPull: flag(v, 'no-pull'),
    format: str(v, 'format'),
    pushBatch: str(v, 'push-batch'),
    localMatching: flag(v, 'local-matching'),
    noLocalMatching: flag(v, 'no-local-matching'),
    rateLimit: str(v, 'rate-limit'),
    noRateLimit: flag(v, 'no-rate-limit'),
    signingKey: str(v, 'signing-key'),
    signingCert: str(v, 'signing-cert'),
  };
}

const admin = (v: Values) => ({ url: str(v, 'admin-url') });
const ADMIN_URL: NonNullable<ParseArgsConfig['options']> = { 'admin-url': { type: 'string' } };

const COMMANDS: Command[] = [
  {
    name: 'render',
    args: '<melding.json|-> --party <name|OIN> [--convenant <code>] [--out <file>]',
    summary:
      "A tenant's JSON melding as the national XML the gateway sends: validated with the gateway's rules\n" +
      "(exit 2 with the codes), BSNs encrypted for the index, signed with the party's dev key.",
    options: { party: { type: 'string' }, convenant: { type: 'string' }, out: { type: 'string' }, 'index-cert': { type: 'string' } },
    positionals: 1,
    run: (io, [input], v, dir) =>
      render(io, dir, { input, party: required(v, 'party'), convenant: str(v, 'convenant'), out: str(v, 'out'), indexCert: str(v, 'index-cert') }),
  },
  {
    name: 'sign',
    args: '<file.json|file.xml|-> --party <name|OIN> [--type <Melding|Matchsignaal|…>] [--out <file>]',
    summary:
      'Signed national XML for the party, from a tenant JSON melding, a national message as JSON\n' +
      '(berichtId, afzenderOin, verzonden filled in when absent) or an unsigned <Melding>/<Matchsignaal>.',
    options: {
      party: { type: 'string' },
      type: { type: 'string' },
      convenant: { type: 'string' },
      out: { type: 'string' },
      'index-cert': { type: 'string' },
    },
    positionals: 1,
    run: (io, [input], v, dir) =>
      sign(io, dir, {
        input,
        party: required(v, 'party'),
        type: str(v, 'type'),
        convenant: str(v, 'convenant'),
        out: str(v, 'out'),
        indexCert: str(v, 'index-cert'),
      }),
  },
  {
    name: 'verify',
    args: '<signed.xml|-> [--at <ISO time>] [--party <name|OIN>]',
    summary:
      'Who signed a national message and why it is or is not trusted: chain, validity, revocation,\n' +
      'key usage, OIN, signature, AfzenderOin = signer. Exit 0 only when trusted.',
    options: { at: { type: 'string' }, party: { type: 'string' } },
    positionals: 1,
    run: (io, [input], v, dir) => verify(io, dir, { input, at: str(v, 'at'), party: str(v, 'party') }),
  },
  {
    name: 'pki issue',
    args: '<name> --oin <20 digits> --cn "<name>" [--rollover] [--key-encipherment] [--days <n>]',
    summary:
      'Issues a party certificate with a new key. An existing party keeps its OIN and name unless given;\n' +
      'its old certificate stays valid until revoked. --rollover adds <name>.next beside the current one.',
    options: {
      oin: { type: 'string' },
      cn: { type: 'string' },
      rollover: { type: 'boolean' },
      'key-encipherment': { type: 'boolean' },
      days: { type: 'string' },
    },
    positionals: 1,
    run: (io, [name], v, dir) =>
      pkiIssue(io, dir, {
        name,
        oin: str(v, 'oin'),
        cn: str(v, 'cn'),
        rollover: flag(v, 'rollover'),
        keyEncipherment: flag(v, 'key-encipherment'),
        days: str(v, 'days'),
      }),
  },
  {
    name: 'pki promote',
    args: '<name> [--keep-old]',
    summary: 'Ends a rollover: <name>.next becomes <name>; the old certificate is revoked (superseded) unless --keep-old.',
    options: { 'keep-old': { type: 'boolean' } },
    positionals: 1,
    run: (io, [name], v, dir) => pkiPromote(io, dir, name, flag(v, 'keep-old')),
  },
  {
    name: 'pki revoke',
    args: '<name|serial> [--reason <reason>]',
    summary:
      'Revokes a certificate and publishes a new CRL. --reason (default unspecified), one of:\n' +
      `${REVOCATION_REASONS.slice(0, 5).join(', ')},\n${REVOCATION_REASONS.slice(5).join(', ')}.`,
    options: { reason: { type: 'string' } },
    positionals: 1,
    run: (io, [ref], v, dir) => pkiRevoke(io, dir, ref, str(v, 'reason')),
  },
  {
    name: 'pki crl',
    args: '[--text]',
    summary: "The issuing CA's current CRL as PEM (re-published when past half its life); --text: readable.",
    options: { text: { type: 'boolean' } },
    positionals: 0,
    run: (io, _p, v, dir) => pkiCrl(io, dir, flag(v, 'text')),
  },
  {
    name: 'pki root',
    args: '',
    summary: 'The CA certificates as PEM: the root, then the issuing CA (e.g. vir pki root > ca.pem).',
    options: {},
    positionals: 0,
    run: (io, _p, _v, dir) => pkiRoot(io, dir),
  },
  {
    name: 'pki expiring',
    args: '[--days <n>]',
    summary: 'Certificates that expire within n days (default 60), expired ones included, soonest first.',
    options: { days: { type: 'string' } },
    positionals: 0,
    run: (io, _p, v, dir) => pkiExpiring(io, dir, str(v, 'days')),
  },
  {
    name: 'pki list',
    args: '',
    summary: 'Every party certificate with OIN, serial, expiry and whether it is trusted now.',
    options: {},
    positionals: 0,
    run: (io, _p, _v, dir) => pkiList(io, dir),
  },
  {
    name: 'account add',
    args: '<username> --role <beheerder|convenantbeheerder|read-only> [--convenant <area>] [--password-stdin]',
    summary:
      "A console account in the monitor's database (DATABASE_URL, DATABASE_SCHEMA default vir_monitor).\n" +
      'A convenantbeheerder needs --convenant. The password is read from standard input with\n' +
      '--password-stdin (at least 12 characters), or generated and printed once on standard output.',
    options: { role: { type: 'string' }, convenant: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    positionals: 1,
    run: (io, [username], v) => accountAdd(io, { username, role: required(v, 'role'), convenant: str(v, 'convenant'), passwordStdin: flag(v, 'password-stdin') }),
  },
  {
    name: 'account list',
    args: '',
    summary: 'Every console account with its role, area and state (active, locked, disabled).',
    options: {},
    positionals: 0,
    run: (io) => accountList(io),
  },
  {
    name: 'account disable',
    args: '<username>',
    summary: 'Disables an account and ends its sessions at once (vir account enable undoes it).',
    options: {},
    positionals: 1,
    run: (io, [username]) => accountDisable(io, username, true),
  },
  {
    name: 'account enable',
    args: '<username>',
    summary: 'Enables a disabled account.',
    options: {},
    positionals: 1,
    run: (io, [username]) => accountDisable(io, username, false),
  },
  {
    name: 'account reset-password',
    args: '<username> [--password-stdin]',
    summary: 'A new password (from standard input, or generated and printed once); clears a lockout, ends sessions.',
    options: { 'password-stdin': { type: 'boolean' } },
    positionals: 1,
    run: (io, [username], v) => accountResetPassword(io, username, flag(v, 'password-stdin')),
  },
  {
    name: 'monitor rebuild',
    args: '',
    summary:
      "Rebuilds the monitor's read model from the flow-event topic: with every monitor stopped, empties\n" +
      'events, summaries and aggregates (accounts and audit stay) and moves its consumer group to the\n' +
      'start of the topic (DATABASE_URL, DATABASE_SCHEMA, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX).',
    options: {},
    positionals: 0,
    run: (io) => monitorRebuild(io),
  },
];

// The gateway's parties, through its admin API (see README, "Parties").
COMMANDS.push(
  {
    name: 'party list',
    args: '[--json]',
    summary: "The gateway's parties: OIN, status, kind, covenant, registered certificates, delivery, name.",
    options: { json: { type: 'boolean' }, ...ADMIN_URL },
    positionals: 0,
    run: (io, _p, v) => partyList(io, admin(v), flag(v, 'json')),
  },
  {
    name: 'party show',
    args: '<oin> [--json]',
    summary: 'One party with all its settings, and its audit trail (who changed what, when).',
    options: { json: { type: 'boolean' }, ...ADMIN_URL },
    positionals: 1,
    run: (io, [oin], v) => partyShow(io, admin(v), oin, flag(v, 'json')),
  },
  {
    name: 'party add',
    args:
      '--oin <20 digits> --name <name> --kind regional|direct --convenant <n> [--cert <pem>]… [--fingerprint <sha256>]…\n' +
      '      [--webhook <url>] [--pull] [--format json|xml] [--push-batch <n>] [--local-matching] [--rate-limit <n>]\n' +
      '      [--signing-key <file> --signing-cert <file>]',
    summary:
      'Registers a party. --cert: a client certificate it connects with (sent as PEM: the gateway checks\n' +
      'it and watches its expiry; --fingerprint registers a SHA-256 fingerprint only, its expiry learned at\n' +
      'the first connection; two certificates during a rollover). Regional tenants need --signing-key/--signing-cert: files on the\n' +
      "gateway's host the gateway signs their messages with.",
    options: { oin: { type: 'string' }, kind: { type: 'string' }, ...PARTY_SETTINGS },
    positionals: 0,
    run: (io, _p, v) => partyAdd(io, admin(v), partyOptions(v)),
  },
  {
    name: 'party update',
    args: '<oin> [settings as for add] [--add-cert <pem|sha256>] [--remove-cert <pem|sha256>] [--no-webhook] [--no-pull] [--no-rate-limit] [--no-local-matching]',
    summary: 'Changes a party\'s settings (OIN and kind never change). --cert replaces the certificates;\n--add-cert/--remove-cert for a rollover.',
    options: { ...PARTY_SETTINGS, 'add-cert': { type: 'string', multiple: true }, 'remove-cert': { type: 'string', multiple: true } },
    positionals: 1,
    run: (io, [oin], v) => partyUpdate(io, admin(v), oin, partyOptions(v)),
  },
  {
    name: 'party certificates',
    args: '[--within-days <n>] [--expiring] [--json]',
    summary:
      "Every party's client certificates and every tenant's signing certificate with its expiry, soonest first\n" +
      '(unknown: registered by fingerprint and not yet presented). --expiring: only those expiring within\n' +
      '--within-days (default 60) or expired, exit status 1 when there are any.',
    options: { 'within-days': { type: 'string' }, expiring: { type: 'boolean' }, json: { type: 'boolean' }, ...ADMIN_URL },
    positionals: 0,
    run: (io, _p, v) => partyCertificates(io, admin(v), str(v, 'within-days'), flag(v, 'expiring'), flag(v, 'json')),
  },
  {
    name: 'party suspend',
    args: '<oin> [--reason <text>]',
    summary: 'Suspends a party: its requests are refused (PARTY_SUSPENDED) and its signals wait, nothing is lost.',
    options: { reason: { type: 'string' }, ...ADMIN_URL },
    positionals: 1,
    run: (io, [oin], v) => partySuspend(io, admin(v), oin, str(v, 'reason')),
  },
  {
    name: 'party resume',
    args: '<oin>',
    summary: 'Resumes a suspended party: it may connect again and its waiting signals are delivered, in order.',
    options: { ...ADMIN_URL },
    positionals: 1,
    run: (io, [oin], v) => partyResume(io, admin(v), oin),
  },
);

// The gateway's signals, through its admin API (see README, "Delivery of signals").
COMMANDS.push(
  {
    name: 'signal list',
    args: '[--party <oin>] [--status queued|sent|retrying|delivered|acknowledged|failed] [--limit <n>] [--json]',
    summary: "The gateway's signals, newest first: id, status, type, party, attempts, last error.",
    options: { party: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, ...ADMIN_URL },
    positionals: 0,
    run: (io, _p, v) => signalList(io, admin(v), { party: str(v, 'party'), status: str(v, 'status'), limit: str(v, 'limit') }, flag(v, 'json')),
  },
  {
    name: 'signal show',
    args: '<id> [--json]',
    summary: 'One signal: its status, every transition (attempts, errors, who resent it), the follow-up reported.',
    options: { json: { type: 'boolean' }, ...ADMIN_URL },
    positionals: 1,
    run: (io, [id], v) => signalShow(io, admin(v), id, flag(v, 'json')),
  },
  {
    name: 'signal resend',
    args: '<id> [--reason <text>]',
    summary: 'Resends a failed signal: queued again in its place in the party\'s order (recorded with your operator name).',
    options: { reason: { type: 'string' }, ...ADMIN_URL },
    positionals: 1,
    run: (io, [id], v) => signalResend(io, admin(v), id, str(v, 'reason')),
  },
);

const GLOBAL_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  'pki-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

function required(v: Values, key: string): string {
  const value = str(v, key);
  if (!value) throw new CliError(`--${key} is required`);
  return value;
}

export function usage(): string {
  return [
    'Usage: npm run -s vir -- <command> [options]',
    '',
    'Operators\' tool for the national messages, the development PKI, the gateway\'s parties and the console\'s accounts.',
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => [
      `  vir ${c.name}${c.args ? ` ${c.args}` : ''}`,
      ...c.summary.split('\n').map((line) => `      ${line}`),
    ]),
    '  vir help',
    '      This text.',
    '',
    'Options for every command:',
    '  --pki-dir <dir>   PKI directory (default: certs/dev, or $VIR_PKI_DIR); a development PKI is',
    '                    generated there when it has no CA yet.',
    '',
    'Parties are named by file stem in the PKI directory (regio-nhn, rvdk, rvdk.next, …) or by OIN.',
    '`vir party …` and `vir signal …` talk to the gateway\'s admin API: --admin-url or VIR_ADMIN_URL (default: the one',
    '`npm start` runs), operator token in VIR_OPERATOR_TOKEN (default: the development token).',
    'Exit status: 0 done (verify: trusted), 1 failed (verify: not trusted), 2 bad usage or input.',
    '',
  ].join('\n');
}

/** Runs one command line; returns the exit status. Never throws. */
export async function runVir(argv: string[], io: CliIo): Promise<number> {
  // First pass, lenient and with every command's options, only to find the command words.
  const allOptions = Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options)) as typeof GLOBAL_OPTIONS;
  let words: string[];
  try {
    words = parseArgs({ args: argv, options: allOptions, allowPositionals: true, strict: false }).positionals;
  } catch {
    words = argv.filter((a) => !a.startsWith('-'));
  }
  if (argv.length === 0 || words[0] === 'help' || ((argv.includes('--help') || argv.includes('-h')) && words.length === 0)) {
    io.out(usage());
    return 0;
  }
  const command =
    COMMANDS.find((c) => c.name === `${words[0]} ${words[1]}`) ?? COMMANDS.find((c) => c.name === words[0]);
  if (!command) {
    io.err(`vir: unknown command '${words.slice(0, ['pki', 'party', 'account', 'monitor'].includes(words[0]) ? 2 : 1).join(' ')}'\n\n${usage()}`);
    return 2;
  }
  const nameWords = command.name.split(' ').length;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(`Usage: vir ${command.name} ${command.args}\n${command.summary}\n`);
      return 0;
    }
    const rest = positionals.slice(nameWords);
    if (rest.length !== command.positionals) {
      throw new CliError(`usage: vir ${command.name} ${command.args}`);
    }
    return await command.run(io, rest, values as Values, values['pki-dir'] as string | undefined);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`vir ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    const e = error as { code?: string; message?: string };
    if (e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`vir ${command.name}: ${e.message}\nusage: vir ${command.name} ${command.args}\n`);
      return 2;
    }
    io.err(`vir ${command.name}: ${e.message ?? String(error)}\n`);
    return 1;
  }
}
