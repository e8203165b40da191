/**
 * `sealgate model build DIR [--tag T] [--archive FILE]`: builds the model
 * image of a directory holding model.json and code (enclave-runtime/image),
 * prints its image id (the digest to publish by, `sealgate model publish
 * --image-digest`) and, with --archive, writes its `docker save` tarball for
 * `model publish --archive`. Needs a local dockerd; pulls nothing.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import type { CommandContext, ParsedArgs } from '../../client/cli/index.js';
import { CliError } from '../../client/cli/index.js';
import { buildModelImage } from '../../enclave-runtime/index.js';

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CliError('CLI_USAGE', `--${name} needs a value`);
  return value;
}

/** The model build command (named in bin/commands.ts). */
export async function runModelBuild(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const dir = args.positionals[0] as string;
  const tag = stringOption(args, 'tag');
  const archive = stringOption(args, 'archive');
  const docker = new Docker();
  const image = await buildModelImage(docker, dir, tag);
  if (archive !== undefined) {
    // Written beside the target and renamed, so a failed save leaves no half archive.
    const partial = `${archive}.partial`;
    try {
      await pipeline(await docker.getImage(image.imageId).get(), createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, archive);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }
  const { name, version } = image.descriptor;
  ctx.print(image.imageId, { imageId: image.imageId, tag: image.tag, name, version, ...(archive ? { archive } : {}) });
}
