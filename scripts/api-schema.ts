// Refreshes the GraphQL schema the CLI and console are typed against (libs/api-client/schema.graphql) from a running
// control plane, then regenerates gql.tada's introspection types. Usage: MAMMOTH_TOKEN=... node dist/scripts/api-schema.js [URL]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, IntrospectionQuery, printSchema } from 'graphql';

const ROOT = join(__dirname, '..', '..');

/** fetchSchema returns the SDL a control plane at `url` serves, as introspection sees it (reading it takes a token). */
export async function fetchSchema(url: string, token: string | undefined): Promise<string> {
  const res = await fetch(`${url.replace(/\/$/, '')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = (await res.json()) as { data: IntrospectionQuery };
  return `${printSchema(buildClientSchema(body.data))}\n`;
}

async function main(): Promise<void> {
  const url = process.argv[2] ?? process.env.MAMMOTH_ADDR ?? 'http://127.0.0.1:8080';
  writeFileSync(join(ROOT, 'libs', 'api-client', 'schema.graphql'), await fetchSchema(url, process.env.MAMMOTH_TOKEN));
  execFileSync('npx', ['--no-install', 'gql.tada', 'generate', 'output'], { cwd: ROOT, stdio: 'inherit' });
  console.log(`schema written from ${url}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
