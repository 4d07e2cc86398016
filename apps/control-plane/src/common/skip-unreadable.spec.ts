import { skipUnreadable } from './skip-unreadable';

describe('skipUnreadable', () => {
  it('warns once per unreadable event, naming its position, stream and the reason', () => {
    const warn = jest.fn();
    const onInvalid = skipUnreadable('instance-repair', { warn });
    const head = { position: '42', streamId: 'instance-i1', streamVersion: 3 };
    onInvalid(head, new Error('schema version 9 is newer than this reader knows'));
    onInvalid(head, new Error('schema version 9 is newer than this reader knows'));
    onInvalid({ ...head, position: '43' }, new Error('bad'));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toContain('position 42 (stream instance-i1 version 3)');
    expect(warn.mock.calls[0][0]).toContain('schema version 9');
  });
});
