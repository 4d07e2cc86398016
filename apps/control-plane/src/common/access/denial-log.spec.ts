import { DENIAL_WINDOW_MS, DenialLine, DenialLog } from './denial-log';

describe('DenialLog', () => {
  it('writes one line per subject and capability per window, then says how many it left out', () => {
    const lines: DenialLine[] = [];
    const log = new DenialLog((l) => lines.push(l));
    const deny = (subject: string, capability: string, at: number) =>
      log.denied({ subject, capability, resource: 'team-b/web', reason: 'FORBIDDEN' }, at);
    for (let i = 0; i < 1000; i++) deny('mallory', 'apps:deploy', i);
    deny('mallory', 'apps:remove', 5);
    deny('alice', 'apps:deploy', 5);
    expect(lines.map((l) => [l.subject, l.capability, l.suppressed])).toEqual([
      ['mallory', 'apps:deploy', 0],
      ['mallory', 'apps:remove', 0],
      ['alice', 'apps:deploy', 0],
    ]);
    deny('mallory', 'apps:deploy', DENIAL_WINDOW_MS + 1);
    expect(lines.at(-1)).toMatchObject({ subject: 'mallory', capability: 'apps:deploy', suppressed: 999 });
  });
});
