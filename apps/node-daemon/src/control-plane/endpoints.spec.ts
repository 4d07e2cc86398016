import { EndpointUnreachableError, Endpoints } from './endpoints';

/** answering makes an op that answers from the given endpoints, is unreachable at the others, and records each attempt. */
function answering(up: string[], tried: string[]) {
  return (url: string) => {
    tried.push(url);
    return up.includes(url)
      ? Promise.resolve(`answer from ${url}`)
      : Promise.reject(new EndpointUnreachableError(`${url} unreachable: ECONNREFUSED`));
  };
}

describe('Endpoints', () => {
  it('calls the first endpoint while it answers', async () => {
    const endpoints = new Endpoints(['http://a', 'http://b']);
    const tried: string[] = [];
    await expect(endpoints.call(answering(['http://a', 'http://b'], tried))).resolves.toBe('answer from http://a');
    expect(tried).toEqual(['http://a']);
  });

  it('fails over to the next endpoint when one is unreachable, and starts there next time', async () => {
    const endpoints = new Endpoints(['http://a', 'http://b']);
    const tried: string[] = [];
    await expect(endpoints.call(answering(['http://b'], tried))).resolves.toBe('answer from http://b');
    await expect(endpoints.call(answering(['http://a', 'http://b'], tried))).resolves.toBe('answer from http://b');
    expect(tried).toEqual(['http://a', 'http://b', 'http://b']);
    expect(endpoints.current).toBe('http://b');
  });

  it('wraps around the list from the preferred endpoint', async () => {
    const endpoints = new Endpoints(['http://a', 'http://b', 'http://c']);
    const tried: string[] = [];
    await endpoints.call(answering(['http://c'], tried));
    await endpoints.call(answering(['http://a'], tried));
    expect(tried).toEqual(['http://a', 'http://b', 'http://c', 'http://c', 'http://a']);
  });

  it('does not fail over on an answer that is an error, since every control plane would give it', async () => {
    const endpoints = new Endpoints(['http://a', 'http://b']);
    const tried: string[] = [];
    const refused = (url: string) => {
      tried.push(url);
      return Promise.reject(new Error('name: must not be empty'));
    };
    await expect(endpoints.call(refused)).rejects.toThrow('name: must not be empty');
    expect(tried).toEqual(['http://a']);
  });

  it('names every endpoint when none answers, and keeps a single one error as it was', async () => {
    await expect(new Endpoints(['http://a', 'http://b']).call(answering([], []))).rejects.toThrow(
      'no control plane answered: http://a unreachable: ECONNREFUSED; http://b unreachable: ECONNREFUSED',
    );
    await expect(new Endpoints(['http://a']).call(answering([], []))).rejects.toThrow(
      /^http:\/\/a unreachable: ECONNREFUSED$/,
    );
  });

  it('refuses an empty list', () => {
    expect(() => new Endpoints([])).toThrow('no control plane URL');
  });
});
