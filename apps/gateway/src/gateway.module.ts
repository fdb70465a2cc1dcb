import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { Clock, ClockModule } from '@vir/domain';
import { FlowEventPublisher, HealthController, MessageBus, MessagingModule } from '@vir/messaging';
import { Metrics, MetricsModule } from '@vir/metrics';
import { PersistenceModule } from '@vir/persistence';
import { loadTrustStore, oinOfCertificate, TrustStore } from '@vir/pki';
import { DeliveryWorker } from './delivery/delivery.worker';
import { OutboundController } from './delivery/outbound.controller';
import { SignalIntake } from './delivery/signal-intake.service';
import { SignalStore } from './delivery/signal.store';
import { SignalsController } from './delivery/signals.controller';
import { SignalsService } from './delivery/signals.service';
import { WebhookClient } from './delivery/webhook.client';
import type { GatewayConfig } from './gateway.config';
import { gatewayMetrics } from './gateway.metrics';
import { gatewayTlsIdentity } from './gateway-tls';
import { AcknowledgementSigner } from './ingress/acknowledgement.signer';
import { GatewayErrorFilter } from './ingress/gateway-error.filter';
import { BATCH_LIMITS, IngressController, MAX_BODY_BYTES } from './ingress/ingress.controller';
import { PartyAuthenticator } from './ingress/party-authenticator';
import { SubmitMessageUseCase } from './ingress/submit-message.use-case';
import { IngressLedger } from './ingress/ingress.ledger';
import { GATEWAY_MIGRATIONS } from './migrations';
import { AdminController } from './admin/admin.controller';
import { SignalAdminController } from './admin/signal-admin.controller';
import { MessageAdminController } from './admin/message-admin.controller';
import { CertificateAdminController } from './admin/certificate-admin.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { OperatorAuthenticator } from './admin/operator-authenticator';
import { RateLimiter } from './ingress/rate-limiter';
import { readPartiesFile } from './parties/parties-file';
import { CertificateRegister, detailsOfPem } from './parties/certificate-register';
import { PartyAdmin } from './parties/party-admin';
import { PartyRegistry } from './parties/party.registry';
import { PartySettingsPublisher } from './parties/party-settings.publisher';
import { MessageStatusService } from './ingress/message-status.service';
import { RetentionJob } from './retention/retention.job';
import { InThreadSealer, SealerPool, type MeldingSealer } from './ingress/melding-sealer';

const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
const MELDING_SEALER = Symbol('MELDING_SEALER');
import { PartyStore } from './parties/party.store';
import { GATEWAY_ENTITIES } from './persistence/gateway.entities';

