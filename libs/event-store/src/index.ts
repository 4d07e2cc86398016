export * from './errors';
export * from './event-store';
export * from './outbox-relay';
export * from './pg';
export * from './log-watermark';
export * from './pg-listener';
export * from './alarm';
export { DEFAULT_GROUP_COMMIT_LIMITS } from './group-commit';
export type { GroupCommitLimits, GroupCommitStats } from './group-commit';
