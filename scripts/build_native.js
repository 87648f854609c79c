// The install step for the optional native addon (native/blas.cc: OpenBLAS products on the wasm
// heap). It never fails the install: without a C++ toolchain, mvlm runs its wasm kernels and
// `mvlm info` says so. MVLM_NO_NATIVE=1 skips the build.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
if (process.env.MVLM_NO_NATIVE === '1') process.exit(0);

/** npm hands lifecycle scripts its bundled node-gyp; outside npm, look beside the npm that runs node. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((f) => f && fs.existsSync(f));
}

const gyp = nodeGyp();
const run = gyp ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, encoding: 'utf8' }) : null;
if (!run || run.status !== 0) {
  const why = !gyp ? 'node-gyp not found' : (run.stderr || '').trim().split('\n').slice(-1)[0];
  console.warn(`mvlm: the optional native BLAS addon was not built (${why}); the wasm kernels run instead.`);
}
process.exit(0);
