import { renameSync, writeFileSync } from 'node:fs';

/** MetricsTarget is one address to scrape, with its job and labels, as the control plane's metricsTargets lists it. */
export interface MetricsTarget {
  readonly job: string;
  readonly address: string;
  readonly labels: readonly { readonly key: string; readonly value: string }[];
}

/** FileSdGroup is one entry of a Prometheus file_sd file: targets sharing one label set. */
export interface FileSdGroup {
  readonly targets: string[];
  readonly labels: Record<string, string>;
}

/** fileSdGroups turns targets into file_sd groups, one per target (each keeps its own labels; `job` names its kind). */
export function fileSdGroups(targets: readonly MetricsTarget[]): FileSdGroup[] {
  return [...targets]
    .sort((a, b) => a.job.localeCompare(b.job) || a.address.localeCompare(b.address))
    .map((t) => ({
      targets: [t.address],
      labels: { job: t.job, ...Object.fromEntries(t.labels.map((l) => [l.key, l.value])) },
    }));
}

/** writeAtomically replaces a file in one rename, so Prometheus never reads half of it. */
export function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o644 });
  renameSync(tmp, path);
}
