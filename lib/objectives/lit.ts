/**
 * LiT in its "uL" setting: a locked pretrained text tower (USE-lite), the image tower trained
 * contrastively against its (projected) sentence embeddings. (LiT's headline "Lu" locks a
 * pretrained image tower instead.) The tower's outputs are constants: no gradient reaches it.
 */
import * as tf from '@tensorflow/tfjs';
import { clipLoss, siglipLoss } from '../losses';
import { gatherRows } from './global_batch';
import { Objective } from './types';

export function litObjective(opts: { loss?: 'clip' | 'siglip' } = {}): Objective {
  const loss = opts.loss ?? 'clip';
  return {
    name: 'lit',
    batchCoupled: true,
    gathersFeatures: true,
    trainsJointSpace: true,
    needs: loss === 'siglip' ? ['frozenText', 'logitBias'] : ['frozenText'],
    // every training caption embedded once, before step 1; steps then read the cache
    prepare: async (model, data) => {
      if (!data.captions) throw new Error('lit: prepare needs the training captions (PrepareData.captions)');
      await model.frozenText!.ensure(data.captions());
    },
    terms: (inputs) => {
      const { model, batch, ctx } = inputs;
      if (!batch.captions) throw new Error('lit: the batch carries no caption texts for the frozen text tower');
      const all = gatherRows(inputs, { image: model.embedImages(batch.images, ctx), text: model.embedFrozenTexts(batch.captions) });
      const imageEmb = all.image as tf.Tensor2D;
      const textEmb = all.text as tf.Tensor2D;
      const logitScale = model.logit.scale();
      const contrastive =
        loss === 'siglip'
          ? siglipLoss({ imageEmb, textEmb, logitScale, logitBias: model.logit.bias as unknown as tf.Scalar })
          : clipLoss({ imageEmb, textEmb, logitScale });
      return { contrastive };
    },
  };
}
