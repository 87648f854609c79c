import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Browser, Page } from 'puppeteer-core';
import sharp from 'sharp';
import { siteCommand } from '../../lib/commands/site';
import { EVAL } from '../../lib/core';
import { encodeCaptions, loadDataset, toFloat } from '../../lib/data';
import { TrainedModel, embedCaptions, embedImages, loadTrainedModel } from '../../lib/run';
import { bundleForBrowser } from '../../lib/site';
import { decodeSafetensors } from '../../lib/train';
import { captured, maxRelError } from '../helpers';
import { TRICKY_CAPTIONS, VARIANTS, perturbedCheckpoint } from '../interop/fixtures';
import { CHROMIUM, describeNeeding } from '../system_requirements';
import { LossCase } from './pages/losses_page';
import { StaticServer, launchChromium, openPage, serveFolder } from './harness';

const ITEMS = 24;
const K = 5;

interface Ranked {
  indices: number[];
  scores: number[];
}

/** Node's top-K of the query `query()` gives ([1, E]) against `matrix` [N, E] (tf.topk), and the gaps down to the (K+1)-th score. */
function topK(query: () => tf.Tensor2D, matrix: tf.Tensor2D): Ranked & { gaps: number[] } {
  const { values, indices } = tf.tidy(() => tf.topk(tf.matMul(query(), matrix, false, true).squeeze([0]), K + 1));
  const v = Array.from(values.dataSync());
  const top = Array.from(indices.dataSync()).slice(0, K);
  tf.dispose([values, indices]);
  return { indices: top, scores: v.slice(0, K), gaps: v.slice(1).map((s, i) => v[i] - s) };
}

/** The ranking a results list of the page shows (its data-* attributes, set with the list). */
async function shown(page: Page, list: string, query: string): Promise<Ranked> {
  const selector = `#${list}[data-query=${JSON.stringify(query)}]`;
  await page.waitForSelector(selector, { timeout: 60_000 });
  const data = await page.$eval(selector, (e) => ({ ...(e as HTMLElement).dataset }));
  return { indices: data.indices!.split(',').map(Number), scores: data.scores!.split(',').map(Number) };
}

/**
 * The page's ranking is Node's: same items in the same order, scores within float rounding. Items
 * whose Node scores are exactly equal (captions identical once cut to the model's length) form a
 * tie, compared in index order (the page orders ties by index); any other near-tie could swap
 * between two backends' roundings, so the fixture must not have one.
 */
function expectSameRanking(page: Ranked, node: Ranked & { gaps: number[] }, what: string): void {
  const clear = (g: number) => g > 2e-5;
  expect(node.gaps.every((g, i) => clear(g) || (g === 0 && i < K - 1)), `${what}: the fixture's top ${K + 1} scores are too close to rank reliably: gaps ${node.gaps}`).to.equal(true);
  const order = [...node.indices];
  for (let i = 1; i < K; i++) for (let j = i; j > 0 && node.gaps[j - 1] === 0 && order[j - 1] > order[j]; j--) [order[j - 1], order[j]] = [order[j], order[j - 1]];
  expect(page.indices, what).to.deep.equal(order);
  for (let i = 0; i < K; i++) expect(page.scores[i], `${what} score ${i}`).to.be.closeTo(node.scores[i], 1e-5);
}

