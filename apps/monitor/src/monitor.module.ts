import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClockModule, type Clock } from '@vir/domain';
import { HealthController, MessagingModule } from '@vir/messaging';
import { PersistenceModule } from '@vir/persistence';
import { FlowEventRow } from './flow/flow-event.entity';
import { FlowEventsController } from './flow/flow-events.controller';
import { FlowEventsService } from './flow/flow-events.service';
import { InitialMonitorSchema1763788800000 } from './migrations/1763788800000-initial-monitor-schema';
import type { MonitorConfig } from './monitor.config';

@Module({})
export class MonitorModule {
  static forRoot(config: MonitorConfig, clock?: Clock): DynamicModule {
    return {
      module: MonitorModule,
      imports: [
        ClockModule.forRoot(clock),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'vir-monitor', component: 'monitor', createTopics: true, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          entities: [FlowEventRow],
          migrations: [InitialMonitorSchema1763788800000],
          applicationName: 'vir-monitor',
        }),
      ],
      controllers: [FlowEventsController, HealthController],
      providers: [{ provide: FlowEventsService, useFactory: (ds: DataSource) => new FlowEventsService(ds), inject: [DataSource] }],
    };
  }
}
