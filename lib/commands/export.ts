/** `mvlm export --checkpoint DIR --out DIR`: a Hugging Face–style folder PyTorch (python/mvlm_reference.py) loads. */
import { Command } from 'commander';
import { initBackend } from '../backend';
import { exportCheckpoint } from '../interop';
import { commandParser, runCommand, runs } from './program';

interface ExportOptions {
  checkpoint: string;
  out: string;
}

export function exportParser(): Command {
  const cmd = commandParser('export', 'write a checkpoint as config.json, model.safetensors (PyTorch names), tokenizer.json and a model card')
    .requiredOption('--checkpoint <dir>', 'a checkpoint folder, or a run folder (its newest checkpoint)')
    .requiredOption('--out <dir>', 'the folder to write (created; its four files are overwritten)');
  return runs(cmd, async (o: ExportOptions) => {
    await initBackend({ quiet: true });
    const r = await exportCheckpoint(o.checkpoint, o.out);
    const mb = (r.bytes / 1e6).toFixed(2);
    console.log(`${r.checkpoint} (step ${r.step}, ${r.config.variant}) -> ${r.dir}: ${r.tensors} tensors, ${mb} MB`);
    if (!r.config.joint_space_trained) console.error('note: no objective of this run trains the joint space; its projections are as initialised');
    return 0;
  });
}

export function exportCommand(args: string[]): Promise<number> {
  return runCommand(exportParser(), args);
}
