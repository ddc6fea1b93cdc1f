// The language-server start baseline: a Node process that answers `initialize` with empty capabilities and
// exits on `exit`, with no libraries loaded. What is left of a real server's start time is its own work.
let buf = Buffer.alloc(0);
process.stdin.on('data', d => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const head = buf.indexOf('\r\n\r\n');
    if (head < 0) return;
    const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())[1]);
    if (buf.length < head + 4 + len) return;
    const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString());
    buf = buf.subarray(head + 4 + len);
    if (msg.method === 'exit') process.exit(0);
    if (msg.id !== undefined) {
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: msg.id,
        result: msg.method === 'initialize' ? { capabilities: {} } : null,
      });
      process.stdout.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    }
  }
});
