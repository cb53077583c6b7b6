// A webhook consumer as a team would write it: verify the raw bytes, apply each webhook-id once.
const express = require('express');
const { verify } = require('@payhook/testkit/webhooks');

function createConsumer(secret) {
  const seen = new Set();
  const applied = [];
  const app = express();
  app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
    const check = verify(req.body, req.headers, { secrets: [secret] });
    if (!check.ok) return res.status(400).json({ error: check.reason });
    if (!seen.has(check.id)) {
      seen.add(check.id);
      applied.push(JSON.parse(req.body));
    }
    res.status(204).end();
  });
  return { app, applied };
}

module.exports = { createConsumer };
