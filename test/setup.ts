/** Mocha root hooks: every test file runs on the backend picked by initBackend (wasm here). */
import { initBackend } from '../lib/backend';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    await initBackend({ quiet: true });
  },
};
