import { parseConfig } from '@mammoth/platform';
import { apiConfig } from './api.config';

describe('apiConfig', () => {
  it("allows the control plane's own origin by default", () => {
    const c = parseConfig(apiConfig, { PORT: '9090' });
    expect([...c.allowedOrigins]).toEqual(['http://127.0.0.1:9090', 'http://localhost:9090']);
    expect(c).toMatchObject({ maxDepth: 10, maxComplexity: 2000, maxBodyBytes: 1048576 });
  });

  it('takes a list of origins and refuses one that is not a URL, naming the variable', () => {
    const c = parseConfig(apiConfig, { ALLOWED_ORIGINS: 'https://console.example:8443/x, http://a:1' });
    expect([...c.allowedOrigins]).toEqual(['https://console.example:8443', 'http://a:1']);
    expect(() => parseConfig(apiConfig, { ALLOWED_ORIGINS: 'nope' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => parseConfig(apiConfig, { GRAPHQL_MAX_DEPTH: '1' })).toThrow(/GRAPHQL_MAX_DEPTH/);
  });
});
