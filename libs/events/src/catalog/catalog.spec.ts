import { z } from 'zod';
import {
  categoryOfStream,
  CATALOG,
  defineEvent,
  definitionOf,
  InvalidEventError,
  makeEvent,
  parseEvent,
  streamIds,
  upcast,
} from './index';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const deployed = {
  name: 'web',
  package: PKG,
  instances: 2,
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  env: { A: 'b' },
};

function thrown(fn: () => unknown): InvalidEventError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidEventError) return err;
    throw err;
  }
  throw new Error('expected an InvalidEventError');
}

describe('parseEvent', () => {
  it('accepts a catalogued event and returns it at its current version', () => {
    const current = { ...deployed, constraints: [{ kind: 'unique' }], strategy: 'binpack' };
    expect(parseEvent('AppDeployed', 2, current)).toEqual({ type: 'AppDeployed', version: 2, data: current });
  });

  it('upcasts a v1 AppDeployed to v2 with no constraints and the spread strategy, so old logs still replay', () => {
    expect(parseEvent('AppDeployed', 1, deployed)).toEqual({
      type: 'AppDeployed',
      version: 2,
      data: { ...deployed, constraints: [], strategy: 'spread' },
    });
  });

  it('checks AppDeployed constraints and strategy, naming the path', () => {
    const bad = {
      ...deployed,
      constraints: [{ kind: 'label', key: 'rack', op: 'near', values: [] }],
      strategy: 'random',
    };
    const err = thrown(() => parseEvent('AppDeployed', 2, bad));
    expect(err.message).toContain('constraints.0.op:');
    expect(err.message).toContain('strategy:');
    expect(
      thrown(() => parseEvent('AppDeployed', 2, { ...deployed, constraints: [{ kind: 'nearby' }] })).message,
    ).toContain('constraints.0.kind:');
  });

  it('strips fields the schema does not know', () => {
    const e = parseEvent('AppRemoved', 1, { name: 'web', extra: true });
    expect(e.data).toEqual({ name: 'web' });
  });

  it('rejects an unknown type', () => {
    const err = thrown(() => parseEvent('AppExploded', 1, {}));
    expect(err.eventType).toBe('AppExploded');
    expect(err.message).toBe('invalid event AppExploded: unknown event type');
  });

  it('rejects invalid data with a message naming the field path', () => {
    const bad = {
      ...deployed,
      resources: { ...deployed.resources, memoryMiB: -1 },
      package: { ...PKG, digest: 'md5:x' },
    };
    const err = thrown(() => parseEvent('AppDeployed', 2, bad));
    expect(err.message).toContain('resources.memoryMiB:');
    expect(err.message).toContain('package.digest:');
  });

  it('names a missing field', () => {
    const { instances: _omit, ...rest } = deployed;
    expect(thrown(() => parseEvent('AppDeployed', 2, rest)).issues).toMatch(/^instances: /);
  });

  it('names the root when the data is not an object', () => {
    expect(thrown(() => parseEvent('AppRemoved', 1, 'web')).issues).toMatch(/^\(root\): /);
  });

  it.each([
    [2, /newer than 1/],
    [0, /not a positive whole number/],
    [Number.NaN, /not a positive whole number/],
    [1.5, /not a positive whole number/],
  ])('rejects schema version %p', (version, message) => {
    expect(thrown(() => parseEvent('AppRemoved', version, { name: 'web' })).message).toMatch(message);
  });
});

