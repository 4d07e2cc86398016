import { dockerCallSeconds } from '../daemon.metrics';

/** DockerTimeoutError says which Docker call did not answer in time: the engine is hung, not merely refusing. */
export class DockerTimeoutError extends Error {
  constructor(
    readonly call: string,
    readonly timeoutMs: number,
  ) {
    super(`docker ${call} did not answer within ${timeoutMs} ms`);
  }
}

/** DockerTimeouts bound each kind of Docker call: the API calls, and loading an image (a large upload). */
export interface DockerTimeouts {
  readonly callMs: number;
  readonly loadMs: number;
}

/** DEFAULT_DOCKER_TIMEOUTS: 30 s a call, 5 min an image load. */
export const DEFAULT_DOCKER_TIMEOUTS: DockerTimeouts = { callMs: 30_000, loadMs: 5 * 60_000 };

/**
 * withDeadline runs one Docker call with an abort signal that fires after `ms` (dockerode passes it to the request, so
 * the connection is closed), and settles with a DockerTimeoutError by then even if the call ignores the signal. Each call's
 * duration and outcome go to mammoth_docker_call_duration_seconds.
 */
export async function withDeadline<T>(call: string, ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const done = dockerCallSeconds.startTimer({ call });
  let outcome = 'error';
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new DockerTimeoutError(call, ms));
    }, ms);
  });
  try {
    const result = await Promise.race([fn(abort.signal), late]);
    outcome = 'ok';
    return result;
  } catch (err) {
    if (abort.signal.aborted) outcome = 'timeout';
    throw abort.signal.aborted ? new DockerTimeoutError(call, ms) : err;
  } finally {
    clearTimeout(timer);
    done({ outcome });
  }
}
