// Bundles the extension, the CLI, the language server, the webview script and the extension-host test suites.
// The extension and the language server are separate bundles: the server runs in its own process over IPC.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  minify: !watch && !process.env.NO_MINIFY,
  keepNames: true,
};
// ssh2's optional native addons (sshcrypto.node, cpu-features) are left out: ssh2 catches their absence and
// uses its JavaScript implementations, so the bundles stay portable across Node and Electron versions.
const optionalNative = ['cpu-features', '*.node'];
const entries = [
  // The extension's entry is tiny: activation loads only it. The body (dist/main.js: services, engine, ssh2, zod,
  // parsers) is required on first use, the language client library only when a served document opens.
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode', './main.js', './language-client.js'],
    metafile: true,
  },
  { entryPoints: ['src/extension/main.ts'], outfile: 'dist/main.js', external: ['vscode'] },
  {
    entryPoints: ['src/extension/language-client-library.ts'],
    outfile: 'dist/language-client.js',
    external: ['vscode'],
  },
  // gpcoord: a launcher that enables Node's compile cache, then the CLI bundle itself.
  {
    entryPoints: ['src/cli/launcher.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['./cli-main.js'],
  },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  { entryPoints: ['src/language-server/server.ts'], outfile: 'dist/language-server.js' },
  {
    entryPoints: ['media/panel.ts'],
    outfile: 'dist/media/panel.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
].filter(e => existsSync(e.entryPoints[0]));
const walk = dir =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap(d =>
        d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
      )
    : [];
const tests = walk('test/integration').filter(f => f.endsWith('.ts'));
if (tests.length)
  entries.push({
    entryPoints: tests,
    outdir: 'out/test/integration',
    external: ['vscode', 'mocha'],
    minify: false,
    outbase: 'test/integration',
  });

if (watch) {
  for (const e of entries)
    await (await esbuild.context({ ...common, ...e, external: [...optionalNative, ...(e.external ?? [])] })).watch();
  console.log('watching…');
} else {
  // Compiled tests of a renamed or deleted test file would otherwise linger in out/ and still run.
  rmSync('out/test/integration', { recursive: true, force: true });
  const results = await Promise.all(
    entries.map(e => esbuild.build({ ...common, ...e, external: [...optionalNative, ...(e.external ?? [])] })),
  );
  checkEntryStaysSmall(results[0].metafile);
}

// Activation time is the time to load dist/extension.js: an import that drags the body into the entry (a value
// import instead of `import type`) fails the build here rather than silently costing every activation.
function checkEntryStaysSmall(metafile) {
  const allowed = new Set(['src/extension/extension.ts', 'src/extension/ids.ts', 'src/extension/language-client.ts']);
  const extra = Object.keys(metafile.inputs).filter(f => !allowed.has(f));
  if (extra.length) {
    console.error(
      `dist/extension.js must hold only the entry (${[...allowed].join(', ')}), but it also bundles:\n  ${extra.join('\n  ')}\nImport these with \`import type\` in the entry and reach them through dist/main.js.`,
    );
    process.exit(1);
  }
}
