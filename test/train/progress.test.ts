import { expect } from 'chai';
import { Progress } from '../../lib/train/progress';

/** A fake stream that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', columns: 100, write(chunk: string) { s.text += chunk; return true; }, cursorTo() { return true; }, clearLine() { return true; }, moveCursor() { return true; }, on() { return s; }, removeListener() { return s; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

/** What a Progress over 10 steps writes to a fake stream while `use` drives it (then stop). */
function output(isTTY: boolean, quiet: boolean, use: (p: Progress) => void): string {
  const stream = fakeStream(isTTY);
  const p = new Progress(10, 0, quiet, stream);
  use(p);
  p.stop();
  return stream.text;
}

describe('train/progress', () => {
  it('prints nothing when quiet, plain lines on a non-TTY, a bar on a TTY', () => {
    expect(output(true, true, (q) => { q.tick(1); q.report(5, 1.5, 100); })).to.equal('');
    expect(output(false, false, (p) => { p.tick(1); p.report(5, 1.23456, 42); })).to.equal('step 5 | loss 1.2346 | 42.0 samples/s\n');
    expect(output(true, false, (b) => b.report(5, 0.5, 12.5))).to.match(/5\/10 \| loss 0\.5000 \| 12\.5 samples\/s \| ETA/);
  });
});
