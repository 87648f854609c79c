/**
 * mvlm's best configuration per reference config among what the bench measured (one process; data-
 * parallel workers), beside PyTorch's best thread count when it ran: the ratio the performance goal
 * is stated in (PyTorch-best step time / mvlm-best step time, same model, same run).
 */
import type { ParallelRow } from './parallel_row';
import type { TorchRow } from './torch_row';

export interface BestRow {
  config: string;
  bestStepMs: number;
  /** Which measured configuration gave bestStepMs, e.g. "1 process" or "2 workers". */
  bestConfig: string;
  torchBestMs?: number;
  torchBestConfig?: string;
  /** torchBestMs / bestStepMs: 1 = as fast as PyTorch's best. */
  vsTorch?: number;
}

interface Candidate {
  label: string;
  stepMs: number;
}

const fastest = (xs: Candidate[]): Candidate => xs.reduce((a, b) => (b.stepMs < a.stepMs ? b : a));

export function bestRows(single: { name: string; stepMs: number }[], parallel: ParallelRow[], torch: TorchRow[]): BestRow[] {
  return single.map(({ name, stepMs }) => {
    const ours: Candidate[] = [{ label: '1 process', stepMs }];
    // only rows that keep every negative ('global'): the per-shard loss is another objective
    for (const p of parallel.filter((p) => p.config === name && p.mode === 'global')) ours.push({ label: `${p.workers} workers`, stepMs: p.manyWorkersMs });
    const best = fastest(ours);
    const row: BestRow = { config: name, bestStepMs: best.stepMs, bestConfig: best.label };
    const theirs = torch.filter((t) => t.config === name).map((t) => ({ label: `torch ${t.torch}, ${t.threads} thread(s)`, stepMs: t.stepMs }));
    if (theirs.length) {
      const top = fastest(theirs);
      Object.assign(row, { torchBestMs: top.stepMs, torchBestConfig: top.label, vsTorch: top.stepMs / best.stepMs });
    }
    return row;
  });
}
