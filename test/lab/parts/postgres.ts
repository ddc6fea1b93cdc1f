// PostgreSQL 15 with the emulated utilities: the GPHOME a run gets, the initdb template and the scenarios.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { INITDB_ARGS, PG_BIN, PG_PORT, TEMPLATE_DIR, USER_HOME, UTILITIES, hostDataPath } from './layout';
import type { Lab, Product, Scenario, Vocabulary } from './layout';
import { labExec, must } from './hosts';
import { sh, userIds, waitFor } from './process';

export async function buildUtilities(gphome: string): Promise<void> {
  const bin = join(gphome, 'bin');
  mkdirSync(bin, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(UTILITIES.map(u => [u, join(__dirname, '..', 'utilities', `${u}.ts`)])),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: bin,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'error',
  });
  for (const u of UTILITIES) {
    renameSync(join(bin, `${u}.js`), join(bin, u));
    chmodSync(join(bin, u), 0o755);
  }
}

export function writeGphome(
  dir: string,
  s: { product: Product; vocabulary: Vocabulary; hosts: Record<string, string> },
): { gphome: string; environmentScript: string } {
  const gphome = join(dir, 'gphome');
  mkdirSync(join(gphome, 'etc'), { recursive: true });
  writeFileSync(
    join(gphome, 'etc', 'lab.json'),
    JSON.stringify({ vocabulary: s.vocabulary, product: s.product, pgBin: PG_BIN, hosts: s.hosts }, null, 2) + '\n',
  );
  const script = s.product === 'cloudberry' ? 'cloudberry-env.sh' : 'greenplum_path.sh';
  const environmentScript = join(gphome, script);
  writeFileSync(
    environmentScript,
    [
      `# ${script}: the environment of the ${s.product === 'cloudberry' ? 'Cloudberry' : 'Greenplum'} utilities on this lab host.`,
      '# Sourced explicitly before running a utility, as on a real installation.',
      `GPHOME=${gphome}`,
      'export GPHOME',
      '# node for the utilities: the system one, else the one that started the lab.',
      `PATH="$GPHOME/bin:${PG_BIN}:$PATH:${dirname(process.execPath)}"`,
      'export PATH',
      '# libpq of Greenplum looks for the server socket in /tmp.',
      'PGHOST=/tmp',
      'export PGHOST',
      '',
    ].join('\n'),
  );
  return { gphome, environmentScript };
}

export function postgresSetupScript(lab: Lab): string {
  const d = lab.dataDirectory;
  return [
    'set -e',
    // The data directory is normally a copy of the cached initdb template; initdb runs here only without one.
    `[ -f ${d}/PG_VERSION ] || ${PG_BIN}/initdb ${INITDB_ARGS.join(' ')} -D ${d} >/dev/null`,
    `cat >> ${d}/postgresql.conf <<'EOF'`,
    '# Greenplum test lab',
    `port = ${PG_PORT}`,
    'wal_level = replica',
    'max_wal_senders = 10',
    'wal_keep_size = 32MB',
    'min_wal_size = 4MB',
    'max_wal_size = 64MB',
    '# A Greenplum standby refuses connections while it replays WAL.',
    'hot_standby = off',
    '# The standby is a synchronous standby, as in Greenplum; commits do not wait for it so a lost standby never blocks.',
    "synchronous_standby_names = '*'",
    'synchronous_commit = local',
    'fsync = off',
    'shared_buffers = 16MB',
    'max_connections = 40',
    "log_line_prefix = '%m [%p] '",
    `include_if_exists = '${USER_HOME}/.lab/postgresql-host.conf'`,
    'EOF',
    `cat > ${d}/pg_hba.conf <<'EOF'`,
    '# TYPE  DATABASE        USER            ADDRESS                 METHOD',
    'local   all             all                                     trust',
    'local   replication     all                                     trust',
    '# Lab hosts connect to each other from 127.0.0.1 (loopback source address selection).',
    'host    all             all             127.0.0.0/8             trust',
    'host    replication     all             127.0.0.0/8             trust',
    'EOF',
    `mkdir -p ~/gpAdminLogs && ${PG_BIN}/pg_ctl start -D ${d} -l ~/gpAdminLogs/postmaster.log -w -t 60 >/dev/null`,
    `${PG_BIN}/psql -X -q -h /tmp -p ${PG_PORT} -d postgres -v ON_ERROR_STOP=1 <<'EOF'`,
    'CREATE TABLE gp_segment_configuration (dbid smallint PRIMARY KEY, content smallint NOT NULL, role "char" NOT NULL, preferred_role "char" NOT NULL,',
    '  mode "char" NOT NULL, status "char" NOT NULL, port integer NOT NULL, hostname text NOT NULL, address text NOT NULL, datadir text NOT NULL);',
    'INSERT INTO gp_segment_configuration VALUES',
    `  (1, -1, 'p', 'p', 'n', 'u', ${PG_PORT}, '${lab.hosts[0]!.name}', '${lab.hosts[0]!.name}', '${d}'),`,
    "  (2, 0, 'p', 'p', 's', 'u', 6000, 'sdw1', 'sdw1', '/data/primary/gpseg0'),",
    "  (3, 1, 'p', 'p', 's', 'u', 6001, 'sdw2', 'sdw2', '/data/primary/gpseg1'),",
    "  (4, 0, 'm', 'm', 's', 'u', 7000, 'sdw2', 'sdw2', '/data/mirror/gpseg0'),",
    "  (5, 1, 'm', 'm', 's', 'u', 7001, 'sdw1', 'sdw1', '/data/mirror/gpseg1');",
    "-- gpinitsystem creates the database named by DATABASE_NAME; gpadmin's psql connects to it by default.",
    'CREATE DATABASE gpadmin;',
    'CREATE TABLE lab_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), payload text);',
    'EOF',
  ].join('\n');
}

