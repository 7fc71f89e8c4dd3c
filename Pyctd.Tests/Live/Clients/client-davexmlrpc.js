// pyctd serve driven by npm's davexmlrpc package, Dave Winer's client (installed here by
// scripts/install-deps: npm ci). See README.md for the steps and output; steps.js runs them.
'use strict';
const davexmlrpc = require('davexmlrpc');
const steps = require('./steps');

// Its HTTP library (request) sends even loopback through $http_proxy unless NO_PROXY names the host.
process.env.NO_PROXY = new URL(process.env.PYCTD_URL).hostname;

// A fault arrives as the error (the fault struct); a non-200 answer as neither error nor value.
// Every integer goes as <i4>, even 3000000000, which the server reads as the number.
steps.run((method, params) => new Promise((resolve) =>
  davexmlrpc.client(process.env.PYCTD_URL, method, params, 'xml', (error, value) => resolve({ error, value }))), { mark: 3000000000 });
