export * from './errors';
export * from './event-store';
export * from './outbox-relay';
export * from './pg';
export * from './log-watermark';
export * from './pg-listener';
export * from './alarm';