describe('upcast', () => {
  // A test-only definition at schema version 3: v1 had `memory` in MB, v2 renamed it, v3 added `unit`.
  const Sized = defineEvent(
    'app',
    'TestSized',
    z.object({ name: z.string(), memoryMiB: z.number().int(), unit: z.literal('MiB') }),
    {
      version: 3,
      upcasters: {
        1: (d) => {
          const { memory, ...rest } = d as { memory: number; name: string };
          return { ...rest, memoryMiB: memory };
        },
        2: (d) => ({ ...(d as object), unit: 'MiB' }),
      },
    },
  );

  it('chains the upcasters from an old version to the current one', () => {
    const out = upcast(Sized, 1, { name: 'x', memory: 64 });
    expect(out).toEqual({ name: 'x', memoryMiB: 64, unit: 'MiB' });
    expect(Sized.schema.parse(out)).toEqual(out);
  });

  it('starts from the version the data was written at', () => {
    expect(upcast(Sized, 2, { name: 'x', memoryMiB: 8 })).toEqual({ name: 'x', memoryMiB: 8, unit: 'MiB' });
  });

  it('leaves current data alone', () => {
    const data = { name: 'x', memoryMiB: 8, unit: 'MiB' };
    expect(upcast(Sized, 3, data)).toBe(data);
  });

  it('refuses a gap in the chain, naming the missing step', () => {
    const Gappy = defineEvent('app', 'TestGappy', z.object({}), { version: 3, upcasters: { 2: (d) => d } });
    expect(() => upcast(Gappy, 1, {})).toThrow('invalid event TestGappy: no upcaster from schema version 1');
  });

  it('refuses data from a newer writer', () => {
    expect(() => upcast(Sized, 4, {})).toThrow(/schema version 4 is newer than 3/);
  });

  it('defaults a definition to version 1 without upcasters', () => {
    const d = defineEvent('node', 'TestPlain', z.object({}));
    expect(d.version).toBe(1);
    expect(d.upcasters).toEqual({});
  });
});

describe('makeEvent', () => {
  it('round-trips through parseEvent', () => {
    const e = makeEvent('AppDeployed', {
      ...deployed,
      constraints: [{ kind: 'max-per', key: 'rack', max: 2 }],
      strategy: 'spread',
    });
    expect(e).toEqual({
      type: 'AppDeployed',
      version: 2,
      data: { ...deployed, constraints: [{ kind: 'max-per', key: 'rack', max: 2 }], strategy: 'spread' },
    });
    expect(parseEvent(e.type, e.version, JSON.parse(JSON.stringify(e.data)))).toEqual(e);
  });

  it('validates data on the way out', () => {
    expect(() =>
      makeEvent('InstancePlaced', { app: 'web', instanceId: 'not-a-uuid', nodeId: 'n1', host: 'h', port: 1 }),
    ).toThrow(/instanceId:/);
  });
});

describe('catalogue', () => {
  it('has one definition per type string, each in a known category', () => {
    const defs = Object.values(CATALOG);
    expect(new Set(defs.map((d) => d.type)).size).toBe(defs.length);
    for (const d of defs) {
      expect(definitionOf(d.type)).toBe(d);
      expect(['node', 'app', 'instance', 'package', 'acl']).toContain(d.category);
    }
    expect(definitionOf('Nope')).toBeUndefined();
  });

  it('maps stream ids to categories and back', () => {
    expect(categoryOfStream(streamIds.app('web-1'))).toBe('app');
    expect(categoryOfStream(streamIds.node('n-1'))).toBe('node');
    expect(categoryOfStream(streamIds.instance('abc'))).toBe('instance');
    expect(categoryOfStream(streamIds.package('p'))).toBe('package');
    expect(categoryOfStream(streamIds.token('t-1'))).toBe('acl');
    expect(categoryOfStream(streamIds.policy('ops'))).toBe('acl');
    expect(categoryOfStream(streamIds.aclBootstrap())).toBe('acl');
    expect(() => categoryOfStream('volume-1')).toThrow(/no known category/);
    expect(() => categoryOfStream('app')).toThrow(/no known category/);
  });
});

describe('the acl events', () => {
  it('carry a token secret only as its sha256 digest', () => {
    const created = { tokenId: 't1', subject: 'alice', policies: ['admin'], expiresAt: null };
    expect(() => makeEvent('TokenCreated', { ...created, secretHash: 'hunter2' })).toThrow(
      /secretHash: must be a sha256/,
    );
    expect(makeEvent('TokenCreated', { ...created, secretHash: 'a'.repeat(64) }).data.secretHash).toBe('a'.repeat(64));
  });
});
