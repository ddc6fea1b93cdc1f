// Documentation of every inventory key, by level. The key lists come from the zod schema itself, so a key added
// to the schema shows up in completion at once (and the unit test insists it gets documentation here).
import { clusterSchema, hostSchema, inventorySchema } from '../../core/inventory';

export type Level = 'top' | 'cluster' | 'host';

export interface KeyDoc {
  /** One line, shown next to the completion item. */
  detail: string;
  /** Markdown, shown in completion details and on hover. */
  doc: string;
  /** Text inserted after `key: ` when completing; empty for a nested block. */
  snippet?: string;
  /** Allowed values, for value completion. */
  values?: readonly string[];
}

export const SCHEMA_KEYS: Record<Level, readonly string[]> = {
  top: Object.keys(inventorySchema.shape),
  cluster: Object.keys(clusterSchema.shape),
  host: Object.keys(hostSchema.shape),
};

/** Keys a mapping at this level must have. */
export const REQUIRED_KEYS: Record<Level, readonly string[]> = {
  top: ['clusters'],
  cluster: ['dataDirectory', 'hosts'],
  host: ['name'],
};

export const KEY_DOCS: Record<Level, Record<string, KeyDoc>> = {
  top: {
    version: {
      detail: 'Inventory format version: 1',
      doc: 'The format version of this file. Only `1` exists; it may be left out.',
      values: ['1'],
    },
    clusters: {
      detail: 'The clusters, by name',
      doc: 'The Greenplum or Cloudberry clusters, each under its own name (letters, digits, `.`, `_`, `-`; at most 63). Each has a coordinator data directory, a port and its coordinator hosts.',
    },
  },
  cluster: {
    description: {
      detail: 'Free text (≤ 500 characters)',
      doc: 'A description shown next to the cluster in the tree, e.g. "Production DW, Frankfurt".',
    },
    vocabulary: {
      detail: 'auto | master | coordinator',
      doc: 'How the utilities name the coordinator: `master` for Greenplum 5/6 (`MASTER_DATA_DIRECTORY`, `mdw`/`smdw`), `coordinator` for Greenplum 7 and Cloudberry (`COORDINATOR_DATA_DIRECTORY`). `auto` (default) detects it from their output.',
      values: ['auto', 'master', 'coordinator'],
    },
    product: {
      detail: 'auto | greenplum | cloudberry',
      doc: 'Which product runs on the hosts; decides the environment script (`greenplum_path.sh` or `cloudberry-env.sh`) and the wording expected from the utilities. `auto` (default) detects it.',
      values: ['auto', 'greenplum', 'cloudberry'],
    },
    release: {
      detail: '"5" | "6" | "7" | "cloudberry-1" | "cloudberry-2"',
      doc: 'The release the cluster runs, when you want to pin it: it decides the utilities\' flags (Greenplum 5 names the standby\'s directory with `gpinitstandby -F pg_system:<dir>`, 6 and later with `-S`) and what the checks before `gpinitstandby` look at. Quote it (`release: "6"`). Absent: detected on each host with `postgres --gp-version`.',
    },
    gphome: {
      detail: 'Absolute path: where Greenplum is installed',
      doc: 'The installation directory on the coordinator hosts (`GPHOME`), e.g. `/usr/local/greenplum-db`. The environment script is looked up under it when `environmentScript` is not given.',
    },
    environmentScript: {
      detail: 'Absolute path: greenplum_path.sh / cloudberry-env.sh',
      doc: 'The script sourced before every utility runs, which sets `GPHOME`, `PATH`, `PYTHONPATH` and `LD_LIBRARY_PATH`, e.g. `/usr/local/greenplum-db/greenplum_path.sh`.',
    },
    dataDirectory: {
      detail: 'Absolute path (required): the coordinator data directory',
      doc: 'The coordinator data directory, the same path on every coordinator host unless a host sets its own, e.g. `/data/coordinator/gpseg-1`. It becomes `COORDINATOR_DATA_DIRECTORY` / `MASTER_DATA_DIRECTORY` for the utilities.',
      snippet: '/data/coordinator/gpseg-1',
    },
    port: {
      detail: 'Port 1-65535 (default 5432)',
      doc: 'The coordinator port on every coordinator host unless a host sets its own. It becomes `PGPORT` (which `gpactivatestandby` needs).',
      snippet: '5432',
    },
    hosts: {
      detail: 'The coordinator hosts (2-16)',
      doc: 'The coordinator hosts: the coordinator and its standby (at least two). Each is a mapping with at least `name`. The first host, or the one with `role: coordinator`, is the original coordinator.',
    },
  },
  host: {
    name: {
      detail: 'Host name (required)',
      doc: "The host's name as Greenplum knows it (`gp_segment_configuration.hostname`), e.g. `cdw` or `scdw`. Also the ssh target unless `ssh` is given.",
    },
    role: {
      detail: 'coordinator | standby',
      doc: 'The role this host had when the cluster was built. "Return Coordinator to Original Host" brings the coordinator back to the host with `role: coordinator`. Default: the first host.',
      values: ['coordinator', 'standby'],
    },
    ssh: {
      detail: 'ssh target: a ~/.ssh/config alias or host name',
      doc: 'How to reach the host: a `Host` alias from `~/.ssh/config` (whose HostName, User, Port, IdentityFile and ProxyJump apply) or a host name. Default: `name`.',
    },
    user: {
      detail: 'Login user (default: ssh config User, else gpadmin)',
      doc: 'The user to log in as; the utilities must run as the Greenplum administrator, usually `gpadmin`.',
      snippet: 'gpadmin',
    },
    sshPort: {
      detail: 'ssh port 1-65535 (default: ssh config Port, else 22)',
      doc: "The port of the host's ssh server.",
      snippet: '22',
    },
    identityFile: {
      detail: 'Private key: absolute path or ~/…',
      doc: "The private key to log in with, e.g. `~/.ssh/id_ed25519`. Default: the ssh config's IdentityFile and the ssh-agent.",
    },
    dataDirectory: {
      detail: "Absolute path: this host's coordinator data directory",
      doc: "This host's coordinator data directory, when it differs from the cluster's `dataDirectory` (e.g. a standby on the same host as the coordinator, `gpinitstandby -S`).",
    },
    port: {
      detail: "Port 1-65535: this host's coordinator port",
      doc: "This host's coordinator port, when it differs from the cluster's `port` (`gpinitstandby -P`).",
    },
  },
};

export function keyDoc(level: Level, key: string): KeyDoc | undefined {
  return Object.prototype.hasOwnProperty.call(KEY_DOCS[level], key) ? KEY_DOCS[level][key] : undefined;
}

/** Markdown for hover and completion: the documentation plus whether the key is required. */
export function keyMarkdown(level: Level, key: string): string | undefined {
  const d = keyDoc(level, key);
  if (!d) return undefined;
  const where = level === 'top' ? 'top level' : level === 'cluster' ? 'cluster' : 'host';
  const required = REQUIRED_KEYS[level].includes(key) ? 'required' : 'optional';
  return `**${key}** (${where}, ${required}) — ${d.detail}\n\n${d.doc}`;
}
