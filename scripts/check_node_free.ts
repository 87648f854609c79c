/**
 * The browser entries' import graphs hold no Node: from each entry, every file reached by a value
 * import (type-only imports are erased by tsc and esbuild, so they are not followed) may import only
 * the packages of BROWSER_PACKAGES and may not name a Node global (Buffer, process, __dirname, …).
 *   npm run check:browser        (exits 1 and names each offending file, import or global)
 * test/browser/node_free.test.ts runs this and also bundles the entries with esbuild for the browser.
 */
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';
import { resolveLocal } from './check_imports';

/** Entries that must load in a browser: `mvlm/browser`, `mvlm/losses` and the site's page script. */
export const BROWSER_ENTRIES = ['lib/browser/index.ts', 'lib/losses/index.ts', 'lib/browser/site/app.ts'];

/** Packages a browser entry may import (each ships a browser build). */
export const BROWSER_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'zod', 'jsonc-parser'];

/** Globals that exist in Node and not in a browser. */
const NODE_GLOBALS = new Set(['Buffer', 'process', '__dirname', '__filename', 'global', 'setImmediate', 'NodeJS']);

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Whether an import or export declaration is erased at compile time (type-only). */
function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const c = node.exportClause;
    return c !== undefined && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** Module specifiers a file loads at run time, and the Node globals it names, with line numbers. */
function scan(file: string): { specs: { spec: string; line: number }[]; globals: { name: string; line: number }[] } {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const line = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
  const specs: { spec: string; line: number }[] = [];
  const globals: { name: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!typeOnly(node)) specs.push({ spec: node.moduleSpecifier.text, line: line(node) });
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      if (!node.isTypeOnly) specs.push({ spec: node.moduleReference.expression.text, line: line(node) });
      return;
    }
    const callee = ts.isCallExpression(node) ? node.expression : undefined;
    const loads = callee !== undefined && (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'));
    if (loads && ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      specs.push({ spec: node.arguments[0].text, line: line(node) });
    }
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && !isMemberName(node)) globals.push({ name: node.text, line: line(node) });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { specs, globals };
}

/** `x.Buffer`, `{ process: 1 }`, `class { module() {} }`: a name inside something else, not the global. */
function isMemberName(node: ts.Identifier): boolean {
  const p = node.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === node) ||
    (ts.isQualifiedName(p) && p.right === node) ||
    ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p)) && p.name === node)
  );
}

export interface NodeFreeReport {
  /** Every file reached from the entries (repo-relative). */
  files: string[];
  /** Each offending import or global, naming the file and line. */
  problems: string[];
}

/** Walk the value-import graph from `entries` and name every Node import, foreign package and Node global. */
export function nodeFreeReport(entries = BROWSER_ENTRIES, allowed = BROWSER_PACKAGES): NodeFreeReport {
  const seen = new Set<string>();
  const problems: string[] = [];
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!fs.existsSync(file)) {
      problems.push(`${file}: no such file`);
      continue;
    }
    const { specs, globals } = scan(file);
    for (const { spec, line } of specs) {
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec, (f) => fs.existsSync(f));
        if (target) todo.push(path.normalize(target));
        else problems.push(`${file}:${line}: cannot resolve '${spec}'`);
      } else if (isBuiltin(spec)) problems.push(`${file}:${line}: imports '${spec}', a Node built-in`);
      else if (!allowed.includes(packageOf(spec))) problems.push(`${file}:${line}: imports '${spec}', not a browser package (allowed: ${allowed.join(', ')})`);
    }
    for (const { name, line } of globals) problems.push(`${file}:${line}: uses the Node global '${name}'`);
  }
  return { files: [...seen].sort(), problems };
}

if (require.main === module) {
  const { files, problems } = nodeFreeReport();
  for (const p of problems) console.log(p);
  console.log(`${BROWSER_ENTRIES.join(', ')}: ${files.length} files, ${problems.length} Node dependencies`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
