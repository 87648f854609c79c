import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLS_ID, MASK_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS, SubwordTokenizer, UNK_ID, captionCorpus, loadDataset, normaliseText } from '../../lib/data';

const CORPUS = [
  'a small red circle left of a large blue square',
  'a large green triangle above a small red star',
  'the red circle, again: above the green square',
  'grinning face with smiling eyes',
  'smiling face with sunglasses',
  'pi\u00f1ata',
];

describe('data: tokenizer', () => {
  it('has the specials first and encodes [CLS] ... [SEP] with padding, attention and word starts', () => {
    const tok = SubwordTokenizer.build(CORPUS, { vocabSize: 200 });
    expect(tok.pieces.slice(0, 5).map(([p]) => p)).to.deep.equal([...SPECIAL_TOKENS]);
    expect([PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID]).to.deep.equal([0, 1, 2, 3, 4]);
    const enc = tok.encode('A small  red circle', 12);
    expect(enc.ids.length).to.equal(12);
    expect(enc.ids[0]).to.equal(CLS_ID);
    const sep = enc.ids.indexOf(SEP_ID);
    expect(enc.attention).to.deep.equal(enc.ids.map((_, t) => (t <= sep ? 1 : 0)));
    expect(enc.ids.slice(sep + 1).every((id) => id === PAD_ID)).to.equal(true);
    const pieces = tok.idsToPieces(enc.ids.slice(1, sep));
    expect(enc.wordStarts.slice(1, sep)).to.deep.equal(pieces.map((p) => (p.startsWith('\u2581') ? 1 : 0)));
    expect(enc.wordStarts.filter((w) => w === 1).length).to.equal(4);
    expect(tok.decode(enc.ids)).to.equal('a small red circle');
  });

  it('round-trips seen and unseen words built from seen characters; unknown characters become [UNK]', () => {
    const tok = SubwordTokenizer.build(CORPUS, { vocabSize: 200 });
    for (const text of [...CORPUS, 'a circled greenish squares', 'Smiling   Pi\u00f1ata!'.replace('!', '')]) {
      expect(tok.decode(tok.encode(text, 64).ids)).to.equal(normaliseText(text));
    }
    const ids = tok.tokenize('red \u03a9\u03a9 circle');
    expect(ids).to.include(UNK_ID);
    expect(ids.filter((id) => id === UNK_ID).length).to.equal(1); // consecutive unknowns merge
    expect(tok.decode(ids)).to.equal('red [UNK] circle');
  });

  it('truncates keeping [SEP], and caps the vocabulary', () => {
    const tok = SubwordTokenizer.build(CORPUS, { vocabSize: 60 });
    expect(tok.vocabSize).to.be.at.most(60);
    const enc = tok.encode(CORPUS[0], 5);
    expect(enc.ids.length).to.equal(5);
    expect(enc.ids[4]).to.equal(SEP_ID);
    expect(enc.attention).to.deep.equal([1, 1, 1, 1, 1]);
    expect(() => SubwordTokenizer.build(CORPUS, { vocabSize: 10 })).to.throw(/vocabSize 10/);
  });

  it('is deterministic for the same corpus and survives toJSON / save / load', async () => {
    const train = await loadDataset('shapes', { size: 300 });
    const corpus = captionCorpus(train);
    const a = SubwordTokenizer.build(corpus);
    const b = SubwordTokenizer.build(corpus);
    expect(b.pieces).to.deep.equal(a.pieces);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-tok-')), 'tokenizer.json');
    a.save(file);
    const c = SubwordTokenizer.load(file);
    const d = SubwordTokenizer.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    const text = train.meta(5).captions[1];
    expect(c.encode(text, 32)).to.deep.equal(a.encode(text, 32));
    expect(d.encode(text, 32)).to.deep.equal(a.encode(text, 32));
    // Frequent words of the corpus are single pieces.
    expect(a.idsToPieces(a.tokenize('a large red circle'))).to.deep.equal(['\u2581a', '\u2581large', '\u2581red', '\u2581circle']);
    expect(() => SubwordTokenizer.fromJSON({ pieces: [] } as never)).to.throw(/not an mvlm tokenizer/);
  });
});
