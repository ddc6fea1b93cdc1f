// Picks a lab subnet (127.0.X.0/24) nobody is using, so test runs from two checkouts on one machine never collide:
// the lab refuses to start where an sshd already listens. The extension's range is 40-49 (docs/lab.md).
const net = require('net');

function listening(address, port) {
  return new Promise(resolve => {
    const socket = net.connect({ host: address, port, timeout: 300 });
    const done = answer => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** The first subnet of `candidates` whose cdw, scdw and bastion addresses have no sshd on port 2222. */
async function freeLabSubnet(candidates) {
  for (const subnet of candidates) {
    const busy = await Promise.all([1, 2, 254].map(host => listening(`127.0.${subnet}.${host}`, 2222)));
    if (!busy.some(Boolean)) return subnet;
  }
  throw new Error(
    `every lab subnet of ${candidates.join(', ')} is in use: stop a lab (npm run lab -- down --subnet N)`,
  );
}

module.exports = { freeLabSubnet };
