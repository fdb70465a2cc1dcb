export * from './kafka-connection';
export * from './message-bus';
export * from './flow-event.publisher';
export * from './name-based-id';
export * from './kafka-consumer.transport';
export * from './messaging.module';
export * from './health.controller';
export * from './service-bootstrap';
