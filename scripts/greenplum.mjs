#!/usr/bin/env node
// Builds real Greenplum from source into a cache outside the checkout, keyed by the source's hash, so every clone and
// CI run on the machine reuses one build. `npm run greenplum -- build` builds (or finds) it; `path` prints its GPHOME,
// `source` the source it would build.
// Without a source it prints one "skipped" line and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SOURCE = resolve(REPO_ROOT, '..', 'shared', 'greenplum', 'gpdb-6.24.3-src.tar.xz');
const CACHE_ROOT = process.env.GPCOORD_CACHE_DIR ?? '/var/cache/gpcoord';
const BUILD_PACKAGES = [
  'build-essential',
  'bison',
  'flex',
  'libapr1-dev',
  'libevent-dev',
  'libcurl4-openssl-dev',
  'libbz2-dev',
  'libzstd-dev',
  'libssl-dev',
  'libxml2-dev',
  'libyaml-dev',
  'zlib1g-dev',
  'libkrb5-dev',
  'libperl-dev',
  'pkg-config',
  'rsync',
];
const RUN_PACKAGES = ['openssh-server', 'openssh-client', 'locales', 'iproute2', 'net-tools', 'sudo', 'iputils-ping'];
const CONFIGURE_FLAGS = [
  '--disable-orca',
  '--disable-gpfdist',
  '--disable-gpcloud',
  '--with-pythonsrc-ext',
  '--without-readline',
];
const LD_CONF = '/etc/ld.so.conf.d/gpcoord-greenplum-python.conf';
// Bumped when the build recipe changes, so an older build is not reused for a different recipe.
const RECIPE = 'gp6-o1-fcommon-python-ext-1';

const log = msg => process.stdout.write(`greenplum: ${msg}\n`);
const elapsed = t0 => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

function die(msg) {
  process.stderr.write(`greenplum: ${msg}\n`);
  process.exit(1);
}

/** The source: GPCOORD_GREENPLUM_SOURCE (an archive or an unpacked tree), else the default archive when present. */
export function findSource() {
  const given = process.env.GPCOORD_GREENPLUM_SOURCE;
  if (given) {
    const path = resolve(given);
    if (!existsSync(path))
      die(
        `GPCOORD_GREENPLUM_SOURCE=${given} does not exist; point it at a Greenplum 6 source archive (.tar.xz/.tar.gz) or an unpacked source tree`,
      );
    return { path, kind: statSync(path).isDirectory() ? 'tree' : 'archive' };
  }
  return existsSync(DEFAULT_SOURCE) ? { path: DEFAULT_SOURCE, kind: 'archive' } : undefined;
}

