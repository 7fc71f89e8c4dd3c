// The steps of README.md for the Node.js clients (client.js, client-davexmlrpc.js), which differ
// only in how they call: call(method, params) resolves to { error, value } and never rejects.
'use strict';

function text(value) {
  if (Array.isArray(value)) return value.map(text).join(',');
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (value === null || value === undefined) return 'NULL';
  // A type the library does not know (<i8>, <nil/>) may come back as an object.
  if (typeof value === 'object') return `object:${JSON.stringify(value)}`;
  return String(value);
}

function rows(prefix, row) {
  for (const name of Object.keys(row).sort()) console.log(`${prefix}.${name}=${text(row[name])}`);
}

// mark is how the client sends 3000000000 (a string, or a number when the library writes it as it is).
exports.run = (call, { mark = '3000000000' } = {}) => {
  async function must(method, params) {
    const { error, value } = await call(method, params);
    if (error || value === undefined) {
      throw new Error(`${method}: ${error ? error.message : 'no answer'}`);
    }
    return value;
  }

  (async () => {
    const session = await must('login', [process.env.PYCTD_USER, process.env.PYCTD_PASSWORD]);
    console.log(`total=${(await must('view', [session, {}])).total}`);
    const big = await must('view', [session, { proto: 'tcp', orig_port_src: Number(process.env.BIG_PORT) }]);
    rows('row', big.connections[0]);
    console.log(`change_mark=${text(await must('change', [session, 'mark', process.env.TARGET_ID, mark]))}`);
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
};
