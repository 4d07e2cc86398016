export * from './catalog';
export * from './envelope';
export * from './serde';
export * from './topics';
export * from './kafka/kafka-bus';
export * from './heartbeat';
export * from './kafka/topic-admin';