async function sha256File(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** A tree's key: every file's path, size and modification time (its content hash would cost as much as a build). */
function treeKey(path) {
  const r = spawnSync('find', ['.', '-type', 'f', '-not', '-path', './.git/*', '-printf', '%p %s %T@\\n'], {
    cwd: path,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) die(`cannot list the source tree ${path}: ${r.stderr}`);
  return 'tree-' + createHash('sha256').update(r.stdout.split('\n').sort().join('\n')).digest('hex');
}

export async function sourceKey(source) {
  return source.kind === 'archive' ? sha256File(source.path) : treeKey(source.path);
}

export const installDirFor = key => join(CACHE_ROOT, 'greenplum', key);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) die(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Runs a long build step, its output going to a log file; prints a progress line every 20 s. */
function step(name, cmd, args, opts) {
  const t0 = Date.now();
  log(`${name}...`);
  return new Promise(resolvePromise => {
    const out = [];
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = d => {
      out.push(d);
      appendFileSync(opts.logFile, d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const ticker = setInterval(() => log(`${name}: ${elapsed(t0)}, ${lastLine(out)}`), 20_000);
    child.on('close', code => {
      clearInterval(ticker);
      if (code !== 0)
        die(
          `${name} failed (exit ${code}); last output:\n${Buffer.concat(out).toString().split('\n').slice(-30).join('\n')}\nfull log: ${opts.logFile}`,
        );
      log(`${name} done in ${elapsed(t0)}`);
      resolvePromise();
    });
  });
}

function lastLine(chunks) {
  const lines = Buffer.concat(chunks.slice(-5))
    .toString()
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? '').slice(0, 100);
}

function installMissingPackages() {
  const missing = [...BUILD_PACKAGES, ...RUN_PACKAGES].filter(
    p => !/ok installed/.test(spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout ?? ''),
  );
  if (!missing.length) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

/** Python 2.7 for building: GPCOORD_PYTHON2 (its prefix), else pyenv's 2.7.18. */
function findPython2() {
  const candidates = [process.env.GPCOORD_PYTHON2];
  const pyenvRoot = spawnSync('pyenv', ['root'], { encoding: 'utf8' });
  if (pyenvRoot.status === 0) candidates.push(join(pyenvRoot.stdout.trim(), 'versions', '2.7.18'));
  candidates.push('/root/.pyenv/versions/2.7.18');
  const prefix = candidates.find(c => c && existsSync(join(c, 'bin', 'python2.7')));
  if (!prefix)
    die(
      "no Python 2.7 found (Greenplum 6's utilities need it): set GPCOORD_PYTHON2 to the prefix of a Python 2.7 installation (the directory holding bin/python2.7)",
    );
  return prefix;
}

/** Greenplum's own packages ship Python in $GPHOME/ext/python; so does this build, readable by every user. */
function bundlePython(python2, gphome) {
  const target = join(gphome, 'ext', 'python');
  mkdirSync(dirname(target), { recursive: true });
  run('cp', ['-a', python2, target]);
  run('chmod', ['-R', 'a+rX', target]);
  const script = join(gphome, 'greenplum_path.sh');
  const text = readFileSync(script, 'utf8');
  if (!text.includes('PYTHONHOME')) {
    // What generate-greenplum-path.sh writes for packages that bundle Python.
    writeFileSync(
      script,
      text +
        [
          '',
          '# Python 2.7 bundled with this build (the management utilities are Python 2 programs).',
          'PYTHONHOME="${GPHOME}/ext/python"',
          'export PYTHONHOME',
          'PATH="${PYTHONHOME}/bin:${PATH}"',
          'LD_LIBRARY_PATH="${PYTHONHOME}/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"',
          'export PATH LD_LIBRARY_PATH',
          '',
        ].join('\n'),
    );
  }
}

/** The bundled Python's RUNPATH points where it was built: register its lib/ with the dynamic linker instead. */
function registerPythonLibrary(gphome) {
  const line = join(gphome, 'ext', 'python', 'lib');
  const current = existsSync(LD_CONF) ? readFileSync(LD_CONF, 'utf8').split('\n').filter(Boolean) : [];
  if (!current.includes(line)) writeFileSync(LD_CONF, [...current, line].join('\n') + '\n');
  run('ldconfig', []);
}

/** gpinitsystem initialises the cluster in en_US.UTF-8, which Debian generates only on request. */
function ensureLocale() {
  if (/^en_US\.utf8$/m.test(spawnSync('locale', ['-a'], { encoding: 'utf8' }).stdout ?? '')) return;
  log('generating the en_US.UTF-8 locale');
  const gen = existsSync('/etc/locale.gen') ? readFileSync('/etc/locale.gen', 'utf8') : '';
  writeFileSync(
    '/etc/locale.gen',
    gen.replace(/^#\s*en_US\.UTF-8 UTF-8/m, 'en_US.UTF-8 UTF-8') +
      (/^en_US\.UTF-8 UTF-8/m.test(gen) || /^#\s*en_US\.UTF-8 UTF-8/m.test(gen) ? '' : 'en_US.UTF-8 UTF-8\n'),
  );
  run('locale-gen', []);
}

async function build() {
  const t0 = Date.now();
  const source = findSource();
  if (!source) {
    log(
      `skipped: no Greenplum source (set GPCOORD_GREENPLUM_SOURCE to a Greenplum 6 source archive or tree; default ${DEFAULT_SOURCE})`,
    );
    return;
  }
  if (process.getuid?.() !== 0)
    die('must run as root (it installs Debian packages and writes the cache in ' + CACHE_ROOT + ')');
  log(`source ${source.path}`);
  const key = await sourceKey(source);
  const gphome = installDirFor(key);
  if (
    existsSync(join(gphome, '.gpcoord-build.json')) &&
    JSON.parse(readFileSync(join(gphome, '.gpcoord-build.json'), 'utf8')).recipe === RECIPE
  ) {
    installMissingPackages();
    ensureLocale();
    registerPythonLibrary(gphome);
    log(`cached: ${gphome} (${elapsed(t0)})`);
    return;
  }
  installMissingPackages();
  ensureLocale();
  const python2 = findPython2();
  // A stable work directory with a marker per finished step: a build stopped part-way resumes where it stopped.
  const work = `${gphome}.work`;
  mkdirSync(work, { recursive: true });
  const logFile = join(work, 'build.log');
  const done = name => existsSync(join(work, `.${name}-done`));
  const mark = name => writeFileSync(join(work, `.${name}-done`), new Date().toISOString() + '\n');
  const tree = join(work, 'src');
  if (!done('unpack')) {
    rmSync(tree, { recursive: true, force: true });
    if (source.kind === 'archive') {
      mkdirSync(join(work, 'unpacked'), { recursive: true });
      await step('unpacking', 'tar', ['-xf', source.path, '-C', join(work, 'unpacked'), '--no-same-owner'], {
        logFile,
      });
      const top = spawnSync('tar', ['-tf', source.path], { encoding: 'utf8', maxBuffer: 1 << 30 })
        .stdout.split('\n')[0]
        .split('/')[0];
      renameSync(join(work, 'unpacked', top), tree);
      rmSync(join(work, 'unpacked'), { recursive: true, force: true });
    } else {
      await step('copying the source tree', 'cp', ['-a', source.path, tree], { logFile });
    }
    mark('unpack');
  }
  const env = {
    ...process.env,
    PATH: `${python2}/bin:${process.env.PATH}`,
    PYTHON: join(python2, 'bin', 'python2.7'),
    CFLAGS: '-O1 -fcommon',
  };
  const opts = { cwd: tree, env, logFile };
  if (!done('configure')) {
    await step('configure', './configure', [`--prefix=${gphome}`, ...CONFIGURE_FLAGS], opts);
    mark('configure');
  }
  if (!done('make')) {
    await step('make', 'make', [`-j${Math.max(2, Number(process.env.GPCOORD_BUILD_JOBS ?? 0) || 2)}`, '-s'], opts);
    mark('make');
  }
  const dest = join(work, 'dest');
  rmSync(dest, { recursive: true, force: true });
  // PyGreSQL, built by make install, falls through switch cases that the tree's -Werror=implicit-fallthrough rejects.
  await step(
    'make install',
    'make',
    ['-s', 'install', `DESTDIR=${dest}`, 'CFLAGS=-O1 -fcommon -Wno-error=implicit-fallthrough'],
    opts,
  );
  const staged = join(dest, gphome);
  bundlePython(python2, staged);
  writeFileSync(
    join(staged, '.gpcoord-build.json'),
    JSON.stringify({ recipe: RECIPE, key, source: source.path, builtAt: new Date().toISOString() }, null, 2) + '\n',
  );
  run('chmod', ['-R', 'a+rX', staged]);
  rmSync(gphome, { recursive: true, force: true });
  renameSync(staged, gphome);
  rmSync(work, { recursive: true, force: true });
  registerPythonLibrary(gphome);
  log(`built: ${gphome} (${elapsed(t0)})`);
}

/** Prints the cached GPHOME of the current source, or nothing (exit 0) when there is no source or no build yet. */
async function printPath() {
  const source = findSource();
  if (!source) return;
  const gphome = installDirFor(await sourceKey(source));
  if (existsSync(join(gphome, '.gpcoord-build.json'))) process.stdout.write(gphome + '\n');
}

const USAGE = 'usage: npm run greenplum -- build | path | source';
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  if (command === 'build') await build();
  else if (command === 'path') await printPath();
  else if (command === 'source') process.stdout.write(findSource() ? `${findSource().path}\n` : '');
  else die(`unknown command "${command ?? ''}"; ${USAGE}`);
}
