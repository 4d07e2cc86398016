export * from './capabilities';
export * from './policy';
export * from './token';
export * from './bootstrap';
export * from './join-token';
export * from './node-identity';
