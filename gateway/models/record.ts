/**
 * A published model as stored (sublevel `models`, keyed by id). Shared by the
 * catalog routes (which write it) and quotes and runs (which read it).
 */
import type { ModelDescriptor } from '../../policies/index.js';

export const MODELS_SUBLEVEL = 'models';

export interface ModelRecord {
  /** `mdl_…` (gateway/ids.ts). */
  readonly id: string;
  /** The publisher's account id. */
  readonly publisher: string;
  /** The validated `model.json` (policies/ parseModelDescriptor). */
  readonly descriptor: ModelDescriptor;
  /** The image: its id (`sha256:…`, what nodes run and evidence measures) and, when uploaded, the archive blob. */
  readonly image: {
    readonly digest: string;
    readonly archive?: { readonly digest: string; readonly size: number };
  };
  readonly status: 'published' | 'deprecated';
  readonly createdAt: string;
  readonly updatedAt: string;
}
