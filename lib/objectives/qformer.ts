/**
 * BLIP-2 (Li et al. 2023) at mvlm's scale. Stage 1 trains the Q-Former against the image features
 * with three terms, each under its own self-attention mask (models/qformer_mask.ts): ITC
 * ('unimodal'; image–text similarity = the best query), ITM with hard negatives ('bidirectional';
 * the classifier averaged over queries), image-grounded generation ('causal'). Stage 2 projects the
 * query outputs into soft prompts of the frozen LM and trains on its caption loss. Steps up to
 * `stage1Steps` are stage 1, later ones stage 2 (announced once). Every step reports all four
 * terms (the trainer's log keeps one set of names): the other stage's are a constant 0 there.
 * Outside a training loop (no step) both stages' terms are computed.
 */
import * as tf from '@tensorflow/tfjs';
import { captionLoss, itmLoss, sampleHardNegatives } from '../losses';
import { rowLabels, softmaxCrossEntropy } from '../losses/cross_entropy';
import { LM_PREFIX } from '../models';
import { captionTerm } from './bridge';
import { captionDenominator, gatherNothing, gatherRows, globalBatch, ownRange, statesOfRows } from './global_batch';
import { Objective, StepInputs } from './types';

export interface QformerOptions {
  /** Steps of stage 1 (ITC + ITM + generation); later steps train stage 2 (soft prompts into the frozen LM). */
  stage1Steps?: number;
}

/** Mean of the two directions' CE on logits [B, B] (image rows, text columns) with the diagonal as labels. */
function symmetricCe(logits: tf.Tensor2D): tf.Scalar {
  const B = logits.shape[0];
  const rows = rowLabels('qformer itc', 'diagonal', Array.from({ length: B }, (_, i) => i), B, () => false);
  return softmaxCrossEntropy(logits, rows).add(softmaxCrossEntropy(logits.transpose() as tf.Tensor2D, rows)).div(2) as tf.Scalar;
}

/**
 * Stage 1's three terms on frozen image states [b, S, Di]. A data-parallel shard compares its rows
 * with the whole batch's: ITC on the gathered embeddings, ITM negatives drawn from the whole
 * batch's similarities (a partner row of another shard recomputed), generation over the whole
 * batch's target count.
 */
function stage1Terms(inputs: StepInputs, image: tf.Tensor3D): Record<string, tf.Scalar> {
  const { model, batch, ctx, rng } = inputs;
  const qf = model.qformer!;
  const b = batch.tokens.shape[0];
  const emb = model.text.embed(batch.tokens);

  // ITC: queries and text never see each other; similarity = max over queries of the cosines
  const uni = qf.apply(image, ctx, { emb, attention: batch.attention, kind: 'unimodal' });
  const Dq = uni.text!.shape[2];
  const all = gatherRows(inputs, {
    image: qf.queryEmbeddings(uni.queries), // [b, Nq, E]
    text: qf.textProj.apply(uni.text!.slice([0, 0, 0], [b, 1, Dq]).reshape([b, Dq])), // [CLS] -> [b, E]
  });
  const [B, Nq, E] = all.image.shape;
  // [B·Nq, E]·[E, B] -> [B, Nq, B] -> max over queries -> [B, B]
  const sim = tf.matMul(all.image.reshape([B * Nq, E]), all.text.transpose()).reshape([B, Nq, B]).max(1) as tf.Tensor2D;
  const scale = model.logit.scale();
  const itc = symmetricCe(sim.mul(scale) as tf.Tensor2D);

  // ITM: each image with a hard negative caption, each caption with a hard negative image (no gradient through the draw)
  const hostSim = sim.arraySync() as number[][];
  const s = scale.dataSync()[0];
  const negText = sampleHardNegatives({ similarity: hostSim, logitScale: s, seed: rng.tfSeed() });
  const negImage = sampleHardNegatives({ similarity: hostSim.map((_, j) => hostSim.map((row) => row[j])), logitScale: s, seed: rng.tfSeed() });
  const whole = globalBatch(inputs);
  const { start } = ownRange(inputs);
  const self = Array.from({ length: b }, (_, i) => start + i);
  const imageRows = [...self, ...self, ...self.map((j) => negImage[j])];
  const textRows = [...self, ...self.map((i) => negText[i]), ...self];
  const bi = qf.apply(statesOfRows(inputs, imageRows, image, (rows) => model.encodeImage(tf.gather(whole.images, rows) as tf.Tensor4D, {}, ctx).hidden), ctx, {
    emb: statesOfRows(inputs, textRows, emb, (rows) => model.text.embed(tf.gather(whole.tokens, rows) as tf.Tensor2D)),
    attention: tf.gather(whole.attention, tf.tensor1d(textRows, 'int32')) as tf.Tensor2D,
    kind: 'bidirectional',
  });
  const itm = itmLoss({ logits: qf.itmLogits(bi.queries), labels: tf.tensor1d([...self.map(() => 1), ...self.map(() => 0), ...self.map(() => 0)], 'int32') });

  // image-grounded generation: text reads every query and the text before it
  const gen = qf.apply(image, ctx, { emb, attention: batch.attention, kind: 'causal' });
  const padId = model.textSpec.padId;
  const itg = captionLoss({ logits: qf.lmHead.apply(gen.text!) as tf.Tensor3D, tokens: batch.tokens, padId, denominator: captionDenominator(inputs, padId) });
  return { itc, itm, itg };
}

export function qformerObjective(opts: QformerOptions = {}): Objective {
  const stage1Steps = opts.stage1Steps ?? 100;
  let announced = false;
  return {
    name: 'qformer',
    batchCoupled: true,
    gathersFeatures: true,
    needs: ['lm', 'qformer'],
    freezes: [LM_PREFIX],
    terms: (inputs) => {
      const { model, batch, ctx, step } = inputs;
      const image = model.encodeImage(batch.images, {}, ctx).hidden;
      const stage1 = step === undefined || step <= stage1Steps;
      const stage2 = step === undefined || step > stage1Steps;
      if (step !== undefined && stage2 && !announced) {
        announced = true;
        console.error(`qformer: stage 2 from step ${step}: the query outputs become soft prompts of the frozen LM (stage 1 ran ${stage1Steps} steps)`);
      }
      // a data-parallel first pass on a stage-2 step: nothing crosses rows (it must still hand over)
      if (!stage1) gatherNothing(inputs);
      const idle = () => tf.scalar(0);
      return {
        ...(stage1 ? stage1Terms(inputs, image) : { itc: idle(), itm: idle(), itg: idle() }),
        lm: stage2 ? captionTerm(inputs, model.softPrompts(model.qformer!.apply(image, ctx).queries)) : idle(),
      };
    },
  };
}
