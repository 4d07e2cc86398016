/**
 * deploy-latency measures, on a running Mammoth (scripts/up.sh), the time from the deployApp mutation to the first
 * HTTP answer of the new instance, over N deploys of a one-instance app. Each app is removed afterwards.
 * Usage: node dist/bench/deploy-latency.js [deploys=10] [package=hello]
 */
import { join } from 'node:path';
import { BENCH_AUTH, useEnvToken } from './auth';
import { percentile, saveReport } from './report';

const url = process.env.CONTROL_PLANE_URL ?? 'http://127.0.0.1:8080';
// The admin token scripts/up.sh bootstrapped, unless MAMMOTH_TOKEN(_FILE) names another.
useEnvToken(join(__dirname, '..', '..', '.run', 'secrets', 'admin.token'));

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_AUTH },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

async function firstAnswer(host: string, port: number, deadline: number): Promise<void> {
  for (;;) {
    try {
      const r = await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`no answer on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10);
  const pkg = process.argv[3] ?? 'hello';
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const name = `bench-deploy-${Date.now().toString(36)}-${i}`;
    const t0 = performance.now();
    const { deployApp } = await gql<{ deployApp: { instances: { host: string; port: number }[] } }>(
      'mutation($input: DeployAppInput!) { deployApp(input: $input) { instances { host port } } }',
      { input: { name, package: pkg, instances: 1, cpus: 0.1, memoryMiB: 32 } },
    );
    const [inst] = deployApp.instances;
    await firstAnswer(inst.host, inst.port, Date.now() + 60_000);
    samples.push(performance.now() - t0);
    await gql('mutation($n: String!) { removeApp(name: $n) }', { n: name });
    await new Promise((r) => setTimeout(r, 500));
  }
  const ms = (x: number) => Math.round(x);
  saveReport('deploy-latency', {
    deploys: n,
    p50Ms: ms(percentile(samples, 50)),
    maxMs: ms(Math.max(...samples)),
    minMs: ms(Math.min(...samples)),
    samplesMs: samples.map(ms),
    path: 'deployApp mutation -> event store -> outbox relay -> Kafka -> node daemon -> docker create/start -> HTTP 200',
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
