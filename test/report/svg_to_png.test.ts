import { expect } from 'chai';
import sharp from 'sharp';
import { lossPlotSpec } from '../../lib/report/plots';
import { renderSvg } from '../../lib/report/render';
import { svgToPng } from '../../lib/report/svg_to_png';
import { twoArmsTwoSeeds } from './fixture';

describe('report/svgToPng', () => {
  it('renders a plot SVG to a non-blank PNG, scaled by density / 72', async () => {
    const svg = await renderSvg(lossPlotSpec(twoArmsTwoSeeds()));
    const [, w, h] = svg.match(/<svg[^>]*width="(\d+)" height="(\d+)"/)!.map(Number);
    for (const density of [72, 144]) {
      const png = await svgToPng(svg, { density });
      const meta = await sharp(png).metadata();
      expect(meta.format).to.equal('png');
      expect([meta.width, meta.height]).to.deep.equal([(w * density) / 72, (h * density) / 72]);
      const { channels } = await sharp(png).stats();
      expect(channels.slice(0, 3).some((c) => c.max - c.min > 100)).to.equal(true);
    }
  });

  it('rejects text that is not an SVG, naming the argument', async () => {
    let err: Error | undefined;
    await svgToPng('<html></html>').catch((e: Error) => (err = e));
    expect(err?.message).to.match(/svgToPng: svg is not an SVG/);
  });
});
