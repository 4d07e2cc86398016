import { correlationId, withCorrelation } from '@mammoth/platform';
import { inCommandContext, newContext } from './command-context';

describe('command contexts', () => {
  it("take the correlation id of the request being handled, so the command's events and log lines share it", () => {
    expect(withCorrelation('req-7', () => newContext('api')).correlationId).toBe('req-7');
    expect(newContext('api').correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(newContext('api', 'given').correlationId).toBe('given');
  });

  it("run a background loop's command under a new correlation id of its own", async () => {
    const seen = await withCorrelation('loop', () =>
      inCommandContext('failure-detector', async (ctx) => ({ ctx, current: correlationId() })),
    );
    expect(seen.ctx.actor).toBe('failure-detector');
    expect(seen.ctx.correlationId).not.toBe('loop');
    expect(seen.current).toBe(seen.ctx.correlationId);
  });
});
