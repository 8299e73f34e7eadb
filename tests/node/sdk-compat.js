// SPDX-License-Identifier: LGPL-2.1-or-later
// The official OpenTok Node SDK (npm "opentok" 2.x) against a real
// ot-sip-gateway: the gateway must be a drop-in API URL for it.
//
//   node sdk-compat.js /path/to/ot-sip-gateway
//
// Needs `opentok` resolvable (NODE_PATH); run-sdk-test.sh installs it.  Starts
// the gateway on ephemeral loopback ports with a settings file of its own,
// runs every step in order, stops the gateway with SIGTERM and expects exit
// code 0.  Prints one "ok"/"not ok" line per step; exits 1 on the first
// failure.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const dgram = require('node:dgram');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const OpenTok = require('opentok');
const errors = require('opentok/lib/errors');

const API_KEY = '100001';
const API_SECRET = crypto.randomBytes(20).toString('hex');
const OTHER_KEY = '100002';
const OTHER_SECRET = crypto.randomBytes(20).toString('hex');
const READY_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 15000;
const TEST_TIMEOUT_MS = 120000;

function writeSettings(dir, callbackUrl) {
  const file = path.join(dir, 'gateway.conf');
  fs.writeFileSync(file, [
    '[http]', 'address=127.0.0.1', 'port=0', '',
    '[sip]', 'address=127.0.0.1', 'port=0', '',
    `[project ${API_KEY}]`, `secret=${API_SECRET}`, `callback-url=${callbackUrl}`, '',
    `[project ${OTHER_KEY}]`, `secret=${OTHER_SECRET}`, '',
  ].join('\n'));
  return file;
}

// Receives the call-monitoring callbacks: resolves with { url, events, close }.
function startCallbackReceiver() {
  const events = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      events.push({ contentType: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/callbacks`,
      events,
      close: () => server.close(),
    }));
  });
}

// Spawns the gateway and resolves with its REST URL once it prints "ready".
function startGateway(exe, dir, callbackUrl) {
  const child = spawn(exe, ['--config', writeSettings(dir, callbackUrl), '--http-port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `no "ready" line from the gateway within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${signal || code}) before it was ready`));
    });
  });
  return ready.then((line) => {
    const m = /^ready http=(127\.0\.0\.1):(\d+) sip=127\.0\.0\.1:(\d+)$/.exec(line);
    assert.ok(m, `unexpected ready line: ${line}`);
    assert.notEqual(m[2], '0', 'ready line names port 0');
    return { child, exited, url: `http://${m[1]}:${m[2]}` };
  });
}

