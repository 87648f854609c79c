/**
 * `coco:CAPTIONS.json:IMAGE_DIR`: the COCO captions format (`images[{id, file_name}]`,
 * `annotations[{image_id, caption}]`), captions grouped per image. One file holds one COCO split,
 * so a fixed hash of the image id puts 10 % in test. Errors name the file and the 1-based index
 * into `images` (or `annotations`) as the "line".
 */
import * as fs from 'fs';
import * as path from 'path';
import { memoise } from './cache';
import { storedDataset } from './stored';
import { Dataset, LoadOptions } from './types';
import { DecodedUserData, Parsed, decodeUserData } from './user_data';
import { readJsonFile } from '../io/json';

interface CocoFile {
  images?: { id?: unknown; file_name?: unknown }[];
  annotations?: { image_id?: unknown; caption?: unknown }[];
}

function parseCoco(file: string, imageDir: string): Parsed[] {
  const coco = readJsonFile(file, 'COCO captions') as CocoFile;
  if (!Array.isArray(coco.images) || !Array.isArray(coco.annotations)) {
    throw new Error(`${file}:1: expected COCO captions JSON with "images" and "annotations" arrays`);
  }
  const captions = new Map<string, string[]>();
  const parsed: Parsed[] = [];
  coco.annotations.forEach((a, k) => {
    if (typeof a.caption !== 'string' || a.caption.trim() === '') {
      parsed.push({ file, line: k + 1, reason: `annotations[${k}] (image_id ${String(a.image_id)}): empty caption` });
      return;
    }
    const key = String(a.image_id);
    captions.set(key, [...(captions.get(key) ?? []), a.caption]);
  });
  coco.images.forEach((im, k) => {
    const line = k + 1;
    if (typeof im.file_name !== 'string' || (typeof im.id !== 'number' && typeof im.id !== 'string')) {
      parsed.push({ file, line, reason: `images[${k}]: needs "id" and "file_name"` });
      return;
    }
    const caps = captions.get(String(im.id));
    if (!caps) {
      parsed.push({ file, line, reason: `images[${k}] (id ${im.id}): no caption` });
      return;
    }
    parsed.push({ file, line, id: `coco-${im.id}`, imagePath: path.resolve(imageDir, im.file_name), captions: caps });
  });
  return parsed;
}

function decodeCoco(file: string, imageDir: string, size: number, skipBad: boolean): Promise<DecodedUserData> {
  if (!fs.existsSync(file)) throw new Error(`coco: captions file not found: ${file}`);
  const stamp = fs.statSync(file).mtimeMs;
  return memoise(`coco:${path.resolve(file)}:${stamp}:${path.resolve(imageDir)}:${size}:${skipBad}`, () =>
    decodeUserData(parseCoco(file, imageDir), size, skipBad),
  );
}

export async function loadCoco(file: string, imageDir: string, opts: Required<Pick<LoadOptions, 'split' | 'imageSize'>> & LoadOptions): Promise<Dataset> {
  const data = await decodeCoco(file, imageDir, opts.imageSize, opts.skipBad ?? false);
  return storedDataset({ name: `coco:${file}:${imageDir}`, split: opts.split, imageSize: opts.imageSize, ...data, size: opts.size });
}
