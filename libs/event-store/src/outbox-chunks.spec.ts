import { WireMessage } from '@mammoth/events';
import { chunksUnder } from './outbox-relay';

const msg = (i: number, bytes: number): WireMessage => ({
  key: `k${i}`,
  value: 'x'.repeat(bytes),
  headers: { 'mammoth-type': 'T' },
});

describe('chunksUnder', () => {
  it('cuts messages in order into runs under the byte limit', () => {
    const messages = Array.from({ length: 10 }, (_, i) => msg(i, 300));
    const chunks = chunksUnder(messages, 1000);
    expect(chunks.flat()).toEqual(messages);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it('sends a message larger than the limit alone rather than never', () => {
    const chunks = chunksUnder([msg(1, 10), msg(2, 5000), msg(3, 10)], 1000);
    expect(chunks.map((c) => c.map((m) => m.key))).toEqual([['k1'], ['k2'], ['k3']]);
  });

  it('keeps everything in one run when it fits, and nothing for nothing', () => {
    expect(chunksUnder([msg(1, 10), msg(2, 10)], 1000)).toHaveLength(1);
    expect(chunksUnder([], 1000)).toEqual([]);
  });
});
