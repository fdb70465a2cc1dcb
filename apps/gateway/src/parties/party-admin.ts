import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { OIN_PATTERN } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import type { TrustStore } from '@vir/pki';
import { GatewayError } from '../ingress/gateway.error';
import { parseJson } from '../ingress/request-body';
import { certificateReport, detailsOfPem, type CertificateDetails, type CertificateRegister, type CertificateReportEntry } from './certificate-register';
import { normalizeFingerprint, pushBatchProblem, type PartyRecord } from './party';
import { CreatePartyDto, SuspendPartyDto, UpdatePartyDto } from './party-admin.dto';
import { loadTenantSigner } from './party-signer';
import type { PartyRegistry } from './party.registry';
import type { PartyAuditEntry, PartyStore } from './party.store';

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [...Object.values(e.constraints ?? {}).map((m) => `${prefix}${m}`), ...describe(e.children ?? [], `${prefix}${e.property}.`)]);
}

function parse<T extends object>(cls: new () => T, rawBody: string): T {
  const body = rawBody.trim() === '' ? {} : parseJson(rawBody);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('VALIDATION_FAILED', 'The body must be a JSON object');
  const dto = plainToInstance(cls, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new GatewayError('VALIDATION_FAILED', 'Missing or malformed fields', describe(errors));
  return dto;
}

/** What must hold for any party record, whichever way it was made. */
function checkRecord(p: PartyRecord): PartyRecord {
  const problems: string[] = [];
  if (new Set(p.certificates).size !== p.certificates.length) problems.push('certificates: listed twice');
  if (p.kind === 'regional') {
    if (!p.signingKeyFile || !p.signingCertFile) problems.push('regional tenants need signingKeyFile and signingCertFile: the gateway signs for them');
    else {
      try {
        loadTenantSigner(p.oin, p.signingKeyFile, p.signingCertFile);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  } else if (p.signingKeyFile || p.signingCertFile) problems.push('direct parties sign their own messages: no signingKeyFile/signingCertFile');
  const batchProblem = pushBatchProblem(p);
  if (batchProblem) problems.push(batchProblem);
  if (problems.length > 0) throw new GatewayError('VALIDATION_FAILED', 'The party settings are not usable', problems);
  return p;
}

const PEM = /^\s*-----BEGIN CERTIFICATE-----/;

/** Certificates given as PEM are checked against the trust store and their details recorded. */
export interface CertificateIntake {
  trustStore: TrustStore;
  register: CertificateRegister;
}

/**
 * The operators' use cases on parties: list, show (with the audit trail), create, update, suspend
 * and resume. Every change is audited with the operator's name; the registry (ingress, delivery)
 * sees it at once. Suspending keeps everything: queued signals wait and are delivered after resume.
 */
export class PartyAdmin {
  constructor(
    private readonly store: PartyStore,
    private readonly registry: PartyRegistry,
    private readonly clock: Clock,
    /** Called after a resume: queued signals may go out now. */
    private readonly onResume: () => void = () => undefined,
    /** Called after a create or update (the index learns the party's local-matching setting). */
    private readonly onChange: (party: PartyRecord, at: Date) => Promise<void> = async () => undefined,
    private readonly intake?: CertificateIntake,
  ) {}

  /**
   * The fingerprints of the given certificates, and the details of those given as PEM: each must
   * be trusted now and carry the party's own OIN (a certificate of another party is refused here,
   * not only at its first connection).
   */
  private certificatesOf(list: string[], oin: string): { fingerprints: string[]; learned: CertificateDetails[] } {
    const fingerprints: string[] = [];
    const learned: CertificateDetails[] = [];
    const problems: string[] = [];
    list.forEach((entry, i) => {
      if (!PEM.test(entry)) {
        fingerprints.push(normalizeFingerprint(entry)!);
        return;
      }
      let details: CertificateDetails;
      try {
        details = detailsOfPem(entry);
      } catch {
        problems.push(`certificates[${i}]: not a readable PEM certificate`);
        return;
      }
      const trust = this.intake?.trustStore.check(entry, this.clock.now());
      if (trust && !trust.trusted) problems.push(`certificates[${i}]: not trusted (${trust.code}: ${trust.reason})`);
      if (details.oin !== oin) problems.push(`certificates[${i}]: it carries OIN ${details.oin || '(none)'}, not the party's ${oin}`);
      fingerprints.push(details.fingerprint);
      learned.push(details);
    });
    if (problems.length > 0) throw new GatewayError('VALIDATION_FAILED', 'The certificates are not usable', problems);
    return { fingerprints, learned };
  }

  private async learn(details: CertificateDetails[]): Promise<void> {
    for (const d of details) await this.intake?.register.record(d, 'registration');
  }

  list(): Promise<PartyRecord[]> {
    return this.store.all();
  }

  async get(oin: string): Promise<PartyRecord> {
    const party = OIN_PATTERN.test(oin) ? await this.store.get(oin) : undefined;
    if (!party) throw new GatewayError('PARTY_NOT_FOUND', `No party with OIN ${oin.slice(0, 20)}`);
    return party;
  }

  /** Every party's certificates with their expiry (`expiring`: within `withinDays`), soonest first. */
  async certificates(withinDays: number): Promise<CertificateReportEntry[]> {
    const known = this.intake ? await this.intake.register.all() : new Map<string, CertificateDetails>();
    return certificateReport(this.registry.all(), known, this.clock.now(), withinDays);
  }

  async audit(oin: string): Promise<PartyAuditEntry[]> {
    await this.get(oin);
    return this.store.audit(oin);
  }

  async create(rawBody: string, actor: string): Promise<PartyRecord> {
    const dto = parse(CreatePartyDto, rawBody);
    const certificates = this.certificatesOf(dto.certificates, dto.oin);
    const record = checkRecord({
      oin: dto.oin,
      name: dto.name,
      kind: dto.kind,
      convenant: dto.convenant,
      certificates: certificates.fingerprints,
      webhookUrl: dto.webhookUrl ?? null,
      pull: dto.pull ?? false,
      deliveryFormat: dto.deliveryFormat ?? (dto.kind === 'regional' ? 'json' : 'xml'),
      localMatching: dto.localMatching ?? false,
      rateLimitPerSecond: dto.rateLimitPerSecond ?? null,
      status: 'active',
      statusReason: null,
      signingKeyFile: dto.signingKeyFile ?? null,
      signingCertFile: dto.signingCertFile ?? null,
      pushBatchSize: dto.pushBatchSize ?? 1,
    });
    const at = this.clock.now();
    if (!(await this.store.insert(record, actor, 'create', at))) throw new GatewayError('PARTY_EXISTS', `A party with OIN ${record.oin} exists already`);
    await this.learn(certificates.learned);
    this.registry.apply(record);
    await this.onChange(record, at);
    return record;
  }

  async update(oin: string, rawBody: string, actor: string): Promise<PartyRecord> {
    const dto = parse(UpdatePartyDto, rawBody);
    const certificates = dto.certificates === undefined ? undefined : this.certificatesOf(dto.certificates, oin);
    const changed = await this.change(oin, actor, 'update', (current) => {
      const next: PartyRecord = { ...current };
      for (const key of ['name', 'convenant', 'webhookUrl', 'pull', 'deliveryFormat', 'pushBatchSize', 'localMatching', 'rateLimitPerSecond', 'signingKeyFile', 'signingCertFile'] as const) {
        if (dto[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = dto[key];
      }
      if (certificates !== undefined) next.certificates = certificates.fingerprints;
      return checkRecord(next);
    });
    await this.learn(certificates?.learned ?? []);
    await this.onChange(changed.party, changed.at);
    return changed.party;
  }

  async suspend(oin: string, rawBody: string, actor: string): Promise<PartyRecord> {
    const dto = parse(SuspendPartyDto, rawBody);
    const changed = await this.change(oin, actor, 'suspend', (current) => {
      if (current.status === 'suspended') throw new GatewayError('STATUS_UNCHANGED', 'The party is suspended already');
      return { ...current, status: 'suspended', statusReason: dto.reason ?? null };
    });
    return changed.party;
  }

  async resume(oin: string, actor: string): Promise<PartyRecord> {
    const changed = await this.change(oin, actor, 'resume', (current) => {
      if (current.status === 'active') throw new GatewayError('STATUS_UNCHANGED', 'The party is active already');
      return { ...current, status: 'active', statusReason: null };
    });
    this.onResume();
    return changed.party;
  }

  /** The parties of PARTIES_FILE that the table does not have yet (first start, or added to the file later). */
  async seed(records: PartyRecord[]): Promise<string[]> {
    const added: string[] = [];
    for (const r of records) if (await this.store.insert(r, 'PARTIES_FILE', 'seed', this.clock.now())) added.push(r.oin);
    return added;
  }

  /** The changed party, and the time written as its last change. */
  private async change(oin: string, actor: string, action: 'update' | 'suspend' | 'resume', mutate: (current: PartyRecord) => PartyRecord): Promise<{ party: PartyRecord; at: Date }> {
    await this.get(oin);
    const at = this.clock.now();
    const changed = await this.store.change(oin, mutate, actor, action, at);
    if (!changed) throw new GatewayError('PARTY_NOT_FOUND', `No party with OIN ${oin}`);
    this.registry.apply(changed.after);
    return { party: changed.after, at };
  }
}
