/**
 * `sealgate dataset ls|show` and `sealgate model publish|ls`: the catalog
 * from the command line (docs/catalog.md). Reads are public and unsigned;
 * publishing a model is signed by this home's publisher account.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseModelDescriptor } from '../../../policies/index.js';
import { uploadBlob } from '../../sdk/blobs.js';
import type { ModelInfo, PublicDataset } from '../../sdk/catalog.js';
import { getDataset, listDatasets, listModels, publishModel } from '../../sdk/catalog.js';
import { imageIdOfArchive } from '../../sdk/image-archive.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError, requireString } from '../command.js';
import { createProgress } from '../progress.js';
import {
  amountOf,
  digestOf,
  idOf,
  integerOption,
  optionalString,
  publicClient,
  rows,
  signedClient,
} from './session.js';

/** `dataset ls [--seller A] [--max-price P] [--model M] [--q TEXT] [--limit N] [--cursor ID]` */
export async function runDatasetList(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const seller = optionalString(args, 'seller');
  const maxPrice = optionalString(args, 'max-price');
  const model = optionalString(args, 'model');
  const cursor = optionalString(args, 'cursor');
  if (model !== undefined && !model.startsWith('sha256:')) idOf(model, 'mdl', '--model');
  if (model?.startsWith('sha256:')) digestOf(model, '--model');
  const page = await listDatasets(publicClient(ctx), {
    ...(seller === undefined ? {} : { seller: idOf(seller, 'acct', '--seller') }),
    ...(maxPrice === undefined ? {} : { maxPrice: amountOf(maxPrice, '--max-price', true) }),
    ...(model === undefined ? {} : { model }),
    q: optionalString(args, 'q'),
    limit: integerOption(args, 'limit', 1, 500),
    ...(cursor === undefined ? {} : { cursor: idOf(cursor, 'ds', '--cursor') }),
  });
  const lines = page.items.map(
    (d) =>
      `${d.id}  ${`${d.price} ${d.currency}`.padEnd(14)} ${`★${d.sellerRating.score.toFixed(2)}`.padEnd(6)} ${d.custody.padEnd(6)}  ${d.title}`,
  );
  if (page.items.length === 0) lines.push('no datasets match');
  if (page.next !== null) lines.push(`more: --cursor ${page.next}`);
  ctx.print(lines.join('\n'), page);
}

/** `dataset show ID`: one listing with its policy's terms and run count. */
export async function runDatasetShow(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = idOf(args.positionals[0], 'ds', 'ID');
  const dataset = await getDataset(publicClient(ctx), id);
  ctx.print(describeDataset(dataset), dataset);
}

function describeDataset(d: PublicDataset): string {
  const r = d.policy.release;
  const rating = d.sellerRating;
  return rows([
    ['id', d.id],
    ['title', d.title],
    ['description', d.description === '' ? undefined : d.description],
    ['seller', `${d.seller} (score ${rating.score.toFixed(2)} from ${rating.count} ratings)`],
    ['price', `${d.price} ${d.currency} base units per run`],
    ['status', d.status],
    ['custody', d.custody],
    ['size', `${d.size} bytes (ciphertext)`],
    ['schema', d.schema.length === 0 ? undefined : d.schema.map((f) => `${f.name}:${f.type}`).join(', ')],
    ['models', r.allowedModels.length === 0 ? 'none allowed yet' : r.allowedModels.join(', ')],
    ['min tier', r.minTier],
    ['min rating', r.minBuyerRating],
    ['max runs', r.maxRuns ?? undefined],
    ['expires', r.expiresAt ?? undefined],
    ['runs', d.runs],
    ['created', d.createdAt],
  ]);
}

/** `model publish --descriptor model.json (--image-digest sha256:… | --archive FILE)` */
export async function runModelPublish(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const path = requireString(args, 'descriptor');
  const given = optionalString(args, 'image-digest');
  const archivePath = optionalString(args, 'archive');
  if ((given === undefined) === (archivePath === undefined)) {
    throw new CliError('CLI_USAGE', 'give exactly one of --image-digest sha256:… and --archive FILE');
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(
      'CLI_IO',
      `--descriptor ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      { cause: err },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CliError('CLI_USAGE', `--descriptor ${path} is not valid JSON`, { cause: err });
  }
  const descriptor = parseModelDescriptor(raw); // POLICY_INVALID naming the field, before any upload
  const client = await signedClient(ctx);
  let digest: string;
  let archive: { digest: string } | undefined;
  if (archivePath !== undefined) {
    digest = await imageIdOfArchive(archivePath);
    const { size } = await stat(archivePath);
    const progress = createProgress(ctx.stderr, { label: 'uploading image', total: size });
    const blob = await uploadBlob(client, archivePath, (sent) => progress.update(sent)).finally(() =>
      progress.finish(),
    );
    archive = { digest: blob.digest };
  } else {
    digest = digestOf(given as string, '--image-digest');
  }
  const model = await publishModel(client, {
    descriptor,
    image: { digest },
    ...(archive ? { archive } : {}),
  });
  ctx.print(model.id, model);
}

/** `model ls [--publisher A] [--name N] [--deprecated] [--limit N] [--cursor ID]` */
export async function runModelList(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const publisher = optionalString(args, 'publisher');
  const cursor = optionalString(args, 'cursor');
  const page = await listModels(publicClient(ctx), {
    ...(publisher === undefined ? {} : { publisher: idOf(publisher, 'acct', '--publisher') }),
    name: optionalString(args, 'name'),
    ...(args.values.deprecated === true ? { deprecated: true } : {}),
    limit: integerOption(args, 'limit', 1, 500),
    ...(cursor === undefined ? {} : { cursor: idOf(cursor, 'mdl', '--cursor') }),
  });
  const lines = page.items.map((m: ModelInfo) => {
    const d = m.descriptor;
    const status = m.status === 'deprecated' ? ' (deprecated)' : '';
    return `${m.id}  ${`${d.name}@${d.version}`.padEnd(24)} unit ${d.unitCost} + fee ${d.baseFee}  ${m.image.digest.slice(0, 19)}…${status}`;
  });
  if (page.items.length === 0) lines.push('no models match');
  if (page.next !== null) lines.push(`more: --cursor ${page.next}`);
  ctx.print(lines.join('\n'), page);
}
