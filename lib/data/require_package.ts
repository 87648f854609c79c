/** Locate an optional data package (a devDependency of mvlm) with an error that says what to install. */
import * as path from 'path';

/** The directory of installed package `name`, or an error naming the package to install. */
export function packageDir(name: string, usedBy: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(`${usedBy} needs the npm package '${name}', which is not installed: run \`npm install --save-dev ${name}\``);
  }
}
