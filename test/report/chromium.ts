/** Runs Debian's headless Chromium once on a page, in a fresh profile, and cleans up after it. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CHROMIUM, chromiumPath } from '../system_requirements';

export type ChromiumMode = { dumpDom: true } | { screenshot: string };

/**
 * Loads `htmlFile` in headless Chromium and resolves with its stdout (the serialised DOM for
 * `dumpDom`). The browser runs in its own process group, killed whole on timeout.
 */
export function runChromium(htmlFile: string, mode: ChromiumMode, timeoutMs = 60_000): Promise<string> {
  const missing = CHROMIUM.missing();
  if (missing) throw new Error(`Chromium is missing (${missing}): ${CHROMIUM.install}`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-chromium-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--window-size=1200,2000', '--hide-scrollbars',
    'dumpDom' in mode ? '--dump-dom' : `--screenshot=${mode.screenshot}`,
    pathToFileURL(path.resolve(htmlFile)).href,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(chromiumPath(), args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      fs.rmSync(profile, { recursive: true, force: true });
      if (code === 0) resolve(stdout);
      else reject(new Error(`chromium exited ${code ?? signal}:\n${stderr.slice(-2000)}`));
    });
  });
}
