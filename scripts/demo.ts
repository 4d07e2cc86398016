/**
 * demo is the main job of `scripts/up.sh`: upload the test image as a package, deploy it with two instances,
 * wait until the registry reports them running, and fetch a page from each over loopback.
 */
import { readFile } from 'node:fs/promises';
import { clientTokenConfig, parseConfig } from '@mammoth/platform';

const url = process.env.CONTROL_PLANE_URL ?? 'http://127.0.0.1:8080';
const [imagePath, appName = 'hello', instances = '2'] = process.argv.slice(2);
/** auth presents the token scripts/up.sh bootstrapped (MAMMOTH_TOKEN_FILE) on every call. */
const { token } = parseConfig(clientTokenConfig, process.env);
const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

async function main(): Promise<void> {
  const form = new FormData();
  form.set('file', new Blob([await readFile(imagePath)]), 'hello.tar');
  const up = await fetch(`${url}/packages`, { method: 'POST', body: form, headers: auth });
  const pkg = (await up.json()) as {
    name: string;
    version: string;
    digest: string;
    error?: { code: string; message: string };
  };
  if (up.status === 409 && pkg.error?.code === 'ALREADY_EXISTS') {
    // Uploaded by an earlier run: deploy the version already in the repository.
    Object.assign(pkg, { name: 'hello', version: '1' });
    console.log(`package hello:1 is already in the repository`);
  } else if (!up.ok) {
    throw new Error(`upload failed: ${pkg.error?.message}`);
  } else {
    console.log(`uploaded package ${pkg.name}:${pkg.version} (${pkg.digest})`);
  }

  const { apps } = await gql<{ apps: { name: string }[] }>('{ apps { name } }');
  if (apps.some((a) => a.name === appName)) {
    await gql('mutation($n: String!, $i: Int!) { scaleApp(name: $n, instances: $i) { name } }', {
      n: appName,
      i: Number(instances),
    });
  } else {
    await gql('mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }', {
      input: {
        name: appName,
        package: pkg.name,
        version: pkg.version,
        instances: Number(instances),
        cpus: 0.1,
        memoryMiB: 32,
      },
    });
  }
  console.log(`deployed app ${appName} with ${instances} instances; waiting for them to run`);

  const deadline = Date.now() + 120_000;
  for (;;) {
    const { app } = await gql<{
      app: { instances: { id: string; host: string; port: number; state: string; desired: string }[] };
    }>('query($n: String!) { app(name: $n) { instances { id host port state desired } } }', { n: appName });
    const running = app?.instances.filter((i) => i.state === 'running' && i.desired === 'run') ?? [];
    if (running.length === Number(instances)) {
      for (const i of running) {
        const { page } = await answer(`http://${i.host}:${i.port}/`, deadline);
        console.log(`instance ${i.id} at ${i.host}:${i.port} answers: ${messageOf(page)}`);
      }
      await throughNginx(deadline);
      return;
    }
    if (Date.now() > deadline) throw new Error(`instances did not start in time: ${JSON.stringify(app?.instances)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * answer fetches a page, retrying until the deadline: a container reported running may not listen yet (the demo app has no
 * health check), after a restart the registry can still show the previous container running until the new one reports,
 * and nginx routes an app only once the companion has applied its configuration.
 */
async function answer(url: string, deadline: number): Promise<{ page: string; upstream: string | null }> {
  let last = 'no attempt before the deadline';
  while (Date.now() <= deadline) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return { page: await r.text(), upstream: r.headers.get('x-mammoth-upstream') };
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} does not answer: ${last}`);
}

/** messageOf picks the page's message line out of the test image's HTML. */
function messageOf(page: string): string {
  return (
    page
      .replace(/<[^>]*>/g, ' ')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /hello/i.test(l)) ?? `${page.length} bytes`
  );
}

/** throughNginx waits until the nginx companion routes the app on its one listen port. */
async function throughNginx(deadline: number): Promise<void> {
  const port = process.env.NGINX_LISTEN_PORT;
  if (!port) return;
  // fetch cannot set Host (undici sends the URL's), so use the path route; curl -H 'Host: <app>' works the same.
  const url = `http://127.0.0.1:${port}/apps/${appName}/`;
  const { page, upstream } = await answer(url, deadline);
  console.log(`through nginx: ${url} answers: ${messageOf(page)} (upstream ${upstream})`);
}

main().catch((err) => {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exit(1);
});
