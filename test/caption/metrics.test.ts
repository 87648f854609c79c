/**
 * BLEU-4 and CIDEr-D against values worked out by hand (the arithmetic is in the comments), and the
 * nearest-caption search.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { captionWords, ciderD, corpusBleu, nearestRows } from '../../lib/eval';
import { expectNoLeak } from '../helpers';

describe('caption metrics', () => {
  it('words: lowercase, punctuation dropped', () => {
    expect(captionWords('Grinning face: happy, LOL!')).to.deep.equal(['grinning', 'face', 'happy', 'lol']);
  });

  describe('corpus BLEU-4', () => {
    it('a perfect match scores 1', () => {
      expect(corpusBleu(['the cat sat on the mat'], [['the cat sat on the mat', 'a cat']])).to.be.closeTo(1, 1e-9);
    });

    it('"a b c d e" vs "a b c d f": precisions 4/5, 3/4, 2/3, 1/2, no brevity penalty -> 0.2^(1/4)', () => {
      expect(corpusBleu(['a b c d e'], [['a b c d f']])).to.be.closeTo(Math.pow(0.2, 0.25), 1e-9); // 0.66874
    });

    it('clips repeated words and applies the brevity penalty against the closest reference', () => {
      // "the the the the e" vs "the cat e x y": unigrams clipped to 1 'the' + 'e' = 2/5; bigrams "the the"×3, "the e": 0/4 -> smoothing
      // lengths 5 vs refs 5 and 9: closest 5, no penalty; p2 = (0 + 1e-15) / (4 + 1e-9) etc.
      const expected = Math.exp((Math.log(2 / 5) + Math.log(1e-15 / 4) + Math.log(1e-15 / 3) + Math.log(1e-15 / 2)) / 4);
      expect(corpusBleu(['the the the the e'], [['the cat e x y', 'a b c d e f g h i']])).to.be.closeTo(expected, expected * 1e-6);
      // "a b c d" vs "a b c d e f": all precisions 1, ratio 4/6: penalty e^(1 - 6/4) = e^-0.5
      expect(corpusBleu(['a b c d'], [['a b c d e f']])).to.be.closeTo(Math.exp(-0.5), 1e-9);
    });

    it('pools counts over the corpus (not a mean of sentence scores)', () => {
      // item 1 perfect (4 words), item 2 "x y" vs "x z": unigram 5/6, bigram 3/4, trigram 2/2, 4-gram 1/1 pooled
      const pooled = Math.pow((5 / 6) * (3 / 4) * (2 / 2) * (1 / 1), 0.25);
      expect(corpusBleu(['a b c d', 'x y'], [['a b c d'], ['x z']])).to.be.closeTo(pooled, 1e-9);
    });
  });

  describe('CIDEr-D', () => {
    it('two images, one reference each: a copy scores 5 (n = 1, 2 match; no 3-, 4-grams), a half match 1.25', () => {
      // idf = log(2) − log(1) for every n-gram (each occurs for one image); n=1 cosine 1, n=2 cosine 1 -> mean([1,1,0,0])·10 = 5
      const exact = ciderD(['a b', 'c d'], [['a b'], ['c d']]);
      expect(exact.perItem[0]).to.be.closeTo(5, 1e-9);
      expect(exact.perItem[1]).to.be.closeTo(5, 1e-9);
      // "a c" vs "a b": unigram cosine (log2)² / (√2 log2)² = 1/2, bigram 0 -> (0.5/4)·10 = 1.25; mean (1.25 + 5)/2
      const half = ciderD(['a c', 'c d'], [['a b'], ['c d']]);
      expect(half.perItem[0]).to.be.closeTo(1.25, 1e-9);
      expect(half.score).to.be.closeTo(3.125, 1e-9);
    });

    it('words every image shares carry no weight (idf 0), and a length gap is penalised by exp(−δ²/72)', () => {
      // 'face' is in both images' references: idf 0. "face x y z" vs "face x": unigrams x (idf log2) match -> cosine (log2)²/(log2·√3 log2)
      // bigram "face x" has df 1: hyp bigrams {face x, x y, y z}, ref {face x}: cosine 1/√3; δ = 3 − 1 bigrams = 2
      const s = ciderD(['face x y z', 'face w'], [['face x'], ['face w']]);
      const expected = ((1 / Math.sqrt(3) + 1 / Math.sqrt(3)) / 4) * 10 * Math.exp(-4 / 72);
      expect(s.perItem[0]).to.be.closeTo(expected, 1e-9);
    });

    it('several references are averaged, and empty inputs are refused', () => {
      const one = ciderD(['a b', 'c d'], [['a b', 'c d'], ['c d']]);
      expect(one.perItem[0]).to.be.below(5).and.above(0);
      expect(() => ciderD(['a'], [[]])).to.throw(/item 0 has no reference/);
      expect(() => corpusBleu(['a', 'b'], [['a']])).to.throw(/2 candidates but 1 reference/);
    });
  });

  it('nearest rows by squared L2 (first index on ties), no leaks', async () => {
    const train = [[0, 0], [10, 0], [0, 10], [10, 0]];
    const queries = [[9, 1], [1, 8], [-1, -1]];
    const got = await expectNoLeak(() => nearestRows(queries, train, 2));
    expect(got).to.deep.equal([1, 2, 0]);
    const t = tf.tensor2d(train);
    expect(await nearestRows([[10, 0]], t)).to.deep.equal([1]);
    t.dispose();
  });
});
