// Bundles the extension, the CLI, the language server, the webview script and the extension-host test suites.
// The extension and the language server are separate bundles: the server runs in its own process over IPC.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', minify: !watch && !process.env.NO_MINIFY, keepNames: true };
// ssh2's optional native addons (sshcrypto.node, cpu-features) are left out: ssh2 catches their absence and
// uses its JavaScript implementations, so the bundles stay portable across Node and Electron versions.
const optionalNative = ['cpu-features', '*.node'];
const entries = [
  // The language client library is its own bundle, required by the extension only when a served document opens.
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './language-client.js'] },
  { entryPoints: ['src/extension/languageClientLibrary.ts'], outfile: 'dist/language-client.js', external: ['vscode'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/language-server/server.ts'], outfile: 'dist/language-server.js' },
  { entryPoints: ['media/panel.ts'], outfile: 'dist/media/panel.js', platform: 'browser', format: 'iife', target: 'es2022' },
].filter(e => existsSync(e.entryPoints[0]));
const walk = (dir) => existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap(d => d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]) : [];
const tests = walk('test/integration').filter(f => f.endsWith('.ts'));
if (tests.length) entries.push({ entryPoints: tests, outdir: 'out/test/integration', external: ['vscode', 'mocha'], minify: false, outbase: 'test/integration' });

if (watch) {
  for (const e of entries) await (await esbuild.context({ ...common, ...e, external: [...optionalNative, ...(e.external ?? [])] })).watch();
  console.log('watching…');
} else {
  await Promise.all(entries.map(e => esbuild.build({ ...common, ...e, external: [...optionalNative, ...(e.external ?? [])] })));
}
