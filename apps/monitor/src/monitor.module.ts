import { DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, ClockModule } from '@vir/domain';
import { HealthController, KAFKA, MessageBus, MessagingModule } from '@vir/messaging';
import type { Kafka } from 'kafkajs';
import { PersistenceModule } from '@vir/persistence';
import { AccountStore } from './access/account.store';
import { AuditLog } from './access/audit.log';
import { PartyDirectory } from './access/party-directory';
import { SessionStore } from './access/session.store';
import { CONSOLE_OPTIONS, ConsoleController, type ConsoleOptions } from './console/console.controller';
import { ConsoleQueries } from './console/console.queries';
import { ConsumerLag } from './console/consumer-lag';
import { FiguresController } from './figures/figures.controller';
import { FiguresQueries } from './figures/figures.queries';
import { FiguresService } from './figures/figures.service';
import { FlowEventRow } from './flow/flow-event.entity';
import { FlowEventsController } from './flow/flow-events.controller';
import { FlowEventsService } from './flow/flow-events.service';
import { MONITOR_MIGRATIONS } from './migrations';
import type { MonitorConfig } from './monitor.config';
import { FlowIngestion } from './read-model/flow-ingestion';
import { ReadModelStore } from './read-model/read-model.store';
import { RetentionJob } from './read-model/retention.job';
import type { RetentionPolicy } from './read-model/retention-policy';

const CONFIG = Symbol('MONITOR_CONFIG');

class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RetentionJob) private readonly retention: RetentionJob,
    @Inject(CONFIG) private readonly config: MonitorConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.retention.start(this.config.RETENTION_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.retention.stop();
  }
}

@Module({})
export class MonitorModule {
  static forRoot(config: MonitorConfig, clock?: Clock): DynamicModule {
    const retention: RetentionPolicy = { rawDays: config.RAW_RETENTION_DAYS, aggregateDays: config.AGGREGATE_RETENTION_DAYS };
    const consoleOptions: ConsoleOptions = { cookieSecure: config.COOKIE_SECURE === 'true' };
    return {
      module: MonitorModule,
      imports: [
        ClockModule.forRoot(clock),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'vir-monitor', component: 'monitor', createTopics: true, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          entities: [FlowEventRow],
          migrations: MONITOR_MIGRATIONS,
          applicationName: 'vir-monitor',
        }),
      ],
      controllers: [FlowEventsController, ConsoleController, FiguresController, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CONSOLE_OPTIONS, useValue: consoleOptions },
        { provide: PartyDirectory, useFactory: () => PartyDirectory.fromFile(config.PARTIES_FILE) },
        { provide: FlowEventsService, useFactory: (ds: DataSource) => new FlowEventsService(ds), inject: [DataSource] },
        { provide: ReadModelStore, useFactory: (ds: DataSource, clk: Clock) => new ReadModelStore(ds, clk, retention), inject: [DataSource, Clock] },
        { provide: FlowIngestion, useFactory: (store: ReadModelStore) => new FlowIngestion(store), inject: [ReadModelStore] },
        { provide: RetentionJob, useFactory: (ds: DataSource, clk: Clock) => new RetentionJob(ds, clk, retention), inject: [DataSource, Clock] },
        { provide: AuditLog, useFactory: (ds: DataSource) => new AuditLog(ds), inject: [DataSource] },
        {
          provide: AccountStore,
          useFactory: (ds: DataSource, clk: Clock, audit: AuditLog) => new AccountStore(ds, clk, audit, { maxFailures: config.LOGIN_MAX_FAILURES, lockoutMinutes: config.LOGIN_LOCKOUT_MINUTES }),
          inject: [DataSource, Clock, AuditLog],
        },
        { provide: SessionStore, useFactory: (ds: DataSource, clk: Clock) => new SessionStore(ds, clk, config.SESSION_TTL_MINUTES), inject: [DataSource, Clock] },
        { provide: ConsoleQueries, useFactory: (ds: DataSource) => new ConsoleQueries(ds), inject: [DataSource] },
        { provide: ConsumerLag, useFactory: (kafka: Kafka, bus: MessageBus, clk: Clock) => new ConsumerLag(kafka, bus.topicPrefix, clk), inject: [KAFKA, MessageBus, Clock] },
        { provide: FiguresQueries, useFactory: (ds: DataSource) => new FiguresQueries(ds), inject: [DataSource] },
        {
          provide: FiguresService,
          useFactory: (q: FiguresQueries, audit: AuditLog, dir: PartyDirectory, clk: Clock) => new FiguresService(q, audit, dir, clk),
          inject: [FiguresQueries, AuditLog, PartyDirectory, Clock],
        },
        BackgroundWork,
      ],
    };
  }
}
