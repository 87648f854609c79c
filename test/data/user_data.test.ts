import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { loadDataset } from '../../lib/data';

// Fixtures are generated here with sharp (a red PNG, a green JPEG with alpha-free pixels, a blue
// WebP with transparency, and a file that is not an image).
let dir: string;
const write = (name: string, lines: string[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
};
const good = (image: string, caption: string, extra = '') => `{"image": "${image}", "caption": "${caption}"${extra}}`;

async function expectFailure(spec: string, pattern: RegExp) {
  let error: Error | undefined;
  try {
    await loadDataset(spec, { imageSize: 8 });
  } catch (e) {
    error = e as Error;
  }
  expect(error, `${spec} should fail`).to.be.instanceOf(Error);
  expect(error!.message).to.match(pattern);
}

describe('data: jsonl and coco', () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-data-'));
    const solid = (r: number, g: number, b: number, alpha = 1) =>
      sharp({ create: { width: 20, height: 12, channels: 4, background: { r, g, b, alpha } } });
    await solid(255, 0, 0).png().toFile(path.join(dir, 'red.png'));
    await solid(0, 255, 0).jpeg().toFile(path.join(dir, 'green.jpg'));
    await solid(0, 0, 255, 0).webp({ lossless: true }).toFile(path.join(dir, 'clear.webp'));
    fs.writeFileSync(path.join(dir, 'broken.png'), 'this is not a png');
  });

  it('reads PNG, JPEG and WebP with captions, labels and explicit splits (alpha on white)', async () => {
    const file = write('ok.jsonl', [
      good('red.png', 'a red square', ', "label": "red", "split": "train"'),
      '',
      `{"image": "green.jpg", "captions": ["green", "a green thing"], "label": "green", "split": "train"}`,
      good(path.join(dir, 'clear.webp'), 'nothing', ', "label": "red", "split": "test"'),
    ]);
    const train = await loadDataset(`jsonl:${file}`, { imageSize: 8 });
    const test = await loadDataset(`jsonl:${file}`, { imageSize: 8, split: 'test' });
    expect(train.size).to.equal(2);
    expect(test.size).to.equal(1);
    expect(train.classNames).to.deep.equal(['green', 'red']);
    expect(train.get(0).label).to.equal(1);
    expect(train.get(1).captions).to.deep.equal(['green', 'a green thing']);
    const red = train.get(0).image;
    expect([red[0], red[1], red[2]]).to.deep.equal([1, 0, 0]);
    const green = train.get(1).image;
    expect(green[1]).to.be.above(0.9);
    expect(green[0]).to.be.below(0.1);
    expect(Array.from(test.get(0).image).every((v) => v === 1), 'transparent -> white').to.equal(true);
    expect(train.skipped).to.deep.equal([]);
    const all = await loadDataset(`jsonl:${file}`, { imageSize: 8, split: 'all' });
    expect(all.split).to.equal('all');
    expect(Array.from({ length: all.size }, (_, i) => all.meta(i).captions[0]), 'every item, in file order').to.deep.equal(['a red square', 'green', 'nothing']);
    expect((await loadDataset(`jsonl:${file}`, { imageSize: 8, split: 'all', size: 2 })).size).to.equal(2);
    await loadDataset(`jsonl:${file}`, { split: 'both' as never }).then(
      () => expect.fail('should throw'),
      (e: Error) => expect(e.message).to.match(/split must be one of train, test, all, got 'both'/),
    );
  });

  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"image": "red.png", "caption": ', /not valid JSON/],
    ['a missing image', good('nope.png', 'gone'), /image not found: .*nope\.png/],
    ['an undecodable image', good('broken.png', 'bad bytes'), /cannot decode image .*broken\.png/],
    ['an empty caption', good('red.png', '  '), /empty caption/],
    ['no caption', '{"image": "red.png"}', /no "caption" or "captions"/],
    ['an empty captions array', '{"image": "red.png", "captions": []}', /"captions" must be a non-empty array/],
    ['no image field', '{"caption": "x"}', /no "image" path/],
  ];
  for (const [name, line, reason] of cases) {
    it(`fails on ${name} naming the file and line`, async () => {
      const file = write(`bad-${name.replace(/\W+/g, '-')}.jsonl`, [good('red.png', 'fine'), line, good('red.png', 'also fine')]);
      await expectFailure(`jsonl:${file}`, new RegExp(`${file.replace(/[.\\]/g, '\\$&')}:2: ${reason.source}`));
    });
  }

  it('with skipBad skips every bad line and reports which', async () => {
    const file = write('mixed.jsonl', [good('red.png', 'one'), ...cases.map(([, line]) => line), good('green.jpg', 'two')]);
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      const d = await loadDataset(`jsonl:${file}`, { imageSize: 8, skipBad: true });
      expect(d.splitSizes.train + d.splitSizes.test).to.equal(2);
      expect(d.skipped.map((s) => s.line)).to.deep.equal([2, 3, 4, 5, 6, 7, 8]);
      d.skipped.forEach((s, k) => expect(s.reason).to.match(cases[k][2]));
      expect(d.skipped.every((s) => s.file === file)).to.equal(true);
    } finally {
      console.warn = warn;
    }
    expect(warnings.join('\n')).to.match(/skipped 7 bad items/);
  });

  it('reads COCO captions grouped per image and names bad entries', async () => {
    const coco = {
      images: [
        { id: 1, file_name: 'red.png' },
        { id: 2, file_name: 'green.jpg' },
      ],
      annotations: [
        { image_id: 1, caption: 'red one' },
        { image_id: 1, caption: 'still red' },
        { image_id: 2, caption: 'green' },
      ],
    };
    const file = path.join(dir, 'captions.json');
    fs.writeFileSync(file, JSON.stringify(coco));
    const d = await loadDataset(`coco:${file}:${dir}`, { imageSize: 8, size: 10 });
    const all = d.splitSizes.train + d.splitSizes.test;
    expect(all).to.equal(2);
    const items = [d, await loadDataset(`coco:${file}:${dir}`, { imageSize: 8, split: 'test' })].flatMap((x) =>
      Array.from({ length: x.size }, (_, i) => x.meta(i)),
    );
    expect(items.find((m) => m.id === 'coco-1')!.captions).to.deep.equal(['red one', 'still red']);

    const badCaption = path.join(dir, 'bad-caption.json');
    fs.writeFileSync(badCaption, JSON.stringify({ ...coco, annotations: [...coco.annotations, { image_id: 2, caption: '' }] }));
    await expectFailure(`coco:${badCaption}:${dir}`, /bad-caption\.json:4: annotations\[3\] \(image_id 2\): empty caption/);
    const badImage = path.join(dir, 'bad-image.json');
    fs.writeFileSync(badImage, JSON.stringify({ ...coco, images: [...coco.images, { id: 3, file_name: 'broken.png' }], annotations: [...coco.annotations, { image_id: 3, caption: 'x' }] }));
    await expectFailure(`coco:${badImage}:${dir}`, /bad-image\.json:3: cannot decode image/);
    const notJson = path.join(dir, 'not.json');
    fs.writeFileSync(notJson, '{');
    await expectFailure(`coco:${notJson}:${dir}`, /not\.json:1: not valid JSON/);
  });

  it('rejects unknown specs and a missing file', async () => {
    await expectFailure('nope', /unknown dataset spec 'nope'/);
    await expectFailure('emoji:apple', /unknown style 'apple'/);
    await expectFailure(`jsonl:${path.join(os.tmpdir(), 'missing-mvlm.jsonl')}`, /file not found/);
  });
});
