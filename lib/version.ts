/** mvlm's own package.json, found by walking up from this file (works from lib/ and dist/lib/). */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonFile } from './io/json';

export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && (readJsonFile(file, 'package.json') as { name?: string }).name === 'mvlm') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`mvlm's package.json not found above ${__dirname}`);
    dir = up;
  }
}

export function packageVersion(): string {
  return (readJsonFile(path.join(packageRoot(), 'package.json'), 'package.json') as { version: string }).version;
}
