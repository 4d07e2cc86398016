import { EventDefinition, EventOf, STREAM_CATEGORIES, StreamCategory } from './define';
import * as acl from './acl.events';
import * as app from './app.events';
import * as instance from './instance.events';
import * as node from './node.events';
import * as pkg from './package.events';

export * from './define';
export * from './shared';
export * from './health';
export * from './app.events';
export * from './instance.events';
export * from './node.events';
export * from './package.events';
export * from './acl.events';

/** CATALOG lists every event type Mammoth writes; an event of any other type is rejected where it enters a process. */
export const CATALOG = { ...app, ...instance, ...node, ...pkg, ...acl } as const;

type Catalog = typeof CATALOG;
/** EventType is the union of all catalogued type strings. */
export type EventType = Catalog[keyof Catalog]['type'];
/** MammothEvent is the tagged union of every catalogued event. */
export type MammothEvent = { [K in keyof Catalog]: EventOf<Catalog[K]> }[keyof Catalog];
/** EventOfType narrows MammothEvent to one type string. */
export type EventOfType<T extends EventType> = Extract<MammothEvent, { type: T }>;
/** AppEvent, NodeEvent, InstanceEvent and PackageEvent are the events of one stream category. */
export type AppEvent = { [K in keyof typeof app]: EventOf<(typeof app)[K]> }[keyof typeof app];
export type NodeEvent = { [K in keyof typeof node]: EventOf<(typeof node)[K]> }[keyof typeof node];
export type InstanceEvent = { [K in keyof typeof instance]: EventOf<(typeof instance)[K]> }[keyof typeof instance];
export type PackageEvent = { [K in keyof typeof pkg]: EventOf<(typeof pkg)[K]> }[keyof typeof pkg];
/** AclEvent is an event of the tokens, policies and the bootstrap (the `acl` category). */
export type AclEvent = { [K in keyof typeof acl]: EventOf<(typeof acl)[K]> }[keyof typeof acl];

const byType = new Map<string, EventDefinition>(Object.values(CATALOG).map((d) => [d.type, d as EventDefinition]));

/** eventTypesOf lists the type strings of one stream category's events. */
export function eventTypesOf(category: StreamCategory): string[] {
  return [...byType.values()].filter((d) => d.category === category).map((d) => d.type);
}

/** definitionOf returns the catalogue entry for a type string, or undefined. */
export function definitionOf(type: string): EventDefinition | undefined {
  return byType.get(type);
}

/** UnknownEventError is thrown when an event's type is not in the catalogue or its data breaks its schema. */
export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: string,
  ) {
    super(`invalid event ${eventType}: ${issues}`);
  }
}

/** upcast turns data written at schema `version` into data of the definition's current version, one upcaster per step. */
export function upcast(def: EventDefinition, version: number, data: unknown): unknown {
  if (!Number.isInteger(version) || version < 1)
    throw new InvalidEventError(def.type, `schema version ${version} is not a positive whole number`);
  if (version > def.version)
    throw new InvalidEventError(def.type, `schema version ${version} is newer than ${def.version}`);
  let current = data;
  for (let v = version; v < def.version; v++) {
    const up = def.upcasters[v];
    if (!up) throw new InvalidEventError(def.type, `no upcaster from schema version ${v}`);
    current = up(current);
  }
  return current;
}

/** parseEvent validates an event coming into a process, upcasting old schema versions to the current one. */
export function parseEvent(type: string, version: number, data: unknown): MammothEvent {
  const def = byType.get(type);
  if (!def) throw new InvalidEventError(type, 'unknown event type');
  const current = upcast(def, version, data);
  const parsed = def.schema.safeParse(current);
  if (!parsed.success) {
    throw new InvalidEventError(
      type,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return { type, version: def.version, data: parsed.data } as MammothEvent;
}

/** makeEvent builds a catalogued event at its current schema version, validating the data on the way out. */
export function makeEvent<T extends EventType>(type: T, data: EventOfType<T>['data']): EventOfType<T> {
  const def = byType.get(type)!;
  return parseEvent(type, def.version, data) as EventOfType<T>;
}

/** categoryOfStream reads the category from a stream id such as `app-web` or `node-n1`. */
export function categoryOfStream(streamId: string): StreamCategory {
  const category = streamId.slice(0, streamId.indexOf('-'));
  if (STREAM_CATEGORIES.includes(category as StreamCategory)) return category as StreamCategory;
  throw new Error(`stream id ${streamId} has no known category`);
}

/** streamIds builds the stream id of each aggregate. */
export const streamIds = {
  app: (name: string) => `app-${name}`,
  node: (nodeId: string) => `node-${nodeId}`,
  instance: (instanceId: string) => `instance-${instanceId}`,
  package: (name: string) => `package-${name}`,
  acl: (id: string) => `acl-${id}`,
  /** token, policy and aclBootstrap are the streams of the acl category. */
  token: (tokenId: string) => `acl-token-${tokenId}`,
  policy: (name: string) => `acl-policy-${name}`,
  aclBootstrap: () => 'acl-bootstrap',
  /** joinToken and enrolment are the streams of a node join token and of one node id's enrolment. */
  joinToken: (tokenId: string) => `acl-join-${tokenId}`,
  enrolment: (nodeId: string) => `acl-enrolment-${nodeId}`,
} satisfies Record<StreamCategory, (id: string) => string> & Record<string, (id: string) => string>;
