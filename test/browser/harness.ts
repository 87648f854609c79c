/**
 * Pages in Debian's headless Chromium, driven over the DevTools protocol (puppeteer-core, which
 * uses the system browser and downloads none), served by a static server on 127.0.0.1 at a free port.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import puppeteer, { Browser, Page } from 'puppeteer-core';
import { chromiumPath } from '../system_requirements';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
};

export interface StaticServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** Paths asked for, in order (with their status). */
  requests: string[];
  close(): Promise<void>;
}

/** Serve the files under `root` (GET only, `/` -> index.html) on 127.0.0.1 at a port the OS picks. */
export function serveFolder(root: string): Promise<StaticServer> {
  const requests: string[] = [];
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = path.join(base, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    const ok = req.method === 'GET' && file.startsWith(base + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
    requests.push(`${ok ? 200 : 404} ${pathname}`);
    if (!ok) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** Headless Chromium in a fresh profile (puppeteer removes it on close). */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page whose console errors and uncaught exceptions are collected in `errors`. */
export async function openPage(browser: Browser, width = 1100, height = 900): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${(e as Error).message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  await page.setViewport({ width, height });
  return { page, errors };
}
