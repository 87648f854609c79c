/**
 * Time of one evaluation (`evaluateModel`) of an untrained arm on the quick preset's emoji setting
 * (two 400-item eval splits, probes on 1000 train items), full and with FAST_EVAL_GROUPS:
 * `npx ts-node -T bench/eval_time.ts clip mae maskvlm` (SHOW=1 prints every metric with its chance).
 * Training does not change the cost, so the model is left untrained.
 */
import { initBackend } from '../lib/backend';
import { loadDataset } from '../lib/data';
import { COMPARE_PRESETS, armByName, armConfig } from '../lib/compare';
import { FAST_EVAL_GROUPS, evaluateModel, setupExperiment, subset } from '../lib/run';
import { Rng } from '../lib/random';

async function main(): Promise<void> {
  await initBackend({});
  const preset = COMPARE_PRESETS.quick;
  const setting = preset.settings[0];
  const splits = [];
  for (const [name, spec] of Object.entries(setting.evalSpecs)) {
    const d = await loadDataset(spec, { split: 'test', imageSize: 32, quiet: true });
    splits.push({ name, dataset: subset(d, new Rng(1234).permutation(d.size).slice(0, preset.evalSize ?? d.size).sort((a, b) => a - b)) });
  }
  for (const arm of process.argv.slice(2)) {
    const config = armConfig(preset, setting, armByName(arm), 0);
    const exp = await setupExperiment(config);
    const base = {
      model: exp.model, tokenizer: exp.tokenizer, maxLen: config.data.maxLen, splits, objectives: exp.objectives,
      probe: { train: exp.train, maxTrain: preset.probe.maxTrain, steps: preset.probe.steps }, seed: 0,
    };
    let t = Date.now();
    const full = await evaluateModel(base);
    const tFull = (Date.now() - t) / 1000;
    t = Date.now();
    const fast = await evaluateModel({ ...base, groups: FAST_EVAL_GROUPS });
    const tFast = (Date.now() - t) / 1000;
    console.log(`${arm}: full ${tFull.toFixed(1)} s (${Object.keys(full).length} metrics), fast ${tFast.toFixed(1)} s (${Object.keys(fast).length} metrics)`);
    if (process.env.SHOW) {
      for (const [k, s] of Object.entries(full)) {
        console.log(`  ${k} = ${s.value.toFixed(4)}${s.chance === undefined ? '' : ` (chance ${s.chance.toFixed(4)})`}${s.items ? ` n=${s.items.length}` : ''}`);
      }
    }
    exp.model.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
