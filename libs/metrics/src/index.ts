export * from './metrics';
export * from './exposition-parser';
export * from './metrics.module';
export * from './flow-step.metrics';
