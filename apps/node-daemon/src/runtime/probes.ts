import { request } from 'node:http';
import { connect } from 'node:net';
import { ProbeResult } from './container-runtime';

/** PROBE_HOST is where a node on loopback probes its own instances; a node with its own address probes them there. */
export const PROBE_HOST = '127.0.0.1';

const healthy = (message: string): ProbeResult => ({ healthy: true, message });
const unhealthy = (message: string): ProbeResult => ({ healthy: false, message });

/** isSuccess is Kubernetes' HTTP probe rule: any status from 200 to 399 means the instance answers. */
const isSuccess = (status: number): boolean => status >= 200 && status < 400;

/**
 * httpProbe GETs `path` on host:port and is healthy when the status is `expectedStatus`, or when both are in 200–399 (as
 * a Kubernetes probe judges); the parser is lenient (bare-LF header lines, as curl, nginx and Go accept), no connection
 * reuse, no redirects followed.
 */
export function httpProbe(
  port: number,
  path: string,
  expectedStatus: number,
  timeoutMs: number,
  host = PROBE_HOST,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request(
      {
        host,
        port,
        path,
        method: 'GET',
        agent: false,
        insecureHTTPParser: true,
        headers: { 'user-agent': 'mammoth-health-check' },
      },
      (res) => {
        res.resume();
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        resolve(
          status === expectedStatus || (isSuccess(status) && isSuccess(expectedStatus))
            ? healthy(`HTTP ${status}`)
            : unhealthy(`HTTP ${status} from GET ${path} (expected ${expectedStatus})`),
        );
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      resolve(unhealthy(`GET ${path}: ${describeError(err)}`));
    });
    req.end();
  });
}

/** SETTLE_MS is how long a TCP check's connection must stay open to count: Docker's port proxy accepts, then closes. */
const SETTLE_MS = 250;

/**
 * tcpProbe is healthy when a TCP connection to host:port opens within the timeout and is not closed at once by the other
 * end: a port published by Docker's proxy accepts every connection and closes it when nothing listens in the container.
 */
export function tcpProbe(port: number, timeoutMs: number, host = PROBE_HOST): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settle: NodeJS.Timeout | undefined;
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      clearTimeout(settle);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => done(unhealthy(`connect to port ${port}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => {
      settle = setTimeout(() => done(healthy(`connected to port ${port}`)), Math.min(SETTLE_MS, timeoutMs));
      socket.once('end', () => done(unhealthy(`connect to port ${port}: closed at once (nothing listens behind it)`)));
    });
    socket.once('error', (err) => done(unhealthy(`connect to port ${port}: ${describeError(err)}`)));
  });
}

/** describeError names a network error the way an operator reads it: `connection refused`, else its message. */
export function describeError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  return err.message;
}
