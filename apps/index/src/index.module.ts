import { DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, ClockModule } from '@vir/domain';
import { FlowEventPublisher, HealthController, MessageBus, MessagingModule } from '@vir/messaging';
import { Metrics, MetricsModule } from '@vir/metrics';
import { PersistenceModule } from '@vir/persistence';
import type { IndexConfig } from './index.config';
import { CHUNK_OBSERVER, indexMetrics } from './index.metrics';
import { IndexCrypto, type IndexCryptoFiles } from './matching/index-crypto';
import { InThreadXml, type IndexXml } from './matching/index-xml';
import { XmlWorkerPool } from './matching/xml-worker.pool';
import { InboundController } from './matching/inbound.controller';
import { MeldingProcessor } from './matching/melding-processor.service';
import { MeldingStore } from './matching/melding.store';
import { OutboxRelay } from './matching/outbox.relay';
import { parsePseudonymKeys, Pseudonymizer } from './matching/pseudonymizer';
import { INDEX_MIGRATIONS } from './migrations';
import { LifecycleJob } from './lifecycle/lifecycle.job';
import { MeldingEndingService } from './lifecycle/melding-ending.service';
import { API_TOKENS } from './inzage/api-token.guard';
import { InzageController } from './inzage/inzage.controller';
import { InzageService } from './inzage/inzage.service';
import { INDEX_ENTITIES } from './persistence/index.entities';
import { PartySettingsPolicy } from './parties/party-settings.policy';
import { PartySettingsController } from './parties/party-settings.controller';

const CONFIG = Symbol('INDEX_CONFIG');
const INDEX_XML = Symbol('INDEX_XML');

/** The index's background work: the outbox relay and the lifecycle job. */
class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(LifecycleJob) private readonly lifecycle: LifecycleJob,
    @Inject(CONFIG) private readonly config: IndexConfig,
    @Inject(INDEX_XML) private readonly xml: IndexXml,
    @Inject(PartySettingsPolicy) private readonly partySettings: PartySettingsPolicy,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.partySettings.start(this.config.PARTY_SETTINGS_REFRESH_MS);
    this.relay.start();
    this.lifecycle.start(this.config.LIFECYCLE_INTERVAL_MS);
  }
  async onApplicationShutdown(): Promise<void> {
    this.partySettings.stop();
    await this.lifecycle.stop();
    await this.relay.stop();
    await this.xml.close();
  }
}

@Module({})
export class IndexModule {
  static forRoot(config: IndexConfig, clock?: Clock): DynamicModule {
    const cryptoFiles: IndexCryptoFiles = {
      keyFile: config.INDEX_KEY_FILE,
      certFile: config.INDEX_CERT_FILE,
      rootFile: config.TRUST_ROOT_FILE,
      intermediatesFile: config.TRUST_INTERMEDIATES_FILE,
      crlFile: config.TRUST_CRL_FILE,
      decryptionKeyFile: config.INDEX_DECRYPTION_KEY_FILE,
      decryptionCertFile: config.INDEX_DECRYPTION_CERT_FILE,
      signingKeyFile: config.INDEX_SIGNING_KEY_FILE,
      signingCertFile: config.INDEX_SIGNING_CERT_FILE,
    };
    return {
      module: IndexModule,
      imports: [
        ClockModule.forRoot(clock),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'vir-index', component: 'index', createTopics: true, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          entities: INDEX_ENTITIES,
          migrations: INDEX_MIGRATIONS,
          applicationName: 'vir-index',
        }),
        MetricsModule.forRoot(new Metrics('vir-index')),
      ],
      controllers: [InboundController, PartySettingsController, InzageController, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CHUNK_OBSERVER, useFactory: (m: Metrics, f: FlowEventPublisher, ds: DataSource) => indexMetrics(m, f, ds), inject: [Metrics, FlowEventPublisher, DataSource] },
        { provide: IndexCrypto, useFactory: () => new IndexCrypto(cryptoFiles, { intervalMs: config.CRL_REFRESH_MS, warn: (l) => new Logger('Trust').warn(l) }) },
        {
          provide: INDEX_XML,
          useFactory: (c: IndexCrypto) =>
            config.INDEX_XML_WORKERS > 0 ? new XmlWorkerPool(c.signer.oin, { files: cryptoFiles, crlRefreshMs: config.CRL_REFRESH_MS }, config.INDEX_XML_WORKERS) : new InThreadXml(c),
          inject: [IndexCrypto],
        },
        {
          provide: Pseudonymizer,
          useFactory: () => new Pseudonymizer({ version: config.PSEUDONYM_KEY_VERSION, keyBase64: config.PSEUDONYM_KEY }, parsePseudonymKeys(config.PSEUDONYM_PREVIOUS_KEYS), config.STATISTICS_KEY),
        },
        {
          provide: MeldingStore,
          useFactory: (ds: DataSource, xml: IndexXml, settings: PartySettingsPolicy, relay: OutboxRelay) =>
            new MeldingStore(ds, xml.signerOin, { localMatchingOins: settings.localMatching, bundledSignalOins: settings.bundledSignals, onOutboxCommitted: (row) => relay.handOver(row) }),
          inject: [DataSource, INDEX_XML, PartySettingsPolicy, OutboxRelay],
        },
        { provide: PartySettingsPolicy, useFactory: (ds: DataSource) => new PartySettingsPolicy(ds), inject: [DataSource] },
        {
          provide: OutboxRelay,
          useFactory: (ds: DataSource, bus: MessageBus, xml: IndexXml, flow: FlowEventPublisher) =>
            new OutboxRelay(ds, bus, xml, flow, { pollMs: config.OUTBOX_POLL_MS, orphanAfterMs: config.OUTBOX_ORPHAN_AFTER_MS }),
          inject: [DataSource, MessageBus, INDEX_XML, FlowEventPublisher],
        },
        {
          provide: MeldingProcessor,
          useFactory: (c: IndexCrypto, p: Pseudonymizer, s: MeldingStore, r: OutboxRelay, f: FlowEventPublisher, clk: Clock, bus: MessageBus, ds: DataSource, xml: IndexXml) =>
            new MeldingProcessor(c, p, s, r, f, clk, bus, new MeldingEndingService(ds, clk), new Set((config.REMOVAL_AUTHORISED_OINS ?? '').split(',').filter(Boolean)), xml),
          inject: [IndexCrypto, Pseudonymizer, MeldingStore, OutboxRelay, FlowEventPublisher, Clock, MessageBus, DataSource, INDEX_XML],
        },
        { provide: LifecycleJob, useFactory: (ds: DataSource, clk: Clock) => new LifecycleJob(ds, clk), inject: [DataSource, Clock] },
        BackgroundWork,
        { provide: API_TOKENS, useValue: config.INZAGE_TOKENS ?? '' },
        { provide: InzageService, useFactory: (ds: DataSource, p: Pseudonymizer, clk: Clock) => new InzageService(ds, p, clk), inject: [DataSource, Pseudonymizer, Clock] },
      ],
    };
  }
}
