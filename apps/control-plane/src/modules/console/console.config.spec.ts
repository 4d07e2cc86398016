import { consoleConfig } from './console.config';

describe('the console config', () => {
  it('takes CONSOLE_DIR when given', () => {
    expect(consoleConfig.parse({ CONSOLE_DIR: '/srv/mammoth-console' })).toEqual({ dir: '/srv/mammoth-console' });
  });

  it('defaults to a console directory beside the compiled apps', () => {
    expect(consoleConfig.parse({}).dir).toMatch(/\/console$/);
  });
});
