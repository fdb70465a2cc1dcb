export * from './config-loader';
export * from './bearer-tokens';
