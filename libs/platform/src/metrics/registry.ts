import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Metric,
  Registry,
} from 'prom-client';

/** metricsRegistry is the one prom-client registry of a Mammoth process; /metrics serves it. */
export const metricsRegistry = new Registry();

let initialised = false;

/**
 * initMetrics labels every series of the process with `process` (control-plane, projector, ...) and adds prom-client's
 * default process metrics (CPU, memory, event loop lag, handles); a second call changes nothing.
 */
export function initMetrics(processName: string): void {
  if (initialised) return;
  initialised = true;
  metricsRegistry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'mammoth_' });
}

/** existing returns the metric already registered under `name`, so a module loaded twice shares one series set. */
function existing<T extends Metric>(name: string, kind: new (...args: never[]) => T): T | undefined {
  const found = metricsRegistry.getSingleMetric(name);
  if (found === undefined) return undefined;
  if (!(found instanceof kind)) throw new Error(`metric ${name} is already registered as another kind`);
  return found;
}

/** counter gets or creates a counter in the process registry. */
export function counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return existing(config.name, Counter<L>) ?? new Counter<L>({ ...config, registers: [metricsRegistry] });
}

/** gauge gets or creates a gauge in the process registry; a `collect` callback fills it at scrape time. */
export function gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return existing(config.name, Gauge<L>) ?? new Gauge<L>({ ...config, registers: [metricsRegistry] });
}

/** histogram gets or creates a histogram in the process registry (seconds, prom-client's default buckets unless given). */
export function histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return existing(config.name, Histogram<L>) ?? new Histogram<L>({ ...config, registers: [metricsRegistry] });
}

/**
 * sampled is a gauge whose value is read at scrape time from whichever sources the process registered: each source
 * returns its series (labels and value); a source that throws leaves its series out of that scrape. Sources are added
 * and removed as the components that own them start and stop.
 */
export class SampledGauge<L extends string> {
  private readonly sources = new Set<() => Promise<Sample<L>[]> | Sample<L>[]>();

  constructor(config: { name: string; help: string; labelNames?: readonly L[] }) {
    const sources = this.sources;
    new Gauge<L>({
      ...config,
      registers: [metricsRegistry],
      async collect() {
        this.reset();
        for (const source of sources) {
          try {
            for (const s of await source()) this.set(s.labels, s.value);
          } catch {
            // A source that cannot answer now (its database is down) is left out of this scrape.
          }
        }
      },
    });
  }

  /** track adds a source of series and returns the function that removes it. */
  track(source: () => Promise<Sample<L>[]> | Sample<L>[]): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }
}

/** Sample is one series of a SampledGauge: its labels and its value now. */
export interface Sample<L extends string> {
  readonly labels: Partial<Record<L, string>>;
  readonly value: number;
}

const sampled = new Map<string, SampledGauge<string>>();

/** sampledGauge gets or creates a SampledGauge in the process registry. */
export function sampledGauge<L extends string>(config: {
  name: string;
  help: string;
  labelNames?: readonly L[];
}): SampledGauge<L> {
  const found = sampled.get(config.name);
  if (found) return found;
  const made = new SampledGauge<L>(config);
  sampled.set(config.name, made);
  return made;
}

/** timed runs `work` and records its duration in seconds in `h` with `labels`, failed or not. */
export async function timed<T, L extends string>(
  h: Histogram<L>,
  labels: Partial<Record<L, string>>,
  work: () => Promise<T>,
): Promise<T> {
  const end = h.startTimer(labels);
  try {
    return await work();
  } finally {
    end();
  }
}

/** sharedRead makes `read` answer the same promise to every caller within `freshMs`, so the gauges of one scrape read once. */
export function sharedRead<T>(read: () => Promise<T>, freshMs = 1000, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    const t = now();
    if (!last || t - last.at > freshMs) last = { at: t, value: read() };
    return last.value;
  };
}
