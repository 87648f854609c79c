/** mvlm's own package.json, found by walking up from this file (works from lib/ and dist/lib/). */
import * as fs from 'fs';
import * as path from 'path';

export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'mvlm') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`mvlm's package.json not found above ${__dirname}`);
    dir = up;
  }
}

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
