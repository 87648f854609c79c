import { expect } from 'chai';
import { Progress } from '../../lib/train/progress';

/** A fake stream that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', columns: 100, write(chunk: string) { s.text += chunk; return true; }, cursorTo() { return true; }, clearLine() { return true; }, moveCursor() { return true; }, on() { return s; }, removeListener() { return s; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('train/progress', () => {
  it('prints nothing when quiet, plain lines on a non-TTY, a bar on a TTY', () => {
    const quiet = fakeStream(true);
    const q = new Progress(10, 0, true, quiet);
    q.tick(1);
    q.report(5, 1.5, 100);
    q.stop();
    expect(quiet.text).to.equal('');

    const pipe = fakeStream(false);
    const p = new Progress(10, 0, false, pipe);
    p.tick(1);
    p.report(5, 1.23456, 42);
    p.stop();
    expect(pipe.text).to.equal('step 5 | loss 1.2346 | 42.0 samples/s\n');

    const tty = fakeStream(true);
    const b = new Progress(10, 0, false, tty);
    b.report(5, 0.5, 12.5);
    b.stop();
    expect(tty.text).to.match(/5\/10 \| loss 0\.5000 \| 12\.5 samples\/s \| ETA/);
  });
});