// SDK methods take a node-style callback last: make them promises.
function call(ot, method, ...args) {
  return new Promise((resolve, reject) => {
    ot[method](...args, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

function decodeSessionId(sessionId) {
  assert.match(sessionId, /^[12]_[A-Za-z0-9_-]+$/, 'session ID shape');
  const b64 = sessionId.substring(2).replace(/-/g, '+').replace(/_/g, '/');
  return Buffer.from(b64, 'base64').toString('ascii').split('~');
}

function verifyHs256(token, secret) {
  const [h, c, s] = token.split('.');
  const sig = crypto.createHmac('sha256', secret).update(`${h}.${c}`)
    .digest('base64url');
  assert.equal(s, sig, 'JWT signature');
  assert.equal(JSON.parse(Buffer.from(h, 'base64url')).alg, 'HS256');
  return JSON.parse(Buffer.from(c, 'base64url'));
}

// A session ID of our key that the gateway never created.
function unknownSessionId() {
  const raw = `1~${API_KEY}~~${Date.now()}~${crypto.randomUUID()}~`;
  return `2_${Buffer.from(raw).toString('base64url')}`;
}

const steps = [];
function step(name, fn) {
  steps.push({ name, fn });
}

// Every step gets the shared state `t`: { ot, url, routed, relayed }.
step('createSession routed', async (t) => {
  const session = await call(t.ot, 'createSession', { mediaMode: 'routed' });
  assert.equal(session.mediaMode, 'routed');
  assert.equal(decodeSessionId(session.sessionId)[1], API_KEY);
  t.routed = session.sessionId;
});

step('createSession relayed (the SDK default)', async (t) => {
  const session = await call(t.ot, 'createSession');
  assert.equal(session.mediaMode, 'relayed');
  assert.equal(decodeSessionId(session.sessionId)[1], API_KEY);
  assert.notEqual(session.sessionId, t.routed);
  t.relayed = session.sessionId;
});

step('createSession with location and archiveMode always', async (t) => {
  const session = await call(t.ot, 'createSession',
    { mediaMode: 'routed', archiveMode: 'always', location: '127.0.0.1' });
  const fields = decodeSessionId(session.sessionId);
  assert.equal(fields[1], API_KEY);
  assert.equal(fields[2], '127.0.0.1');
});

step('createSession with a wrong secret is an auth error', async (t) => {
  const bad = new OpenTok(API_KEY, OTHER_SECRET, t.url);
  await assert.rejects(call(bad, 'createSession'),
    /Failed to createSession.*Invalid API key or secret/);
  const unknown = new OpenTok('999999', API_SECRET, t.url);
  await assert.rejects(call(unknown, 'createSession'),
    /Invalid API key or secret/);
});

step('generateToken: JWT (default)', async (t) => {
  const token = t.ot.generateToken(t.routed,
    { role: 'moderator', data: 'name=Alice', initialLayoutClassList: ['focus'] });
  const claims = verifyHs256(token, API_SECRET);
  assert.equal(claims.iss, API_KEY);
  assert.equal(claims.ist, 'project');
  assert.equal(claims.session_id, t.routed);
  assert.equal(claims.role, 'moderator');
  assert.equal(claims.scope, 'session.connect');
  assert.equal(claims.connection_data, 'name=Alice');
  assert.equal(claims.initial_layout_class_list, 'focus');
  assert.ok(claims.exp > Date.now() / 1000);
});

step('generateToken: legacy T1', async (t) => {
  const token = t.ot.generateToken(t.routed, { role: 'publisher', data: 'a b&c' }, true);
  assert.ok(token.startsWith('T1=='), token);
  const decoded = Buffer.from(token.substring(4), 'base64').toString('utf8');
  const m = /^partner_id=(\d+)&sig=([0-9a-f]+):(.*)$/s.exec(decoded);
  assert.ok(m, decoded);
  assert.equal(m[1], API_KEY);
  assert.equal(m[2], crypto.createHmac('sha1', API_SECRET).update(m[3]).digest('hex'));
  const data = new URLSearchParams(m[3]);
  assert.equal(data.get('session_id'), t.routed);
  assert.equal(data.get('role'), 'publisher');
  assert.equal(data.get('connection_data'), 'a b&c');
});

step('generateToken refuses a session of another key', async (t) => {
  const other = new OpenTok(OTHER_KEY, OTHER_SECRET, t.url);
  const session = await call(other, 'createSession', { mediaMode: 'routed' });
  assert.equal(decodeSessionId(session.sessionId)[1], OTHER_KEY);
  assert.throws(() => t.ot.generateToken(session.sessionId), /belongs to the API Key/);
});

step('listStreams of a session without publishers is empty', async (t) => {
  assert.deepEqual(await call(t.ot, 'listStreams', t.routed), []);
  assert.deepEqual(await call(t.ot, 'listStreams', t.relayed), []);
  // the SDK turns any body without items into []: look at the body too,
  // sent with the SDK's own credentials
  const res = await fetch(`${t.url}/v2/project/${API_KEY}/session/${t.routed}/stream`,
    { headers: { 'X-OPENTOK-AUTH': t.ot.generateJwt() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type').split(';')[0], 'application/json');
  assert.deepEqual(await res.json(), { count: 0, items: [] });
});

step('listStreams of an unknown session is NotFound', async (t) => {
  await assert.rejects(call(t.ot, 'listStreams', unknownSessionId()),
    (err) => err instanceof errors.NotFoundError);
});

step('getStream of an unknown stream is NotFound', async (t) => {
  await assert.rejects(call(t.ot, 'getStream', t.routed, crypto.randomUUID()),
    (err) => err instanceof errors.NotFoundError);
});

step('forceMuteStream of an unknown stream is NotFound', async (t) => {
  await assert.rejects(call(t.ot, 'forceMuteStream', t.routed, crypto.randomUUID()),
    (err) => err instanceof errors.NotFoundError);
});

step('forceMuteAll and disableForceMute', async (t) => {
  await call(t.ot, 'forceMuteAll', t.routed, {});
  // the key as Node's docs spell it (sic), and as the API spells it
  await call(t.ot, 'forceMuteAll', t.routed, { excudedStreamIds: [crypto.randomUUID()] });
  await call(t.ot, 'forceMuteAll', t.routed, { excludedStreamIds: [crypto.randomUUID()] });
  await call(t.ot, 'disableForceMute', t.routed);
  await assert.rejects(call(t.ot, 'forceMuteAll', unknownSessionId(), {}),
    (err) => err instanceof errors.NotFoundError);
});

step('forceDisconnect of an unknown connection is "not found"', async (t) => {
  await assert.rejects(call(t.ot, 'forceDisconnect', t.routed, crypto.randomUUID()),
    (err) => err instanceof errors.ForceDisconnectError
      && /not found/.test(err.message));
});

// ---- a SIP call, against a SIPp far end (tests/sipp/call-check-headers.xml) ----

function findProgram(name) {
  return (process.env.PATH || '').split(':').map((dir) => path.join(dir, name))
    .find((file) => fs.existsSync(file));
}

function bindUdp(port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(null));
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

// An even port with `count` consecutive UDP ports free on 127.0.0.1, away
// from the gateway's RTP range (20000-29999).
async function freeUdpPorts(count) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const first = 40000 + 2 * crypto.randomInt(10000);
    const sockets = [];
    for (let i = 0; i < count; i++) sockets.push(await bindUdp(first + i));
    sockets.forEach((socket) => socket && socket.close());
    if (sockets.every(Boolean)) return first;
  }
  throw new Error('no free UDP ports');
}

// SIPp checks the From user and the custom headers on the wire, answers,
// and waits for our BYE; resolves with { uri, exited }.
async function startSipp(expectedFrom) {
  const sipPort = await freeUdpPorts(1);
  const mediaPort = await freeUdpPorts(4);
  const scenario = path.join(process.env.OT_SOURCE_ROOT, 'tests', 'sipp',
    'call-check-headers.xml');
  const child = spawn(findProgram('sipp'), ['-sf', scenario, '-i', '127.0.0.1',
    '-mi', '127.0.0.1', '-p', String(sipPort), '-mp', String(mediaPort), '-m', '1',
    '-nostdin', '-timeout', '30s', '-timeout_error', '-rtp_echo',
    '-set', 'expected_from', expectedFrom], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal || code));
  });
  // Until SIPp listens (an INVITE sent earlier would be lost); read from
  // /proc, as binding the port to probe it could make SIPp's bind fail.
  const hexPort = `:${sipPort.toString(16).toUpperCase().padStart(4, '0')}`;
  await waitFor('SIPp to listen', () => fs.readFileSync('/proc/net/udp', 'ascii')
    .split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hexPort)), 5000);
  return { uri: `sip:bob@127.0.0.1:${sipPort}`, exited, child };
}