/**
 * A pristine initdb result, made once and copied for every lab: copying is several times faster than initdb.
 * Built beside its final path and renamed into place, so concurrent labs never see half a template.
 */
export async function initdbTemplate(): Promise<string | undefined> {
  const { uid, gid } = userIds();
  try {
    if (statSync(join(TEMPLATE_DIR, 'PG_VERSION')).uid === uid) return TEMPLATE_DIR;
    rmSync(TEMPLATE_DIR, { recursive: true, force: true }); // made for another gpadmin
  } catch {
    // not built yet
  }
  const work = `${TEMPLATE_DIR}.build-${process.pid}`;
  try {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    chownSync(work, uid, gid);
    const r = spawnSync(`${PG_BIN}/initdb`, [...INITDB_ARGS, '-D', join(work, 'pgdata')], {
      uid,
      gid,
      cwd: work,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) return undefined;
    try {
      renameSync(join(work, 'pgdata'), TEMPLATE_DIR);
    } catch {
      // another lab finished its template first: use that one
    }
    return existsSync(join(TEMPLATE_DIR, 'PG_VERSION')) ? TEMPLATE_DIR : undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds the scenario with the lab's own utilities, so the state on disk is the genuine result of the procedure. */
export async function buildCluster(lab: Lab, scenario: Scenario, trace: (step: string) => void): Promise<void> {
  const [cdw, scdw] = [lab.hosts[0]!.name, lab.hosts[1]!.name];
  const env = `source ${lab.environmentScript}`;
  const template = await initdbTemplate();
  if (template) sh('cp', ['-a', template, hostDataPath(lab, cdw)]);
  trace('initdb template');
  await must(lab, cdw, postgresSetupScript(lab), 'initializing the coordinator');
  trace('coordinator started');
  await must(lab, cdw, `${env} && gpinitstandby -a -s ${scdw}`, 'gpinitstandby');
  trace('gpinitstandby');
  await waitForStreaming(lab, cdw);
  trace('streaming');
  if (scenario === 'after-failover') {
    await must(
      lab,
      cdw,
      `${PG_BIN}/pg_ctl stop -D ${lab.dataDirectory} -m immediate -w >/dev/null`,
      'stopping the coordinator',
    );
    await must(lab, scdw, `${env} && gpactivatestandby -a -d ${lab.dataDirectory}`, 'gpactivatestandby');
    trace('failover');
  }
}

export async function waitForStreaming(lab: Lab, host: string): Promise<void> {
  await waitFor(
    'the standby to stream',
    async () => {
      const r = await labExec(
        lab,
        host,
        `${PG_BIN}/psql -X -At -h /tmp -p ${lab.pgPort} -d postgres -c "SELECT state FROM pg_stat_replication"`,
      );
      return r.stdout.trim() === 'streaming';
    },
    60_000,
  );
}
