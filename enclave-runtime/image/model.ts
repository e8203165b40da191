/**
 * Model images (DESIGN.md 5 step 2, `sealgate model build DIR`): a directory
 * holding `model.json` and the model's code becomes a `FROM scratch` image with
 * the host's Node runtime, the directory's files under /model, WORKDIR /model,
 * the sealed user 65534 and labels naming the model. No registry, no base
 * image. The image id it returns is the digest the model is published by.
 */
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { SealgateError } from '../../attest/index.js';
import { parseModelDescriptor, type ModelDescriptor } from '../../policies/index.js';
import { buildScratchImage, type ImageFile } from './build.js';

/** Codes of a model directory that cannot become an image. */
export type ModelImageErrorCode = 'MODEL_IMAGE_DESCRIPTOR' | 'MODEL_IMAGE_FILE' | 'MODEL_IMAGE_BUILD';

/** A model directory that cannot be built; a bad field of model.json is the policies' PolicyError. */
export class ModelImageError extends SealgateError<ModelImageErrorCode> {}

/** A built model image. */
export interface ModelImage {
  /** `sha256:…`, Docker's image id: the digest to publish the model by. */
  readonly imageId: string;
  readonly descriptor: ModelDescriptor;
  readonly tag: string;
}

/** Most files a model directory may hold. */
const MAX_FILES = 10_000;

async function modelFiles(dir: string): Promise<ImageFile[]> {
  const files: ImageFile[] = [];
  const visit = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(join(dir, path));
      if (st.isDirectory()) await visit(path);
      else if (st.isFile()) files.push({ imagePath: `/model/${path}`, hostPath: join(dir, path) });
      // A link could pull any host file into the image: the publisher must copy what they mean.
      else throw new ModelImageError('MODEL_IMAGE_FILE', `${path} is not a regular file or directory`);
      if (files.length > MAX_FILES) throw new ModelImageError('MODEL_IMAGE_FILE', `more than ${MAX_FILES} files`);
    }
  };
  await visit('');
  return files;
}

async function readDescriptor(dir: string): Promise<ModelDescriptor> {
  let text: string;
  try {
    text = await readFile(join(dir, 'model.json'), 'utf8');
  } catch (cause) {
    throw new ModelImageError('MODEL_IMAGE_DESCRIPTOR', `${dir} has no readable model.json`, { cause });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new ModelImageError('MODEL_IMAGE_DESCRIPTOR', 'model.json is not JSON', { cause });
  }
  return parseModelDescriptor(doc);
}

/**
 * Builds the model image of `dir` (tag default `sealgate-model/NAME:VERSION`).
 * Throws `MODEL_IMAGE_DESCRIPTOR`, a PolicyError for a bad model.json field,
 * `MODEL_IMAGE_FILE` for a link or special file, or `MODEL_IMAGE_BUILD`.
 *
 * @example
 * ```ts
 * const { imageId } = await buildModelImage(new Docker(), './reference-model');
 * ```
 */
export async function buildModelImage(docker: Docker, dir: string, tag?: string): Promise<ModelImage> {
  const descriptor = await readDescriptor(dir);
  const files = await modelFiles(dir);
  const name = tag ?? `sealgate-model/${descriptor.name}:${descriptor.version}`;
  try {
    const imageId = await buildScratchImage(docker, {
      tag: name,
      files,
      dockerfile: [
        `LABEL sealgate.model.name=${JSON.stringify(descriptor.name)} sealgate.model.version=${JSON.stringify(descriptor.version)}`,
        'WORKDIR /model',
        'USER 65534:65534',
      ],
    });
    return { imageId, descriptor, tag: name };
  } catch (cause) {
    throw new ModelImageError('MODEL_IMAGE_BUILD', `docker could not build ${name}`, { cause });
  }
}
