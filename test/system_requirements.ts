/**
 * Tests that need a Debian package run when it is installed; otherwise they show as pending with the
 * apt command that installs it, so `npm test` passes on a fresh clone. Under CI=true (set by .ci/run,
 * which installs them) a missing package fails instead: CI must run every test.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { nativeBlasInfo } from '../lib/backend';
import { pythonWithTorch } from '../lib/bench/torch_row';
import { findPython } from '../scripts/notebooks/run';

export interface SystemRequirement {
  /** What the tests need, as a user would name it. */
  name: string;
  /** The command that installs it on Debian. */
  install: string;
  /** Why it is missing (what was looked for), or null when it is there. */
  missing(): string | null;
}

const apt = (packages: string) => `sudo apt-get install -y --no-install-recommends ${packages}`;

/** Headless Chromium; MVLM_CHROMIUM points at another binary. */
export const CHROMIUM: SystemRequirement = {
  name: 'Chromium',
  install: apt('chromium fonts-dejavu-core'),
  missing: () => (fs.existsSync(chromiumPath()) ? null : `no ${chromiumPath()}`),
};

export function chromiumPath(): string {
  return process.env.MVLM_CHROMIUM || '/usr/bin/chromium';
}

/** Headless Jupyter (nbclient) for a python3, found as npm run notebooks finds it ($PYTHON names one). */
export const JUPYTER: SystemRequirement = {
  name: 'Jupyter (nbclient)',
  install: apt('jupyter-nbconvert python3-nbclient jupyter-client'),
  missing: () => (findPython() ? null : `no python3 that imports nbclient (tried ${process.env.PYTHON || 'python3, /usr/bin/python3'})`),
};

/** PyTorch and numpy for the Python that runs python/mvlm_reference.py ($MVLM_TORCH_PYTHON names another). */
export const TORCH: SystemRequirement = {
  name: 'PyTorch (python3-torch)',
  install: apt('python3-torch libopenblas0-pthread'),
  missing: () => {
    const python = torchPython();
    return spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0 ? null : `no ${python} that imports torch and numpy`;
  },
};

/** The python3 the bench's PyTorch row finds (lib/bench/torch_row.ts); when none has torch, the one it looked at first. */
export function torchPython(): string {
  return pythonWithTorch() ?? (process.env.MVLM_TORCH_PYTHON || '/usr/bin/python3');
}

/** A Redis server binary on the PATH (or MVLM_REDIS_SERVER). */
export const REDIS: SystemRequirement = {
  name: 'Redis',
  install: apt('redis-server'),
  missing: () => {
    const bin = process.env.MVLM_REDIS_SERVER || 'redis-server';
    return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0 ? null : `no ${bin} that runs`;
  },
};

/** mvlm's optional native addon built (`npm run build:native`, needs g++ and make) and OpenBLAS found at run time. */
export const OPENBLAS: SystemRequirement = {
  name: 'OpenBLAS and the native addon',
  install: `${apt('g++ make libopenblas0-pthread')} && npm run build:native`,
  missing: () => {
    const info = nativeBlasInfo();
    return info.active ? null : info.detail;
  },
};

/**
 * `describe` for tests that need `requirement`. When it is missing, the title gains the apt command
 * and the tests are pending (hooks included), or, under CI=true, one test fails with that command.
 */
export function describeNeeding(requirement: SystemRequirement, title: string, body: (this: Mocha.Suite) => void): void {
  const missing = requirement.missing();
  if (missing === null) {
    describe(title, body);
    return;
  }
  const message = `needs ${requirement.name}, missing here (${missing}): ${requirement.install}`;
  if (process.env.CI !== 'true') {
    describe.skip(`${title} [${message}]`, body);
    return;
  }
  describe(title, () => {
    it(`has ${requirement.name}`, () => {
      throw new Error(`CI=true and this suite ${message}`);
    });
  });
}
