// Where lab runs live. Every lab host mounts its own /tmp, so nothing a host needs may be under /tmp: a checkout
// there (a CI clone, say) keeps its labs in /var/tmp instead. GPCOORD_LAB_ROOT overrides both.
const { createHash } = require('crypto');
const path = require('path');

function labRoot(repoRoot) {
  if (process.env.GPCOORD_LAB_ROOT) return process.env.GPCOORD_LAB_ROOT;
  if (repoRoot === '/tmp' || repoRoot.startsWith('/tmp/')) {
    return path.join('/var/tmp', `gpcoord-lab-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 8)}`);
  }
  return path.join(repoRoot, '.lab');
}

module.exports = { labRoot };
