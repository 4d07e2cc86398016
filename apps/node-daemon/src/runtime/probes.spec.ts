import { createServer, Server } from 'node:http';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { httpProbe, tcpProbe } from './probes';

/** listen starts a loopback server on a free port and returns the port. */
function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('httpProbe and tcpProbe (loopback servers in this process)', () => {
  let http: Server;
  let port: number;
  let closedPort: number;
  let bareLf: ReturnType<typeof createTcpServer>;
  let bareLfPort: number;

  beforeAll(async () => {
    http = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500);
      if (req.url === '/moved') res.setHeader('location', '/healthz');
      res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 404;
      res.end();
    });
    port = await listen(http);
    const closed = createTcpServer();
    closedPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    // A CGI behind busybox httpd answers like this: a CRLF status line, then header lines ending in a bare LF.
    bareLf = createTcpServer((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\n\nok\n')),
    );
    bareLfPort = await listen(bareLf);
  });

  afterAll(async () => {
    await new Promise((r) => http.close(r));
    await new Promise((r) => bareLf.close(r));
  });

  it('probes the host it is given, and only that host', async () => {
    const other = createServer((_req, res) => res.end());
    const otherPort = await new Promise<number>((resolve) =>
      other.listen(0, '127.0.0.2', () => resolve((other.address() as AddressInfo).port)),
    );
    try {
      expect(await httpProbe(otherPort, '/', 200, 1000, '127.0.0.2')).toEqual({ healthy: true, message: 'HTTP 200' });
      expect(await tcpProbe(otherPort, 1000, '127.0.0.2')).toEqual({
        healthy: true,
        message: `connected to port ${otherPort}`,
      });
      expect(await tcpProbe(otherPort, 1000)).toEqual({
        healthy: false,
        message: `connect to port ${otherPort}: connection refused`,
      });
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  it('a TCP check is unhealthy when the connection is closed at once, as a published port with no listener does', async () => {
    const proxy = createTcpServer((socket) => socket.end());
    const proxyPort = await listen(proxy);
    try {
      expect(await tcpProbe(proxyPort, 1000)).toEqual({
        healthy: false,
        message: `connect to port ${proxyPort}: closed at once (nothing listens behind it)`,
      });
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('is healthy when the path answers the expected status', async () => {
    expect(await httpProbe(port, '/healthz', 200, 1000)).toEqual({ healthy: true, message: 'HTTP 200' });
  });

  it('is unhealthy with another status, saying which', async () => {
    expect(await httpProbe(port, '/nope', 200, 1000)).toEqual({
      healthy: false,
      message: 'HTTP 404 from GET /nope (expected 200)',
    });
    expect(await httpProbe(port, '/nope', 404, 1000)).toEqual({ healthy: true, message: 'HTTP 404' });
  });

  it('judges like Kubernetes: any 200-399 answer passes a check expecting a success status', async () => {
    expect(await httpProbe(port, '/moved', 200, 1000)).toEqual({ healthy: true, message: 'HTTP 302' });
    expect(await httpProbe(port, '/healthz', 204, 1000)).toEqual({ healthy: true, message: 'HTTP 200' });
    expect(await httpProbe(port, '/healthz', 404, 1000)).toEqual({
      healthy: false,
      message: 'HTTP 200 from GET /healthz (expected 404)',
    });
  });

  it('accepts header lines that end in a bare LF, as curl, nginx and Go do', async () => {
    expect(await httpProbe(bareLfPort, '/cgi-bin/bare-lf', 200, 1000)).toEqual({ healthy: true, message: 'HTTP 200' });
  });

  it('is unhealthy when nothing listens or the answer is too slow', async () => {
    expect(await httpProbe(closedPort, '/healthz', 200, 1000)).toEqual({
      healthy: false,
      message: 'GET /healthz: connection refused',
    });
    expect(await httpProbe(port, '/slow', 200, 100)).toEqual({
      healthy: false,
      message: 'GET /slow: no answer within 100 ms',
    });
  });

  it('connects over TCP', async () => {
    expect(await tcpProbe(port, 1000)).toEqual({ healthy: true, message: `connected to port ${port}` });
    expect(await tcpProbe(closedPort, 1000)).toEqual({
      healthy: false,
      message: `connect to port ${closedPort}: connection refused`,
    });
  });
});
