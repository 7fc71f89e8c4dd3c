// pyctd serve driven by npm's xmlrpc package (installed here by scripts/install-deps: npm ci).
// See README.md for the steps and output; steps.js runs them.
'use strict';
const xmlrpc = require('xmlrpc');
const steps = require('./steps');

const client = xmlrpc.createClient(process.env.PYCTD_URL);

steps.run((method, params) => new Promise((resolve) => client.methodCall(method, params, (error, value) => resolve({ error, value }))));
