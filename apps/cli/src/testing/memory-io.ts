import type { Io } from '../context';

/** MemoryIo is an Io that keeps what the CLI writes, for unit tests. */
export class MemoryIo implements Io {
  stdout = '';
  stderr = '';
  constructor(
    readonly env: NodeJS.ProcessEnv = {},
    private readonly clock = () => Date.parse('2026-12-03T08:00:00Z'),
  ) {}
  out(text: string): void {
    this.stdout += text;
  }
  err(text: string): void {
    this.stderr += text;
  }
  now(): number {
    return this.clock();
  }
}
