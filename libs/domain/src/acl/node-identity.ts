import { Capability } from './capabilities';

/** NODE_SUBJECT_PREFIX starts the subject of every node credential: `node:<id>`. */
const NODE_SUBJECT_PREFIX = 'node:';

/** NODE_POLICY is the built-in policy of node credentials. */
export const NODE_POLICY = 'node';

/** nodeSubject is the subject of node `nodeId`'s credential. */
export const nodeSubject = (nodeId: string): string => `${NODE_SUBJECT_PREFIX}${nodeId}`;

/** nodeOfSubject is the node a subject speaks for (`node:<id>`), or null for any other caller. */
export function nodeOfSubject(subject: string): string | null {
  return subject.startsWith(NODE_SUBJECT_PREFIX) ? subject.slice(NODE_SUBJECT_PREFIX.length) : null;
}

/** SELF_ONLY are the capabilities a node identity holds on its own node alone. */
const SELF_ONLY: ReadonlySet<Capability> = new Set(['nodes:register', 'nodes:report', 'nodes:assignments']);

/** OWNER_ONLY are the capabilities that, on an enrolled node, only the node's own identity may use. */
const OWNER_ONLY: ReadonlySet<Capability> = new Set(['nodes:register', 'nodes:report']);

/**
 * nodeRestriction is Kubernetes' NodeRestriction over node ids: a `node:<id>` caller registers, reports and reads
 * assignments only as node <id>, and an enrolled node (`enrolledAs` names its identity) is registered and reported only
 * by that identity. It returns why a call is refused, or null.
 */
export function nodeRestriction(
  subject: string,
  capability: Capability,
  resources: readonly string[],
  enrolledAs: (nodeId: string) => string | null,
): string | null {
  const self = nodeOfSubject(subject);
  if (self !== null && SELF_ONLY.has(capability)) {
    const other = resources.find((r) => r !== self);
    if (other !== undefined) return `a node credential acts only as its own node ${self}, not ${other}`;
  }
  if (OWNER_ONLY.has(capability)) {
    for (const nodeId of resources) {
      const owner = enrolledAs(nodeId);
      if (owner !== null && owner !== subject) return `node ${nodeId} is enrolled: only ${owner} may act as it`;
    }
  }
  return null;
}
