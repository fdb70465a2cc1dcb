import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, ClockModule } from '@vir/domain';
import { FlowEventPublisher, HealthController, MessageBus, MessagingModule } from '@vir/messaging';
import { PersistenceModule } from '@vir/persistence';
import type { IndexConfig } from './index.config';
import { IndexCrypto } from './matching/index-crypto';
import { InboundController } from './matching/inbound.controller';
import { MeldingProcessor } from './matching/melding-processor.service';
import { MeldingStore } from './matching/melding.store';
import { OutboxRelay } from './matching/outbox.relay';
import { Pseudonymizer } from './matching/pseudonymizer';
import { InitialIndexSchema1763788800000 } from './migrations/1763788800000-initial-index-schema';
import { MeldingOuders1763800000000 } from './migrations/1763800000000-melding-ouders';
import { INDEX_ENTITIES } from './persistence/index.entities';

const CONFIG = Symbol('INDEX_CONFIG');

class RelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(OutboxRelay) private readonly relay: OutboxRelay) {}
  onApplicationBootstrap(): void {
    this.relay.start();
  }
  onApplicationShutdown(): Promise<void> {
    return this.relay.stop();
  }
}

@Module({})
export class IndexModule {
  static forRoot(config: IndexConfig, clock?: Clock): DynamicModule {
    return {
      module: IndexModule,
      imports: [
        ClockModule.forRoot(clock),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'vir-index', component: 'index', createTopics: true, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          entities: INDEX_ENTITIES,
          migrations: [InitialIndexSchema1763788800000, MeldingOuders1763800000000],
          applicationName: 'vir-index',
        }),
      ],
      controllers: [InboundController, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: IndexCrypto,
          useFactory: () =>
            new IndexCrypto({
              keyFile: config.INDEX_KEY_FILE,
              certFile: config.INDEX_CERT_FILE,
              rootFile: config.TRUST_ROOT_FILE,
              intermediatesFile: config.TRUST_INTERMEDIATES_FILE,
            }),
        },
        { provide: Pseudonymizer, useFactory: () => new Pseudonymizer(config.PSEUDONYM_KEY, config.PSEUDONYM_KEY_VERSION) },
        { provide: MeldingStore, useFactory: (ds: DataSource, c: IndexCrypto) => new MeldingStore(ds, c.signer), inject: [DataSource, IndexCrypto] },
        { provide: OutboxRelay, useFactory: (ds: DataSource, bus: MessageBus) => new OutboxRelay(ds, bus, config.OUTBOX_POLL_MS), inject: [DataSource, MessageBus] },
        {
          provide: MeldingProcessor,
          useFactory: (c: IndexCrypto, p: Pseudonymizer, s: MeldingStore, r: OutboxRelay, f: FlowEventPublisher, clk: Clock) => new MeldingProcessor(c, p, s, r, f, clk),
          inject: [IndexCrypto, Pseudonymizer, MeldingStore, OutboxRelay, FlowEventPublisher, Clock],
        },
        RelayLifecycle,
      ],
    };
  }
}
