import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { extract } from 'tar-stream';

/** ImageTarballFacts is what the package repository learns from a `docker save` tarball. */
export interface ImageTarballFacts {
  readonly digest: string;
  readonly sizeBytes: number;
  /** imageId is sha256 of the image config, the id `docker load` gives the image; containers run by it. */
  readonly imageId: string;
  readonly repoTags: string[];
}

/** InvalidImageError says why a file is not a usable `docker save` tarball. */
export class InvalidImageError extends Error {}

interface ManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

/** inspectImageTarball hashes a file and checks it is a docker save tarball: a manifest.json whose config and layers are in the archive. */
export async function inspectImageTarball(path: string): Promise<ImageTarballFacts> {
  const [digest, content] = await Promise.all([sha256File(path), readArchive(path)]);
  const manifestText = content.files.get('manifest.json');
  if (!manifestText)
    throw new InvalidImageError('not a docker image tarball: manifest.json is missing (build it with `docker save`)');
  let manifest: ManifestEntry[];
  try {
    manifest = JSON.parse(manifestText.toString('utf8'));
  } catch {
    throw new InvalidImageError('not a docker image tarball: manifest.json is not valid JSON');
  }
  if (!Array.isArray(manifest) || manifest.length !== 1) {
    throw new InvalidImageError(
      `a package holds exactly one image; manifest.json lists ${Array.isArray(manifest) ? manifest.length : 'no'} images`,
    );
  }
  const entry = manifest[0];
  if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers))
    throw new InvalidImageError('manifest.json entry lacks Config or Layers');
  const config = content.files.get(entry.Config);
  if (!config) throw new InvalidImageError(`image config ${entry.Config} is missing from the archive`);
  for (const layer of entry.Layers) {
    if (typeof layer !== 'string' || !content.names.has(layer))
      throw new InvalidImageError(`layer ${String(layer)} is missing from the archive`);
  }
  const repoTags = Array.isArray(entry.RepoTags)
    ? entry.RepoTags.filter((t): t is string => typeof t === 'string')
    : [];
  return {
    digest: `sha256:${digest}`,
    sizeBytes: content.size,
    imageId: `sha256:${createHash('sha256').update(config).digest('hex')}`,
    repoTags,
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** readArchive lists every entry and keeps the small JSON ones (manifest and configs) in memory. */
function readArchive(path: string): Promise<{ names: Set<string>; files: Map<string, Buffer>; size: number }> {
  return new Promise((resolve, reject) => {
    const names = new Set<string>();
    const files = new Map<string, Buffer>();
    let size = 0;
    const ex = extract();
    ex.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '');
      names.add(name);
      const keep =
        name === 'manifest.json' ||
        (name.endsWith('.json') && (header.size ?? 0) < 4 * 1024 * 1024) ||
        name.startsWith('blobs/sha256/');
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        if (keep && (header.size ?? 0) < 4 * 1024 * 1024) chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        if (chunks.length) files.set(name, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    ex.on('finish', () => {
      if (names.size === 0)
        reject(new InvalidImageError('not a docker image tarball: the archive is empty or not a tar file'));
      else resolve({ names, files, size });
    });
    ex.on('error', (err: Error) => reject(new InvalidImageError(`not a tar archive: ${err.message}`)));
    const input = createReadStream(path);
    input.on('data', (c) => (size += (c as Buffer).length));
    input.on('error', reject);
    input.pipe(ex);
  });
}
