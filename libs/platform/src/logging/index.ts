export * from './logger';
export * from './correlation';
export * from './logging.module';
export * from './kafka-logging';