/** `mvlm site` served from 127.0.0.1 and used in headless Chromium: its answers are mvlm's own. */
describeNeeding(CHROMIUM, 'browser: mvlm site in headless Chromium', function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-site-'));
  const siteDir = path.join(dir, 'site');
  let trained: TrainedModel;
  let imageEmb: tf.Tensor2D;
  let captionEmb: tf.Tensor2D;
  let firstCaptions: string[];
  let captions: string[];
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let cliOut: string;

  before(async () => {
    const checkpoint = await perturbedCheckpoint(path.join(dir, 'run'), VARIANTS.two_towers);
    const run = await captured(() => siteCommand(['--checkpoint', checkpoint, '--dataset', 'shapes', '--limit', String(ITEMS), '--out', siteDir]));
    expect(run.result, run.err).to.equal(0);
    cliOut = run.out;
    // mvlm's own embeddings of the same items, in Node
    trained = await loadTrainedModel(checkpoint);
    const S = trained.config.model.imageSize;
    const dataset = await loadDataset('shapes', { split: 'test', size: ITEMS, imageSize: S });
    firstCaptions = Array.from({ length: ITEMS }, (_, i) => dataset.get(i).captions[0]);
    captions = [...new Set(firstCaptions)];
    const images = await embedImages(trained.model, dataset, true);
    imageEmb = tf.tensor2d(images.emb!.data, images.emb!.shape);
    const texts = await embedCaptions(trained.model, trained.tokenizer, captions, trained.config.data.maxLen);
    captionEmb = tf.tensor2d(texts.data, texts.shape);
    server = await serveFolder(siteDir);
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser));
    await page.goto(server.url);
    await page.waitForSelector('#status:not([data-state="loading"])', { timeout: 120_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    tf.dispose([imageEmb, captionEmb]);
    trained?.model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Node's top-K images for a caption. */
  const nodeImagesFor = (caption: string) =>
    topK(() => {
      const { ids, attention } = encodeCaptions(trained.tokenizer, [caption], trained.config.data.maxLen);
      return trained.model.embedTexts(ids, attention, EVAL);
    }, imageEmb);
  /** Node's top-K captions for a picture file (decoded as mvlm decodes: sharp, uint8 -> [0, 1]). */
  const nodeCaptionsFor = async (file: string) => {
    const S = trained.config.model.imageSize;
    const { data } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    return topK(() => trained.model.embedImages(tf.tensor4d(toFloat(new Uint8Array(data)), [1, S, S, 3]), EVAL), captionEmb);
  };

  it('mvlm site writes the export, thumbnails, embeddings equal to mvlm\'s, the page and its bundle, and says how big it is', () => {
    for (const f of ['index.html', 'app.js', 'site.json', 'embeddings.safetensors', 'model/config.json', 'model/model.safetensors', 'model/tokenizer.json', 'tfjs/tfjs-backend-wasm-simd.wasm', `images/${ITEMS - 1}.png`]) {
      expect(fs.existsSync(path.join(siteDir, f)), f).to.equal(true);
    }
    expect(cliOut).to.match(new RegExp(`\\(test, ${ITEMS} items\\) -> .*: page script \\d+\\.\\d\\d MB, site \\d+\\.\\d\\d MB`));
    const emb = decodeSafetensors(fs.readFileSync(path.join(siteDir, 'embeddings.safetensors')));
    expect(maxRelError(emb.tensors.get('image_emb')!.data, imageEmb.dataSync())).to.be.below(1e-6);
    expect(maxRelError(emb.tensors.get('caption_emb')!.data, captionEmb.dataSync())).to.be.below(1e-6);
    const site = JSON.parse(fs.readFileSync(path.join(siteDir, 'site.json'), 'utf8'));
    expect(site.items.map((i: { caption: string }) => i.caption)).to.deep.equal(firstCaptions);
    expect(site.captions).to.deep.equal(captions);
  });

  it('loads on the wasm backend (its .wasm fetched from the site), with no error', async () => {
    expect(await page.$eval('#status', (e) => (e as HTMLElement).dataset.state)).to.equal('ready');
    expect(await page.$eval('#status', (e) => e.textContent)).to.match(new RegExp(`^${ITEMS} pictures and ${captions.length} captions, tfjs wasm backend, ready in \\d+ ms$`));
    expect(server.requests.filter((r) => /\.wasm$/.test(r))).to.satisfy((rs: string[]) => rs.length > 0 && rs.every((r) => r.startsWith('200 /tfjs/')));
    expect(errors).to.deep.equal([]);
  });

  it("the caption shown at load and a typed caption give mvlm's top-5 images", async () => {
    const first = await shown(page, 'image-results', firstCaptions[0]);
    expectSameRanking(first, nodeImagesFor(firstCaptions[0]), 'first caption');
    const typed = TRICKY_CAPTIONS[0];
    await page.$eval('#query', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#query', typed);
    await page.keyboard.press('Enter');
    const second = await shown(page, 'image-results', typed);
    expectSameRanking(second, nodeImagesFor(typed), 'typed caption');
    // the query matters: another caption, another ranking
    expect(second.indices).to.not.deep.equal(first.indices);
  });

  it("a dropped picture and a chosen file give mvlm's top-5 captions", async () => {
    await page.evaluate(async () => {
      const blob = await (await fetch('images/7.png')).blob();
      const data = new DataTransfer();
      data.items.add(new File([blob], 'dropped-7.png', { type: 'image/png' }));
      document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    expectSameRanking(await shown(page, 'caption-results', 'dropped-7.png'), await nodeCaptionsFor(path.join(siteDir, 'images/7.png')), 'dropped picture');
    const input = await page.$('#image-file');
    await (input as unknown as { uploadFile(f: string): Promise<void> }).uploadFile(path.join(siteDir, 'images/12.png'));
    expectSameRanking(await shown(page, 'caption-results', '12.png'), await nodeCaptionsFor(path.join(siteDir, 'images/12.png')), 'chosen file');
    expect(errors).to.deep.equal([]);
  });

  it('the screenshot shows the matched images (saved, and copied to $MVLM_SITE_SCREENSHOT or /tmp/mvlm-site.png)', async () => {
    await page.$eval('#query', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#query', 'a large red circle');
    await page.keyboard.press('Enter');
    await shown(page, 'image-results', 'a large red circle');
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>("#image-results img")).every((i) => i.complete && i.naturalWidth > 0));
    const S = trained.config.model.imageSize;
    expect(await page.$$eval('#image-results img', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth))).to.deep.equal(Array(K).fill(S));
    const png = path.join(dir, 'site.png');
    await page.screenshot({ path: png });
    fs.copyFileSync(png, process.env.MVLM_SITE_SCREENSHOT || path.join(os.tmpdir(), 'mvlm-site.png'));
    // each result image, cut from the screenshot, is a picture (coloured shapes on white), not blank
    const boxes = await page.$$eval('#image-results img', (imgs) => imgs.map((i) => i.getBoundingClientRect().toJSON() as DOMRect));
    for (const [i, b] of boxes.entries()) {
      const crop = { left: Math.ceil(b.x) + 2, top: Math.ceil(b.y) + 2, width: Math.floor(b.width) - 4, height: Math.floor(b.height) - 4 };
      const stats = await sharp(png).extract(crop).stats();
      const coloured = stats.channels.slice(0, 3).some((c) => c.min < 200);
      expect(coloured && stats.channels[0].stdev > 10, `result image ${i} in the screenshot`).to.equal(true);
    }
  });

  it('mvlm/losses runs in the page: CLIP and SigLIP values and gradients equal the reference implementations\'', async () => {
    const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'losses-public.json'), 'utf8')).cases as (LossCase & { loss: number; gradImage: number[][] })[];
    const cases = golden.filter((c) => c.kind === 'clip' || c.kind === 'siglip');
    const pageDir = path.join(siteDir, 'losses-test');
    fs.mkdirSync(pageDir);
    fs.writeFileSync(path.join(pageDir, 'losses.js'), (await bundleForBrowser(path.join(__dirname, 'pages', 'losses_page.ts'))).code);
    fs.writeFileSync(path.join(pageDir, 'index.html'), '<!doctype html><script src="losses.js"></script>');
    const lossPage = await browser.newPage();
    await lossPage.goto(`${server.url}losses-test/`);
    const out = await lossPage.evaluate((cs, wasm) => (window as unknown as { runLosses(c: unknown, w: string): Promise<{ backend: string; results: { loss: number; gradImage: number[] }[] }> }).runLosses(cs, wasm), cases as unknown[], `${server.url}tfjs/`);
    expect(out.backend).to.equal('wasm');
    expect(out.results).to.have.length(16);
    out.results.forEach((r, i) => {
      expect(r.loss, `case ${i} (${cases[i].kind}) loss`).to.be.closeTo(cases[i].loss, 1e-4 * Math.max(1, Math.abs(cases[i].loss)));
      expect(maxRelError(r.gradImage, cases[i].gradImage.flat(), 1e-3), `case ${i} gradient`).to.be.below(1e-3);
    });
    await lossPage.close();
  });
});
