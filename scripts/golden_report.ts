/**
 * Max relative error of the loss library against the golden fixtures, per loss kind and per case.
 * Run: npx ts-node scripts/golden_report.ts   (MVLM_FIXTURES=<dir> to point elsewhere)
 */
import { initBackend } from '../lib/backend';
import { FLOOR_FRACTION, fixturePath, loadFixtures, runCase, worstByKind } from '../test/losses/golden';

async function main(): Promise<void> {
  const info = await initBackend();
  const { cases } = loadFixtures();
  const results = cases.map((c, i) => runCase(c, i));
  console.log(`golden fixtures: ${fixturePath()} (${cases.length} cases, float32 on ${info.backend}, floor ${FLOOR_FRACTION}·max|expected| per array)`);
  for (const r of results) {
    const parts = Object.entries(r.errors).map(([k, v]) => `${k} ${v.toExponential(2)}`);
    console.log(`  #${String(r.index).padStart(2)} ${r.kind.padEnd(22)} ${parts.join('  ')}`);
  }
  console.log('max relative error per loss kind:');
  for (const [kind, err] of Object.entries(worstByKind(results))) console.log(`  ${kind.padEnd(22)} ${err.toExponential(2)}`);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
