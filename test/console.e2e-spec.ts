import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { Cluster, buildTestImage, eventually, testPort } from './harness';

const ARTIFACTS = join(__dirname, '..', '.run', 'artifacts', 'console');
/** CHROMIUM is Debian's chromium (scripts/infra/deps.sh installs it); no browser is ever downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** UI_MS bounds how long the console may take to show what the cluster did (a container start, a health check). */
const UI_MS = 120000;

describe('the web console, in headless Chromium, against a real Mammoth', () => {
  const cluster = new Cluster({ from: testPort(32600), to: testPort(32649) }, testPort(19090));
  const requests: { url: string; authorization?: string }[] = [];
  let context: BrowserContext;
  let page: Page;
  let image: string;

  const shot = (name: string, p: Page = page) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** watch records every request and WebSocket a page opens, with the Authorization header it carried. */
  function watch(p: Page): Page {
    p.on('request', (r) => requests.push({ url: r.url(), authorization: r.headers().authorization }));
    p.on('websocket', (ws) => requests.push({ url: ws.url() }));
    return p;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    image = await buildTestImage('mammoth-e2e/console:1', 'console v1');
    await cluster.start();
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'mammoth-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
      viewport: { width: 1280, height: 860 },
    });
    context.setDefaultTimeout(30000);
    page = watch(context.pages()[0] ?? (await context.newPage()));
  });

  afterAll(async () => {
    await context?.close();
    await cluster.stop();
  });

  it('sends a signed-out browser to the login page, and signs in with a token that every API request carries', async () => {
    await page.goto(`${cluster.url}/`);
    await page.waitForURL('**/login');
    await page.fill('input[name=token]', 'mmt_not-a-token');
    await page.click('button[type=submit]');
    await page.locator('text=not a Mammoth token').waitFor();
    await page.fill('input[name=token]', cluster.token);
    await shot('01-login');
    await page.click('button[type=submit]');
    await page.waitForURL(`${cluster.url}/`);
    await page.locator('td', { hasText: cluster.nodeId }).waitFor();
    await shot('02-overview-empty');
    const api = requests.filter((r) => r.url === `${cluster.url}/graphql`);
    expect(api.length).toBeGreaterThan(0);
    expect(new Set(api.map((r) => r.authorization))).toEqual(
      new Set(['Bearer mmt_not-a-token', `Bearer ${cluster.token}`]),
    );
  });

  it('uploads a package in the App Store and lists it', async () => {
    await page.click('nav >> text=App Store');
    await page.setInputFiles('input[name=file]', image);
    await page.fill('input[name=name]', 'hello');
    await page.fill('input[name=version]', '1');
    await page.click('button:has-text("Upload")');
    await page.locator('[role=status]', { hasText: 'Stored hello:1' }).waitFor();
    await page.locator('[data-package=hello]', { hasText: '1' }).waitFor();
    await shot('03-app-store');
  });

  it('deploys an app from the console and watches it turn healthy', async () => {
    await page.click('nav >> text=Deploy');
    await page.fill('input[name=name]', 'web');
    await page.selectOption('select[name=package]', 'hello');
    await page.fill('input[name=instances]', '1');
    await page.fill('input[name=cpus]', '0.1');
    await page.fill('input[name=memoryMiB]', '32');
    await page.selectOption('select[name=check]', 'HTTP');
    await page.fill('input[name=path]', '/');
    await shot('04-deploy-form');
    await page.click('button:has-text("Deploy")');
    await page.waitForURL('**/apps/web');
    await page.getByTestId('progress').getByText('1 / 1 healthy').waitFor({ timeout: UI_MS });
    await page.locator('tr[data-instance] .badge-healthy').first().waitFor();
    await shot('05-app-healthy');
    const { app } = await cluster.gql<{ app: { healthy: number } }>('{ app(name: "web") { healthy } }');
    expect(app.healthy).toBe(1);
  });

  it('scales the app and sees the AppScaled event appear live on the event log', async () => {
    const log = watch(await context.newPage());
    await log.goto(`${cluster.url}/events`);
    await log.getByTestId('stream-state').getByText('live').waitFor();
    await log.locator('tr[data-type=AppDeployed]').waitFor();
    expect(await log.locator('tr[data-type=AppScaled]').count()).toBe(0);

    await page.fill('input[name=instances]', '2');
    await page.click('button:has-text("Scale")');
    const scaled = log.locator('tr[data-type=AppScaled]', { hasText: '"to":2' });
    await scaled.waitFor({ timeout: UI_MS });
    await shot('06-events-live', log);
    await page.getByTestId('progress').getByText('2 / 2 healthy').waitFor({ timeout: UI_MS });
    await shot('07-app-scaled');
    await log.close();
  });

  it('plots per node allocation and answers what-if', async () => {
    await page.click('nav >> text=Capacity');
    await page.locator('.recharts-surface').first().waitFor();
    await page.getByTestId('whatif-fits').waitFor();
    await page.fill('input[name=cpus]', '0.5');
    await page.fill('input[name=memoryMiB]', '128');
    await page.click('button:has-text("Ask")');
    await page
      .getByTestId('whatif-fits')
      .getByText(/more instances? of this shape fit now/)
      .waitFor();
    await shot('08-capacity');
  });

  it('opens GraphiQL when the browser asks for /graphql, and runs a query', async () => {
    await page.goto(`${cluster.url}/graphql`);
    await page.waitForURL('**/graphiql');
    await page.locator('.graphiql-execute-button').waitFor({ timeout: UI_MS });
    // The button shows before the editors are wired up, and a click then does nothing: click until a result shows.
    await eventually(
      async () => {
        await page.click('.graphiql-execute-button');
        await page.locator('.graphiql-response', { hasText: cluster.nodeId }).waitFor({ timeout: 3000 });
      },
      UI_MS,
      500,
    );
    await shot('09-graphiql');
  });

  it('sent no request anywhere but the control plane on 127.0.0.1', () => {
    const hosts = new Set(
      requests
        .map((r) => new URL(r.url))
        .map((u) => (u.protocol.startsWith('http') || u.protocol.startsWith('ws') ? u.hostname : u.protocol)),
    );
    expect(requests.length).toBeGreaterThan(10);
    expect([...hosts].filter((h) => h !== '127.0.0.1' && h !== 'data:' && h !== 'blob:')).toEqual([]);
  });
});
