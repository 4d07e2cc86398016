export * from './env';
export * from './database.config';
export * from './kafka.config';
export * from './topics.config';
export * from './logging.config';
export * from './health.config';
export * from './client-token.config';
export * from './control-plane.config';