// The callbacks of one call, as words: "callCreated DIALING ... callDestroyed(700)".
function callWords(events, callId) {
  return events.filter((e) => e.body.call && e.body.call.id === callId).map((e) => {
    if (e.body.event === 'callUpdated') return e.body.state;
    if (e.body.event === 'callDestroyed') return `callDestroyed(${e.body.reason_code})`;
    return e.body.event;
  }).join(' ');
}

async function waitFor(what, predicate, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

step('dial with every option, force mute, forceDisconnect: the callbacks', async (t) => {
  if (!findProgram('sipp') || !process.env.OT_SOURCE_ROOT) {
    t.skip = 'sipp or OT_SOURCE_ROOT missing';
    return;
  }
  const far = await startSipp('+15551234');
  const token = t.ot.generateToken(t.routed, { role: 'publisher', data: 'name=phone' });
  let sip;
  try {
    sip = await call(t.ot, 'dial', t.routed, token, far.uri, {
      from: '+15551234@example.com',
      headers: { 'X-Call-Ref': 'abc 123', 'X-Second': 'two' },
      auth: { username: 'alice', password: 's3cret' },
      secure: false,
      video: false,
      observeForceMute: true,
      streams: [crypto.randomUUID()],
    });
  } catch (err) {
    far.child.kill();
    throw err;
  }
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  assert.match(sip.id, uuid);
  assert.match(sip.connectionId, uuid);
  assert.match(sip.streamId, uuid);
  // The SIP leg's stream is in the session before the far end answers.
  // (listStreams: opentok 2.23's getStream parses its JSON body twice.)
  const streams = await call(t.ot, 'listStreams', t.routed);
  const stream = streams.find((st) => st.id === sip.streamId);
  assert.ok(stream, JSON.stringify(streams));
  assert.equal(stream.name, 'bob');
  await waitFor('ACTIVE', () => / ACTIVE/.test(callWords(t.callbacks.events, sip.id)), 10000);
  await call(t.ot, 'forceMuteStream', t.routed, sip.streamId);
  await waitFor('muteForced', () => /muteForced/.test(callWords(t.callbacks.events, sip.id)), 10000);
  await call(t.ot, 'forceDisconnect', t.routed, sip.connectionId);
  await waitFor('callDestroyed', () => /callDestroyed/.test(callWords(t.callbacks.events, sip.id)), 10000);
  assert.equal(await far.exited, 0, 'SIPp saw the From and headers it expects, and our BYE');
  assert.equal(callWords(t.callbacks.events, sip.id),
    'callCreated DIALING ACTIVE muteForced HANGUP callDestroyed(700)');
  for (const e of t.callbacks.events.filter((ev) => ev.body.call && ev.body.call.id === sip.id)) {
    assert.equal(e.contentType, 'application/json');
    assert.equal(e.body.sessionId, t.routed);
    assert.equal(e.body.projectId, API_KEY);
    assert.equal(e.body.call.connectionId, sip.connectionId);
    assert.ok(e.body.call.createdAt > 1600000000000 && e.body.timestamp >= e.body.call.createdAt);
  }
  const destroyed = t.callbacks.events.find((e) => e.body.call && e.body.call.id === sip.id
    && e.body.event === 'callDestroyed');
  assert.equal(destroyed.body.reason_message, 'Normal Clearing');
  const after = await call(t.ot, 'listStreams', t.routed);
  assert.ok(!after.some((st) => st.id === sip.streamId), 'the stream left the session');
});

// SDK errors are plain objects with a message; assertion errors have a stack.
function describe(err) {
  if (err && err.stack) return err.stack;
  return `${err && err.constructor ? err.constructor.name : 'error'}: ${JSON.stringify(err)}`;
}

async function main() {
  const exe = process.argv[2];
  assert.ok(exe && fs.existsSync(exe), `usage: node sdk-compat.js GATEWAY (got ${exe})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-sdk-compat-'));
  const t = {};
  let gateway;
  let failed = false;

  setTimeout(() => {
    console.log(`not ok - the whole test took more than ${TEST_TIMEOUT_MS} ms`);
    if (gateway) gateway.child.kill('SIGKILL');
    process.exit(1);
  }, TEST_TIMEOUT_MS).unref();

  try {
    t.callbacks = await startCallbackReceiver();
    gateway = await startGateway(exe, dir, t.callbacks.url);
    t.url = gateway.url;
    t.ot = new OpenTok(API_KEY, API_SECRET, gateway.url);
    console.log(`# gateway at ${gateway.url}, opentok ${require('opentok/package.json').version}`);
    console.log(`1..${steps.length + 1}`);
    for (const [i, s] of steps.entries()) {
      try {
        t.skip = null;
        await s.fn(t);
        console.log(`ok ${i + 1} - ${s.name}${t.skip ? ` # SKIP ${t.skip}` : ''}`);
      } catch (err) {
        console.log(`not ok ${i + 1} - ${s.name}\n${describe(err)}`);
        failed = true;
        break;
      }
    }
  } catch (err) {
    failed = true;
    console.log(`not ok - ${describe(err)}`);
  }

  if (gateway) {
    gateway.child.kill('SIGTERM');
    const timer = setTimeout(() => gateway.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const { code, signal } = await gateway.exited;
    clearTimeout(timer);
    if (code === 0) {
      console.log(`ok ${steps.length + 1} - gateway stopped by SIGTERM, exit code 0`);
    } else {
      failed = true;
      console.log(`not ok - gateway stop: exit ${signal || code}`);
    }
  }
  if (t.callbacks) t.callbacks.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main();
