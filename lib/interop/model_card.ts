/** README.md of an exported model: what it was trained on and how, its metrics when known, how to load it. */
import type { ExperimentConfig } from '../run/config';
import type { ExportConfig } from './export_config';

export interface CardFacts {
  config: ExportConfig;
  experiment: ExperimentConfig;
  /** The trained contrastive scale (exponentiated), and SigLIP's bias. */
  logit: { scale: number; bias?: number };
  /** The metrics.jsonl line of the checkpoint's step, when the run folder has one. */
  logged?: { loss?: number; eval?: Record<string, number> };
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

export function modelCard({ config, experiment, logged, logit }: CardFacts): string {
  const v = config.vision;
  const t = config.text;
  const objectives = experiment.objectives.map((o) => `${o.name}${o.weight === undefined || o.weight === 1 ? '' : ` (weight ${o.weight})`}`).join(', ');
  const lines = [
    '---',
    'library_name: mvlm',
    'tags: [vision-language, contrastive, mvlm]',
    '---',
    `# mvlm ${config.variant.replace('_', ' ')} model (step ${config.checkpoint.step})`,
    '',
    experiment.description ? `${experiment.description}\n` : '',
    '## Training',
    `- data: \`${experiment.data.train}\`${experiment.data.size ? ` (${experiment.data.size} items)` : ''}, batch ${experiment.data.batchSize}, captions of ${t.max_length} tokens, vocabulary ${t.vocab_size}`,
    `- objectives: ${objectives}`,
    `- steps: ${config.checkpoint.step} of ${experiment.train.steps}, seed ${experiment.train.seed}`,
    `- checkpoint: \`${config.checkpoint.source}\` (mvlm ${config.mvlm_version})`,
    ...(config.joint_space_trained ? [] : ['- **no objective of this run trains the joint space**: the projections are as initialised, so image/text embeddings are random projections of the towers\' states']),
    '',
    '## Metrics at this step',
    ...metricLines(logged),
    '',
    '## Architecture',
    `- image tower: ViT ${v.image_size}px, patch ${v.patch_size}, width ${v.width}, depth ${v.depth}, heads ${v.heads}, ${v.pooling} pooling, ${v.positions} positions`,
    `- text tower: width ${t.width}, depth ${t.depth}, heads ${t.heads}, ${t.max_length} tokens, [CLS] pooling${config.shared_core ? '; shares the image tower\'s blocks' : ''}${config.single_stream ? '; one stream with the image tower (modality embeddings added)' : ''}`,
    `- joint space: ${config.embed_dim} dims, unit norm; logit scale ${num(logit.scale)}${logit.bias === undefined ? '' : `, logit bias ${num(logit.bias)}`}`,
    '- exported: both towers, both projections, the logit scale (and bias). Not exported: training-only heads and decoders (MLM/MIM/ITM heads, pixel and caption decoders, fusion and cross-modal encoders, mask tokens).',
    '',
    '## Use',
    '```python',
    'import mvlm_reference  # python/mvlm_reference.py from mvlm (torch + numpy)',
    'model = mvlm_reference.load("THIS_FOLDER")',
    'ids, attention = model.tokenize(["a red circle"])',
    'text = model.encode_text(ids, attention)          # [B, E], unit norm',
    'image = model.encode_image(pixels)                # pixels [B, H, W, 3] float in [0, 1]',
    '```',
    'Files and layouts: see lib/interop/README.md in mvlm.',
    '',
  ];
  return lines.join('\n');
}

function metricLines(logged: CardFacts['logged']): string[] {
  if (!logged) return ['Unknown (the checkpoint has no run folder with metrics.jsonl beside it). Run `mvlm eval --checkpoint ...`.'];
  const out = logged.loss === undefined ? [] : [`- training loss (log interval ending here): ${num(logged.loss)}`];
  const evals = Object.entries(logged.eval ?? {});
  if (evals.length === 0) out.push('- no evaluation logged at this step (run `mvlm eval --checkpoint ...`)');
  for (const [k, value] of evals) out.push(`- ${k}: ${num(value)}`);
  return out;
}
