import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { ALL_TOPICS, type Component } from '@vir/contracts';
import { Clock } from '@vir/domain';
import { createKafka, ensureTopics } from './kafka-connection';
import { FlowEventPublisher } from './flow-event.publisher';
import { MessageBus } from './message-bus';

export const KAFKA = Symbol('KAFKA');
const OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingModuleOptions {
  brokers: string[];
  clientId: string;
  component: Component;
  /** Create the declared topics at start (the index does; others only check). */
  createTopics: boolean;
  /** Prefix for topic and consumer-group names (KAFKA_TOPIC_PREFIX); empty in production. */
  topicPrefix?: string;
}

@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly bus: MessageBus,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.createTopics) await ensureTopics(this.kafka, ALL_TOPICS, this.options.topicPrefix);
    await this.bus.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.disconnect();
  }
}

/** Kafka for a Nest app: the connection, the validated producer and the flow-event publisher. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka({ brokers: options.brokers, clientId: options.clientId }, (l) => console.warn(l)) },
        { provide: MessageBus, useFactory: (kafka: Kafka) => new MessageBus(kafka, options.topicPrefix), inject: [KAFKA] },
        {
          provide: FlowEventPublisher,
          useFactory: (bus: MessageBus, clock: Clock) => new FlowEventPublisher(bus, clock, options.component),
          inject: [MessageBus, Clock],
        },
        MessagingLifecycle,
      ],
      exports: [KAFKA, MessageBus, FlowEventPublisher],
    };
  }
}
