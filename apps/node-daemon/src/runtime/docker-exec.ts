import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { ProbeResult } from './container-runtime';

/** OUTPUT_LIMIT is how much of a check command's output (its end) goes into the message. */
const OUTPUT_LIMIT = 200;

/**
 * execProbe runs a command in a running container (docker exec) and is healthy when it exits 0 within the timeout; the end of
 * its output goes into the message. A command still running at the timeout counts as a failure (Docker cannot kill an exec;
 * it ends with the container).
 */
export async function execProbe(
  docker: Docker,
  containerId: string,
  command: readonly string[],
  timeoutMs: number,
): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  let stream: NodeJS.ReadWriteStream | undefined;
  // Aborting closes the requests to the engine too, so a hung dockerd holds no connection past the timeout.
  const abort = new AbortController();
  const abortSignal = abort.signal;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => {
      resolve({ healthy: false, message: `command timed out after ${timeoutMs} ms` });
      abort.abort();
    }, timeoutMs);
  });
  const run = async (): Promise<ProbeResult> => {
    const exec = await docker
      .getContainer(containerId)
      .exec({ Cmd: [...command], AttachStdout: true, AttachStderr: true, abortSignal });
    stream = await exec.start({ hijack: true, stdin: false, abortSignal });
    let output = '';
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT)));
    docker.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve, reject) => {
      stream!.once('end', resolve);
      stream!.once('close', resolve);
      stream!.once('error', reject);
    });
    const { ExitCode } = await exec.inspect({ abortSignal });
    const said = output.trim() ? `: ${output.trim()}` : '';
    return ExitCode === 0
      ? { healthy: true, message: `command exited 0${said}` }
      : { healthy: false, message: `command exited ${ExitCode ?? '?'}${said}` };
  };
  try {
    return await Promise.race([run(), timeout]);
  } catch (err) {
    return { healthy: false, message: `command could not run: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
    (stream as { destroy?: () => void } | undefined)?.destroy?.();
  }
}
