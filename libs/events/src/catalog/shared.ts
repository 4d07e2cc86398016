import { z } from 'zod';

/** Resources are what an instance asks for and a node offers: cpu in millicores, memory and disk in MiB. */
export const ResourcesSchema = z.object({
  cpuMillis: z.number().int().nonnegative(),
  memoryMiB: z.number().int().nonnegative(),
  diskMiB: z.number().int().nonnegative(),
});
export type Resources = z.infer<typeof ResourcesSchema>;

/** PackageRef pins an app to one uploaded package version by content digest. */
export const PackageRefSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  format: z.enum(['image']),
  imageRef: z.string().min(1),
});
export type PackageRef = z.infer<typeof PackageRefSchema>;

export const LabelsSchema = z.record(z.string(), z.string());
export const EnvSchema = z.record(z.string(), z.string());

/** LABEL_OPS are the ways a label constraint compares a node's label with its values. */
export const LABEL_OPS = ['equals', 'in', 'not-in', 'exists'] as const;
export type LabelOp = (typeof LABEL_OPS)[number];

/** STRATEGIES are the placement strategies an app may choose: spread (least allocated first) or binpack (most allocated first). */
export const STRATEGIES = ['spread', 'binpack'] as const;
export const StrategySchema = z.enum(STRATEGIES);
export type Strategy = z.infer<typeof StrategySchema>;

/** CONSTRAINT_KINDS are the placement constraints an app may carry. */
export const CONSTRAINT_KINDS = ['label', 'unique', 'max-per'] as const;

/** ConstraintSchema is one placement constraint: a node label test, one instance per node, or at most `max` per value of a label. */
export const ConstraintSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('label'), key: z.string().min(1), op: z.enum(LABEL_OPS), values: z.array(z.string()) }),
  z.object({ kind: z.literal('unique') }),
  z.object({ kind: z.literal('max-per'), key: z.string().min(1), max: z.number().int().positive().optional() }),
]);
export type Constraint = z.infer<typeof ConstraintSchema>;
export type LabelConstraint = Extract<Constraint, { kind: 'label' }>;
export type MaxPerConstraint = Extract<Constraint, { kind: 'max-per' }>;

/** PolicyRuleSchema grants capabilities (`<kind>:<verb>`, `*` wildcards) on resources (globs over resource names). */
export const PolicyRuleSchema = z.object({
  capabilities: z.array(z.string().min(1)).min(1),
  resources: z.array(z.string().min(1)).min(1),
});
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

/** NETWORK_MODES are how an instance is networked: its own network namespace on the Mammoth bridge, or the host's. */
export const NETWORK_MODES = ['bridge', 'host'] as const;

/**
 * IsolationSchema is how an app's containers are confined: `network` (bridge unless `host` was asked for, which needs the
 * capability apps:hostnetwork), the `user` to run as (uid[:gid] or name[:group]) and a read-only root filesystem.
 */
export const IsolationSchema = z.object({
  network: z.enum(NETWORK_MODES),
  user: z.string().min(1).optional(),
  readOnlyRootFs: z.boolean().optional(),
});
export type Isolation = z.infer<typeof IsolationSchema>;
