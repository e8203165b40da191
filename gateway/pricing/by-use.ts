/**
 * Which runs are priced by use (issue 6, docs/pricing.md): a model whose
 * model.json has `charges` brings its own rates; otherwise the operator's
 * `economics.pricing.charges`, when set, prices every model by use; otherwise
 * seed pricing (unit cost × steps). The operator's floors always apply.
 */
import type { EconomicsParameters } from '../../policies/index.js';
import type { DatasetRecord } from '../datasets/record.js';
import { parseRates } from '../economics/index.js';
import type { ModelRecord } from '../models/record.js';
import type { PriceInput } from '../runs/price.js';

/** The by-use part of a price input for `model` on `dataset`, or undefined for seed pricing. */
export function byUseInput(
  model: Pick<ModelRecord, 'descriptor'>,
  dataset: Pick<DatasetRecord, 'blob'>,
  economics: Pick<EconomicsParameters, 'pricing'>,
): PriceInput['charges'] {
  const d = model.descriptor;
  const rates = d.charges?.rates ?? economics.pricing.charges;
  if (rates === undefined) return undefined;
  const { cpus, gpus, tmpfsMiB, maxSeconds, memoryMiB } = d.resources;
  return {
    rates: parseRates(rates),
    floors: parseRates(economics.pricing.floors),
    limits: { cpus, gpus, tmpfsMiB, maxSeconds },
    basis: { memoryMiB, gflopsPerStep: d.charges?.gflopsPerStep ?? 0, dataBytes: dataset.blob.size },
  };
}
