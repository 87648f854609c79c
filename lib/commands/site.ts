/** `mvlm site --checkpoint DIR --dataset SPEC --out DIR`: a static page that searches a dataset in the browser. */
import { Command, Option } from 'commander';
import { initBackend } from '../backend';
import { SPLIT_CHOICES, SplitChoice } from '../data';
import { buildSite } from '../site';
import { commandParser, integer, runCommand, runs } from './program';

interface SiteCliOptions {
  checkpoint: string;
  dataset: string;
  split: SplitChoice;
  out: string;
  limit?: number;
}

export function siteParser(): Command {
  const cmd = commandParser('site', 'write a static web page that searches a dataset with a model: type a caption, or drop a picture')
    .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
    .requiredOption('--dataset <spec>', 'the dataset to search (shapes, emoji:google, jsonl:PATH, ...)')
    .addOption(new Option('--split <split>', 'which items: the test split, the train split, or all').choices(SPLIT_CHOICES).default('test'))
    .option('--limit <n>', 'keep the first n items (shapes: the split size)', integer(1))
    .requiredOption('--out <dir>', 'the folder to write (created; its files are overwritten)');
  return runs(cmd, async (o: SiteCliOptions) => {
    await initBackend({ quiet: true });
    const r = await buildSite(o);
    const mb = (n: number) => (n / 1e6).toFixed(2);
    console.log(`${o.checkpoint} (step ${r.step}) on ${o.dataset} (${o.split}, ${r.items} items) -> ${r.dir}: page script ${mb(r.scriptBytes)} MB, site ${mb(r.totalBytes)} MB`);
    console.log(`serve it with any static server, e.g. \`npx http-server ${r.dir}\` or \`python3 -m http.server -d ${r.dir}\`, and open http://localhost:PORT/`);
    return 0;
  });
}

export function siteCommand(args: string[]): Promise<number> {
  return runCommand(siteParser(), args);
}
