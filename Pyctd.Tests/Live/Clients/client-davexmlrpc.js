// pyctd serve driven by npm's davexmlrpc package, Dave Winer's client (installed here by
// scripts/install-deps: npm ci). See README.md for the steps and output.
'use strict';
const davexmlrpc = require('davexmlrpc');

// Its HTTP library (request) sends even loopback through $http_proxy unless NO_PROXY names the host.
process.env.NO_PROXY = new URL(process.env.PYCTD_URL).hostname;

// davexmlrpc answers a fault with the fault struct as the error, and a non-200 answer with no
// error and no value at all; both count as failures here.
function call(method, params) {
  return new Promise((resolve) => davexmlrpc.client(process.env.PYCTD_URL, method, params, 'xml', (error, value) => resolve({ error, value })));
}

async function must(method, params) {
  const { error, value } = await call(method, params);
  if (error || value === undefined) {
    throw new Error(`${method}: ${error ? error.message : 'no answer'}`);
  }
  return value;
}

function text(value) {
  if (Array.isArray(value)) return value.map(text).join(',');
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (value === null || value === undefined) return 'NULL';
  // A type davexmlrpc does not know (<i8>, <nil/>) comes back as the parsed element, an object.
  if (typeof value === 'object') return `object:${JSON.stringify(value)}`;
  return String(value);
}

function rows(prefix, row) {
  for (const name of Object.keys(row).sort()) console.log(`${prefix}.${name}=${text(row[name])}`);
}

(async () => {
  const session = await must('login', [process.env.PYCTD_USER, process.env.PYCTD_PASSWORD]);
  console.log(`total=${(await must('view', [session, {}])).total}`);
  const big = await must('view', [session, { proto: 'tcp', orig_port_src: Number(process.env.BIG_PORT) }]);
  rows('row', big.connections[0]);
  // davexmlrpc writes every integer as <i4>, even this one: <i4>3000000000</i4>, which the server reads as the number.
  console.log(`change_mark=${text(await must('change', [session, 'mark', process.env.TARGET_ID, 3000000000]))}`);
  console.log(`change_timeout=${text(await must('change', [session, 'timeout', process.env.TARGET_ID, Number(process.env.TIMEOUT)]))}`);
  const target = await must('view', [session, { id: process.env.TARGET_ID }, 'id', 'ASC', 0, 0, ['id', 'mark', 'timeout', 'status']]);
  rows('target', target.connections[0]);
  console.log(`killed=${text(await must('kill', [session, [process.env.KILL_ID]]))}`);
  const { error } = await call('view', ['no-such-session']);
  console.log(`fault=${error && error.faultCode !== undefined ? error.faultCode : 'none'}`);
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
