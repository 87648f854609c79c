/**
 * The captioning table of trained runs on one dataset's test split: BLEU-4, CIDEr-D (greedy) and
 * caption perplexity of each run, beside the nearest-caption and unigram baselines, and a few
 * example captions. Nothing is trained here.
 *   npx ts-node -T experiments/caption_table.ts RUN... [--dataset emoji:google] [--beam N] [--examples N]
 */
import { initBackend } from '../lib/backend';
import { Dataset, loadDataset } from '../lib/data';
import { captionMetrics, generateCaptions, loadTrainedModel, nearestCaptions } from '../lib/run';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const spec = flag('--dataset', 'emoji:google');
  const beam = Number(flag('--beam', '1'));
  const examples = Number(flag('--examples', '6'));
  if (args.length === 0) throw new Error('usage: caption_table.ts RUN... [--dataset SPEC] [--beam N] [--examples N]');
  await initBackend({ quiet: true });
  const rows: string[] = ['| run | captioner | BLEU-4 | CIDEr-D | ppl | nearest BLEU-4 | nearest CIDEr-D | unigram ppl |', '|---|---|---|---|---|---|---|---|'];
  const shown: string[] = [];
  let test: Dataset | undefined;
  let train: Dataset | undefined;
  for (const run of args) {
    const trained = await loadTrainedModel(run);
    try {
      const imageSize = trained.config.model.imageSize;
      test ??= await loadDataset(spec, { split: 'test', imageSize, quiet: true });
      train ??= await loadDataset(spec, { split: 'train', imageSize, quiet: true });
      const start = Date.now();
      const m = await captionMetrics({ model: trained.model, tokenizer: trained.tokenizer, maxLen: trained.config.data.maxLen, dataset: test, train, search: { beam } });
      const f = (k: string) => m[k].value.toFixed(3);
      rows.push(`| ${run} (step ${trained.step}) | ${trained.model.captioner} | ${f('bleu4')} | ${f('cider')} | ${f('ppl')} | ${f('nearest_bleu4')} | ${f('nearest_cider')} | ${f('unigram_ppl')} |`);
      const idx = Array.from({ length: examples }, (_, i) => Math.floor((i * test!.size) / examples));
      const caps = await generateCaptions(trained.model, trained.tokenizer, test, trained.config.data.maxLen, { beam }, idx);
      shown.push(`${run}:`, ...idx.map((i, k) => `  ${test!.meta(i).id}\t${caps[k]}\t(reference: ${test!.meta(i).captions[0]})`));
      console.error(`${run}: scored ${test.size} test items in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    } finally {
      trained.model.dispose();
    }
  }
  if (test && train && examples > 0) {
    const idx = Array.from({ length: examples }, (_, i) => Math.floor((i * test!.size) / examples));
    const near = await nearestCaptions(train, test);
    shown.push('nearest-caption baseline:', ...idx.map((i) => `  ${test!.meta(i).id}\t${near[i]}\t(reference: ${test!.meta(i).captions[0]})`));
  }
  console.log(`${spec} test split, ${beam > 1 ? `beam ${beam}` : 'greedy'}\n\n${rows.join('\n')}\n\n${shown.join('\n')}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
