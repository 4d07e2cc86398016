import { withoutSecrets } from './logging.module';

describe('request log lines', () => {
  it('never show the bearer token or cookies of a request', () => {
    const req = { method: 'POST', headers: { authorization: 'Bearer mmt_a_b', cookie: 'c=1', accept: 'x' } };
    const logged = withoutSecrets(req);
    expect(logged).toEqual({
      method: 'POST',
      headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'x' },
    });
    expect(JSON.stringify(logged)).not.toContain('mmt_');
    expect(req.headers.authorization).toBe('Bearer mmt_a_b');
  });
});