/** The gateway's background work: push delivery, and the party settings the index acts on. */
class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DeliveryWorker) private readonly worker: DeliveryWorker,
    @Inject(WebhookClient) private readonly client: WebhookClient,
    @Inject(PartySettingsPublisher) private readonly settings: PartySettingsPublisher,
    @Inject(RetentionJob) private readonly retention: RetentionJob,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(MELDING_SEALER) private readonly sealer: MeldingSealer,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    this.worker.start();
    await this.settings.start();
    this.retention.start(this.config.RETENTION_INTERVAL_MS);
  }
  async onApplicationShutdown(): Promise<void> {
    this.settings.stop();
    await this.retention.stop();
    await this.sealer.close();
    await this.worker.stop();
    this.client.close();
  }
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, clock?: Clock): DynamicModule {
    const indexCertificatePem = readFileSync(config.INDEX_CERT_FILE, 'utf8');
    const indexOin = oinOfCertificate(indexCertificatePem);
    if (!indexOin) throw new Error(`INDEX_CERT_FILE ${config.INDEX_CERT_FILE} carries no OIN`);
    const trustStore = loadTrustStore(
      { rootFile: config.TRUST_ROOT_FILE, intermediatesFile: config.TRUST_INTERMEDIATES_FILE, crlFile: config.TRUST_CRL_FILE },
      { intervalMs: config.CRL_REFRESH_MS, warn: (l) => new Logger('Trust').warn(l) },
    );
    // BSNs are encrypted for this certificate: it must be the index's and fit for encryption.
    const encryptionCertificatePem = config.INDEX_ENCRYPTION_CERT_FILE ? readFileSync(config.INDEX_ENCRYPTION_CERT_FILE, 'utf8') : indexCertificatePem;
    const fit = trustStore.check(encryptionCertificatePem, new Date(), { purpose: 'encryption' });
    if (!fit.trusted) throw new Error(`The index encryption certificate is not usable: ${fit.code} ${fit.reason}`);
    if (fit.oin !== indexOin) throw new Error('The index encryption certificate belongs to another OIN than the index');
    const partiesFile = readPartiesFile(config.PARTIES_FILE);
    const leaseMs = config.DELIVERY_LEASE_MS ?? Math.max(30_000, config.DELIVERY_TIMEOUT_MS * 3);
    if (leaseMs <= config.DELIVERY_TIMEOUT_MS) throw new Error(`DELIVERY_LEASE_MS (${leaseMs}) must exceed DELIVERY_TIMEOUT_MS (${config.DELIVERY_TIMEOUT_MS})`);
    return {
      module: GatewayModule,
      imports: [
        ClockModule.forRoot(clock),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'vir-gateway', component: 'gateway', createTopics: true, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          entities: GATEWAY_ENTITIES,
          migrations: GATEWAY_MIGRATIONS,
          applicationName: 'vir-gateway',
        }),
        MetricsModule.forRoot(new Metrics('vir-gateway')),
      ],
      controllers: [IngressController, SignalsController, AdminController, SignalAdminController, MessageAdminController, CertificateAdminController, OpenApiController, OutboundController, HealthController],
      providers: [
        { provide: APP_FILTER, useClass: GatewayErrorFilter },
        { provide: MAX_BODY_BYTES, useValue: config.MAX_BODY_BYTES },
        { provide: BATCH_LIMITS, useValue: { maxItems: config.BATCH_MAX_ITEMS, maxBytes: config.BATCH_MAX_BYTES } },
        { provide: TrustStore, useValue: trustStore },
        { provide: PartyStore, useFactory: (ds: DataSource) => new PartyStore(ds), inject: [DataSource] },
        {
          provide: CertificateRegister,
          useFactory: async (ds: DataSource, clk: Clock) => {
            const log = new Logger('Certificates');
            const register = new CertificateRegister(ds, clk, (line) => log.warn(line));
            await register.all(); // what is known already needs no write
            for (const pem of partiesFile.certificatePems) await register.record(detailsOfPem(pem), 'parties-file');
            return register;
          },
          inject: [DataSource, Clock],
        },
        {
          // Seeded from PARTIES_FILE (parties the table lacks), then read; re-read periodically.
          provide: PartyRegistry,
          useFactory: async (store: PartyStore, clk: Clock) => {
            const log = new Logger('Parties');
            const registry = new PartyRegistry(store, (line) => log.warn(line));
            const added = await new PartyAdmin(store, registry, clk).seed(partiesFile.records);
            if (added.length > 0) log.log(`Added from PARTIES_FILE: ${added.join(', ')}`);
            await registry.refresh();
            for (const p of registry.all()) if (p.certificates.length === 0) log.warn(`Party ${p.oin} has no registered client certificate: it cannot connect`);
            registry.startRefreshing(config.PARTIES_REFRESH_MS);
            return registry;
          },
          inject: [PartyStore, Clock],
        },
        {
          provide: PartyAdmin,
          useFactory: (store: PartyStore, registry: PartyRegistry, clk: Clock, worker: DeliveryWorker, settings: PartySettingsPublisher, register: CertificateRegister) =>
            new PartyAdmin(store, registry, clk, () => worker.kick(), (party, at) => settings.publish(party, at), { trustStore, register }),
          inject: [PartyStore, PartyRegistry, Clock, DeliveryWorker, PartySettingsPublisher, CertificateRegister],
        },
        { provide: GATEWAY_CONFIG, useValue: config },
        {
          provide: RetentionJob,
          useFactory: (ds: DataSource, clk: Clock) => new RetentionJob(ds, clk, { ingressXmlDays: config.INGRESS_XML_RETENTION_DAYS, signalContentDays: config.SIGNAL_CONTENT_RETENTION_DAYS }),
          inject: [DataSource, Clock],
        },
        { provide: MessageStatusService, useFactory: (ds: DataSource) => new MessageStatusService(ds), inject: [DataSource] },
        {
          provide: PartySettingsPublisher,
          useFactory: (bus: MessageBus, store: PartyStore) => new PartySettingsPublisher(bus, store),
          inject: [MessageBus, PartyStore],
        },
        { provide: OperatorAuthenticator, useValue: new OperatorAuthenticator(config.OPERATOR_TOKENS ?? '') },
        { provide: RateLimiter, useValue: new RateLimiter() },
        {
          provide: PartyAuthenticator,
          useFactory: (parties: PartyRegistry, clk: Clock, register: CertificateRegister) =>
            new PartyAuthenticator(parties, trustStore, clk, (pem, fingerprint) => register.learnFromHandshake(pem, fingerprint)),
          inject: [PartyRegistry, Clock, CertificateRegister],
        },
        { provide: WebhookClient, useFactory: () => new WebhookClient(config.DELIVERY_TIMEOUT_MS, gatewayTlsIdentity(config)) },
        ...(config.GATEWAY_KEY_FILE && config.GATEWAY_CERT_FILE
          ? [
              {
                provide: AcknowledgementSigner,
                useFactory: (clk: Clock) => {
                  const certificatePem = readFileSync(config.GATEWAY_CERT_FILE!, 'utf8');
                  const oin = oinOfCertificate(certificatePem);
                  if (!oin) throw new Error(`GATEWAY_CERT_FILE ${config.GATEWAY_CERT_FILE} carries no OIN`);
                  return new AcknowledgementSigner({ oin, privateKey: createPrivateKey(readFileSync(config.GATEWAY_KEY_FILE!)), certificatePem }, clk);
                },
                inject: [Clock],
              },
            ]
          : []),
        { provide: IngressLedger, useFactory: (ds: DataSource) => new IngressLedger(ds), inject: [DataSource] },
        {
          provide: SubmitMessageUseCase,
          useFactory: (bus: MessageBus, flow: FlowEventPublisher, clk: Clock, ledger: IngressLedger, sealer: MeldingSealer) =>
            new SubmitMessageUseCase(bus, flow, clk, trustStore, encryptionCertificatePem, config.MAX_BODY_BYTES, ledger, indexOin, sealer),
          inject: [MessageBus, FlowEventPublisher, Clock, IngressLedger, MELDING_SEALER],
        },
        {
          provide: MELDING_SEALER,
          useFactory: (): MeldingSealer =>
            config.SEAL_WORKERS > 0
              ? new SealerPool({ recipientCertificatePem: encryptionCertificatePem, bsnEncryption: config.BSN_ENCRYPTION }, config.SEAL_WORKERS)
              : new InThreadSealer(encryptionCertificatePem, config.BSN_ENCRYPTION),
        },
        { provide: SignalStore, useFactory: (ds: DataSource) => new SignalStore(ds), inject: [DataSource] },
        {
          provide: DeliveryWorker,
          useFactory: (store: SignalStore, parties: PartyRegistry, client: WebhookClient, flow: FlowEventPublisher, clk: Clock, metrics: Metrics, ds: DataSource) =>
            new DeliveryWorker(store, parties, client, trustStore, flow, clk, {
              pollMs: config.DELIVERY_POLL_MS,
              retryBaseMs: config.DELIVERY_RETRY_BASE_MS,
              giveUpMs: config.DELIVERY_GIVE_UP_MS,
              leaseMs,
              ...gatewayMetrics(metrics, flow, ds),
            }),
          inject: [SignalStore, PartyRegistry, WebhookClient, FlowEventPublisher, Clock, Metrics, DataSource],
        },
        {
          provide: SignalsService,
          useFactory: (store: SignalStore, flow: FlowEventPublisher, clk: Clock, worker: DeliveryWorker) =>
            new SignalsService(store, trustStore, flow, clk, config.PULL_VISIBILITY_TIMEOUT_MS, () => worker.kick()),
          inject: [SignalStore, FlowEventPublisher, Clock, DeliveryWorker],
        },
        {
          provide: SignalIntake,
          useFactory: (ds: DataSource, parties: PartyRegistry, worker: DeliveryWorker, flow: FlowEventPublisher, clk: Clock) =>
            new SignalIntake(ds, trustStore, indexOin, parties, worker, flow, clk),
          inject: [DataSource, PartyRegistry, DeliveryWorker, FlowEventPublisher, Clock],
        },
        BackgroundWork,
      ],
    };
  }
}
