import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';
import { PackagesQuery } from '@mammoth/api-client';
import { act, Io } from '../context';
import { CliError } from '../errors';
import { bytes, shortDigest } from '../output/format';
import { record, table } from '../output/render';

/** pkgCommand is `mammoth pkg`: upload packages to the repository and list them. */
export function pkgCommand(io: Io): Command {
  const pkg = new Command('pkg').description('Upload and list packages');
  pkg
    .command('push')
    .description('Upload a package file (a docker save tarball) to the package repository')
    .argument('<file>', 'the package file')
    .option('--name <name>', 'package name (default: from the image)')
    .option('--version <version>', 'package version (default: from the image tag)')
    .action(
      act(io, async (ctx, cmd) => {
        const [file] = cmd.args;
        const opts = cmd.opts<{ name?: string; version?: string }>();
        const size = await stat(file).then(
          (s) => s.size,
          () => {
            throw new CliError(`${file}: no such file`);
          },
        );
        const form = new FormData();
        form.set('file', await openAsBlob(file), basename(file));
        if (opts.name) form.set('name', opts.name);
        if (opts.version) form.set('version', opts.version);
        const bar = ctx.progress(`uploading ${basename(file)}`, bytes);
        const started = io.now();
        const result = await ctx.api
          .uploadPackage(form, (sent) => bar.update(Math.min(sent, size), size, ''))
          .finally(() => bar.stop());
        const seconds = ((io.now() - started) / 1000).toFixed(1);
        ctx.print(result, () =>
          record([
            ['Package', `${result.name}:${result.version}${result.created ? '' : ' (already stored)'}`],
            ['Digest', result.digest],
            ['Image', result.imageRef],
            ['Size', `${bytes(result.sizeBytes)} in ${seconds}s`],
          ]),
        );
      }),
    );
  pkg
    .command('ls')
    .description('List package versions')
    .action(
      act(io, async (ctx) => {
        const { packages } = await ctx.api.request(PackagesQuery);
        ctx.print(packages, () =>
          table(packages, [
            { header: 'name', cell: (p) => p.name },
            { header: 'version', cell: (p) => p.version },
            { header: 'format', cell: (p) => p.format },
            { header: 'size', cell: (p) => bytes(p.sizeBytes) },
            { header: 'digest', cell: (p) => shortDigest(p.digest) },
            { header: 'uploaded', cell: (p) => p.uploadedAt },
          ]),
        );
      }),
    );
  return pkg;
}
