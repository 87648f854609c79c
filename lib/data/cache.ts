/**
 * Decode once: a per-process memo of promises (concurrent callers share one decode) and an
 * optional on-disk cache of uint8 pixel arrays under `MVLM_CACHE_DIR` or `./.mvlm-cache/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonFile } from '../io/json';

const memo = new Map<string, Promise<unknown>>();

/** `make()` runs once per `key` per process; a failure is not memoised (the next call retries). */
export function memoise<T>(key: string, make: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

/** Forget memoised decodes (tests that measure cold loads). */
export function clearMemo(): void {
  memo.clear();
}

export function cacheDir(): string {
  return process.env.MVLM_CACHE_DIR ?? path.join(process.cwd(), '.mvlm-cache');
}

/**
 * Read `name` (ids + concatenated uint8 pixels, `itemBytes` per item) from the disk cache; null
 * when absent or when it does not match `ids` (then the caller decodes and writes it again).
 */
export function readPixelCache(name: string, ids: string[], itemBytes: number): Uint8Array[] | null {
  const base = path.join(cacheDir(), name);
  try {
    const storedIds = readJsonFile(`${base}.json`, 'pixel cache index') as string[];
    const data = fs.readFileSync(`${base}.u8`);
    if (storedIds.length !== ids.length || storedIds.some((id, i) => id !== ids[i])) return null;
    if (data.length !== ids.length * itemBytes) return null;
    const all = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return ids.map((_, i) => all.subarray(i * itemBytes, (i + 1) * itemBytes));
  } catch {
    return null;
  }
}

/** Write the cache atomically (temp file + rename) so a killed process leaves no half file. */
export function writePixelCache(name: string, ids: string[], pixels: Uint8Array[]): void {
  const dir = cacheDir();
  const base = path.join(dir, name);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${base}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat(pixels.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length))));
    fs.renameSync(tmp, `${base}.u8`);
    fs.writeFileSync(`${base}.json`, JSON.stringify(ids));
  } catch (e) {
    // A read-only project still works, only slower next time.
    console.warn(`mvlm data: could not write the decode cache ${base}: ${(e as Error).message}`);
  }
}

/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
