import { createServer } from 'node:net';
import { run } from './program';
import { MemoryIo } from './testing/memory-io';

/** closedPort is a loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let addr = '';
beforeAll(async () => {
  addr = `http://127.0.0.1:${await closedPort()}`;
});

async function cli(...args: string[]): Promise<{ code: number; io: MemoryIo }> {
  const io = new MemoryIo({ MAMMOTH_ADDR: addr, XDG_CONFIG_HOME: '/nonexistent' });
  const code = await run(args, io);
  return { code, io };
}

describe('mammoth command line', () => {
  it('prints help and exits 0 for --help', async () => {
    const { code, io } = await cli('--help');
    expect(code).toBe(0);
    for (const c of ['status', 'node', 'pkg', 'app', 'rollout', 'events', 'capacity', 'whatif', 'completion'])
      expect(io.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('lists the app subcommands', async () => {
    const { code, io } = await cli('app', '--help');
    expect(code).toBe(0);
    for (const c of ['ls', 'status', 'deploy', 'update', 'scale', 'rollback', 'promote', 'rm'])
      expect(io.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it.each([
    [['nonsense']],
    [['app', 'scale', 'web']],
    [['app', 'scale', 'web', 'three']],
    [['app', 'deploy', 'web', '--cpus', '0.1', '--memory', '32']],
    [['app', 'deploy', 'web', '-p', 'hello', '--cpus', '0', '--memory', '32']],
    [['app', 'deploy', 'web', '-p', 'hello', '--cpus', '1', '--memory', '32', '--strategy', 'random']],
    [['whatif', '--cpus', '1']],
    [['-o', 'xml', 'status']],
    [['completion', 'fish']],
    [['app']],
  ])('exits 2 with a usage error for %j, touching no cluster', async (args) => {
    const { code, io } = await cli(...args);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/error|Usage/);
    expect(io.stderr).not.toMatch(/cannot reach/);
  });

  it('names the flag a usage error is about', async () => {
    const { io } = await cli('app', 'deploy', 'web', '--cpus', '0.1', '--memory', '32');
    expect(io.stderr).toContain("required option '-p, --package <name>' not specified");
  });

  it('exits 2 for mutually exclusive health checks, before any request', async () => {
    const base = ['app', 'deploy', 'web', '-p', 'hello', '--cpus', '0.1', '--memory', '32'];
    const { code, io } = await cli(...base, '--health-tcp', '--health-http', '/');
    expect(code).toBe(2);
    expect(io.stderr).toContain('at most one of --health-http, --health-tcp and --health-command');
  });

  it('exits 1 naming the address when nothing answers there', async () => {
    const { code, io } = await cli('status');
    expect(code).toBe(1);
    expect(io.stderr).toBe(`error: cannot reach Mammoth at ${addr}/graphql: ECONNREFUSED\n`);
  });

  it('prints its version', async () => {
    const { code, io } = await cli('-V');
    expect(code).toBe(0);
    expect(io.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
