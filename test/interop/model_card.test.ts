import { expect } from 'chai';
import { SubwordTokenizer } from '../../lib/data';
import { exportConfig } from '../../lib/interop';
import { modelCard } from '../../lib/interop/model_card';
import { ExperimentConfigSchema } from '../../lib/run';
import { VARIANTS } from './fixtures';

describe('interop: the model card of an export', () => {
  const experiment = ExperimentConfigSchema.parse(VARIANTS.single_stream);
  const tokenizer = SubwordTokenizer.build(['a red circle'], { vocabSize: 40, minCount: 1 });
  const config = (jointSpaceTrained: boolean) =>
    exportConfig({ model: experiment.model, tokenizer, maxLen: 12, jointSpaceTrained, step: 40, source: 'runs/x/checkpoints/step-40', training: experiment, mvlmVersion: '9.9.9' });

  it('names the data, objectives, steps, the logged loss and eval metrics, and the trained logit scale', () => {
    const card = modelCard({ config: config(true), experiment, logged: { loss: 1.23456, eval: { 'retrieval/in/i2t_r5': 0.5, 'recon/in/psnr': 17.25 } }, logit: { scale: 20, bias: -3.5 } });
    expect(card).to.include('# mvlm single stream model (step 40)');
    expect(card).to.include('- data: `shapes` (16 items), batch 4, captions of 12 tokens, vocabulary ' + tokenizer.vocabSize);
    expect(card).to.include('- objectives: m3ae').and.include('- steps: 40 of 1, seed 0').and.include('(mvlm 9.9.9)');
    expect(card).to.include('- training loss (log interval ending here): 1.235');
    expect(card).to.include('- retrieval/in/i2t_r5: 0.5000').and.include('- recon/in/psnr: 17.25');
    expect(card).to.include('logit scale 20, logit bias -3.500');
    expect(card).to.include('one stream with the image tower');
    expect(card).to.not.include('no objective of this run trains the joint space');
  });

  it('says when nothing was logged and when the projections were never trained', () => {
    const card = modelCard({ config: config(false), experiment, logit: { scale: 14.29 } });
    expect(card).to.include('Unknown (the checkpoint has no run folder with metrics.jsonl beside it)');
    expect(card).to.include('**no objective of this run trains the joint space**');
    const noEval = modelCard({ config: config(true), experiment, logged: { loss: 2 }, logit: { scale: 1 } });
    expect(noEval).to.include('- no evaluation logged at this step');
  });
});
