import { DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, ClockModule } from '@vir/domain';
import { FlowEventPublisher, HealthController, KAFKA, MessageBus, MessagingModule } from '@vir/messaging';
import { Metrics, MetricsModule } from '@vir/metrics';
import type { Kafka } from 'kafkajs';
import { PersistenceModule } from '@vir/persistence';
import { AccountStore } from './access/account.store';
import { AuditLog } from './access/audit.log';
import { PartyDirectory } from './access/party-directory';
import { SessionStore } from './access/session.store';
import { AlertEvaluator } from './alerts/alert.evaluator';
import { AlertNotifier } from './alerts/alert.notifier';
import { AlertSources, parseHealthUrls } from './alerts/alert.sources';
import { AlertStore } from './alerts/alert.store';
import { AlertsController } from './alerts/alerts.controller';
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
import { DeadLetterConsumer } from './operations/dead-letter.consumer';
import { GatewayAdminClient } from './operations/gateway-admin.client';
import { OperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';
import { OperationsStore } from './operations/operations.store';
import type { MonitorConfig } from './monitor.config';
import { monitorMetrics, type MonitorMetrics } from './monitor.metrics';
import { FlowIngestion } from './read-model/flow-ingestion';
import { ReadModelStore } from './read-model/read-model.store';
import { RetentionJob } from './read-model/retention.job';
import type { RetentionPolicy } from './read-model/retention-policy';

const CONFIG = Symbol('MONITOR_CONFIG');
const MONITOR_METRICS = Symbol('MONITOR_METRICS');

class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RetentionJob) private readonly retention: RetentionJob,
    @Inject(AlertEvaluator) private readonly alerts: AlertEvaluator,
    @Inject(CONFIG) private readonly config: MonitorConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.retention.start(this.config.RETENTION_INTERVAL_MS);
    this.alerts.start(this.config.ALERT_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.retention.stop();
    await this.alerts.stop();
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
        MetricsModule.forRoot(new Metrics('vir-monitor')),
      ],
      controllers: [FlowEventsController, ConsoleController, OperationsController, AlertsController, FiguresController, DeadLetterConsumer, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CONSOLE_OPTIONS, useValue: consoleOptions },
        { provide: PartyDirectory, useFactory: () => PartyDirectory.fromFile(config.PARTIES_FILE) },
        { provide: FlowEventsService, useFactory: (ds: DataSource) => new FlowEventsService(ds), inject: [DataSource] },
        { provide: ReadModelStore, useFactory: (ds: DataSource, clk: Clock) => new ReadModelStore(ds, clk, retention), inject: [DataSource, Clock] },
        { provide: FlowIngestion, useFactory: (store: ReadModelStore, mm: MonitorMetrics) => new FlowIngestion(store, (r, n) => mm.ingested(r, n)), inject: [ReadModelStore, MONITOR_METRICS] },
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
        { provide: GatewayAdminClient, useValue: new GatewayAdminClient({ url: config.GATEWAY_ADMIN_URL, token: config.GATEWAY_ADMIN_TOKEN }) },
        { provide: OperationsStore, useFactory: (ds: DataSource) => new OperationsStore(ds), inject: [DataSource] },
        {
          provide: OperationsService,
          useFactory: (gw: GatewayAdminClient, store: OperationsStore, audit: AuditLog, dir: PartyDirectory, bus: MessageBus, flow: FlowEventPublisher, clk: Clock) =>
            new OperationsService(gw, store, audit, dir, bus, flow, clk),
          inject: [GatewayAdminClient, OperationsStore, AuditLog, PartyDirectory, MessageBus, FlowEventPublisher, Clock],
        },
        { provide: AlertStore, useFactory: (ds: DataSource) => new AlertStore(ds), inject: [DataSource] },
        {
          provide: AlertSources,
          useFactory: (ds: DataSource, lag: ConsumerLag, gw: GatewayAdminClient) =>
            new AlertSources(
              ds,
              () => lag.current(),
              (withinDays) => gw.certificates(withinDays),
              {
                silenceBaselineDays: config.ALERT_SILENCE_BASELINE_DAYS,
                pendingSignalMs: config.ALERT_SIGNAL_PENDING_SECONDS * 1000,
                deadLetterWindowMs: config.ALERT_DEAD_LETTER_WINDOW_MINUTES * 60_000,
                certificateDays: config.ALERT_CERTIFICATE_DAYS,
                healthUrls: parseHealthUrls(config.ALERT_HEALTH_URLS),
              },
              (line) => new Logger('Alerts').warn(line),
            ),
          inject: [DataSource, ConsumerLag, GatewayAdminClient],
        },
        { provide: AlertNotifier, useFactory: () => new AlertNotifier({ url: config.ALERT_WEBHOOK_URL, log: new Logger('AlertWebhook') }) },
        {
          provide: MONITOR_METRICS,
          useFactory: (m: Metrics, flow: FlowEventPublisher, lag: ConsumerLag, alerts: AlertStore) => monitorMetrics(m, flow, lag, alerts),
          inject: [Metrics, FlowEventPublisher, ConsumerLag, AlertStore],
        },
        {
          provide: AlertEvaluator,
          useFactory: (sources: AlertSources, store: AlertStore, notifier: AlertNotifier, clk: Clock, mm: MonitorMetrics) =>
            new AlertEvaluator(
              sources,
              store,
              notifier,
              clk,
              {
                silenceMinMs: config.ALERT_SILENCE_MIN_SECONDS * 1000,
                silenceFactor: config.ALERT_SILENCE_FACTOR,
                retryingMs: config.ALERT_SIGNAL_PENDING_SECONDS * 1000,
                lagRecords: config.ALERT_LAG_RECORDS,
                certificateDays: config.ALERT_CERTIFICATE_DAYS,
              },
              new Logger('Alerts'),
              mm.evaluation,
            ),
          inject: [AlertSources, AlertStore, AlertNotifier, Clock, MONITOR_METRICS],
        },
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
