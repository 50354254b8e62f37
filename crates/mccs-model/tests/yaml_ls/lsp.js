// A minimal Language Server Protocol client for yaml-language-server, for tests/yaml_ls.rs.
// Usage: node lsp.js <yaml-language-server executable> <file.yaml>...
// Prints, per file, a JSON line {file, diagnostics: ["line: message", ...]}.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const [server, ...files] = process.argv.slice(2);
const ls = spawn(server, ['--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
let buf = Buffer.alloc(0);
let id = 0;
const pending = new Map();
const results = new Map();
function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
  ls.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  ls.stdin.write(body);
}
function request(method, params) {
  return new Promise((resolve) => { id += 1; pending.set(id, resolve); send({ id, method, params }); });
}
ls.stdout.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const sep = buf.indexOf('\r\n\r\n');
    if (sep < 0) return;
    const len = Number(/Content-Length: (\d+)/i.exec(buf.slice(0, sep).toString())[1]);
    if (buf.length < sep + 4 + len) return;
    const msg = JSON.parse(buf.slice(sep + 4, sep + 4 + len).toString('utf8'));
    buf = buf.slice(sep + 4 + len);
    if (msg.id !== undefined && pending.has(msg.id) && msg.method === undefined) {
      pending.get(msg.id)(msg.result); pending.delete(msg.id);
    } else if (msg.method === 'workspace/configuration') {
      send({ id: msg.id, result: msg.params.items.map(() => ({ validate: true, schemaStore: { enable: false } })) });
    } else if (msg.id !== undefined && msg.method) {
      send({ id: msg.id, result: null });
    } else if (msg.method === 'textDocument/publishDiagnostics') {
      results.set(msg.params.uri, msg.params.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`));
    }
  }
});
(async () => {
  await request('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  send({ method: 'initialized', params: {} });
  send({ method: 'workspace/didChangeConfiguration', params: { settings: { yaml: { validate: true, schemaStore: { enable: false } } } } });
  for (const f of files) {
    const uri = 'file://' + path.resolve(f);
    send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version: 1, text: fs.readFileSync(f, 'utf8') } } });
  }
  const deadline = Date.now() + 20000;
  while (files.some((f) => !results.has('file://' + path.resolve(f))) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // A second round of diagnostics may follow once the schema is loaded: wait a little more.
  await new Promise((r) => setTimeout(r, 1500));
  for (const f of files) {
    const d = results.get('file://' + path.resolve(f));
    console.log(JSON.stringify({ file: f, diagnostics: d === undefined ? null : d }));
  }
  ls.kill();
  process.exit(0);
})();
