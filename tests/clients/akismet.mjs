// The real npm Akismet client (akismet-api) against comment-sieve serve.
// SERVER is host:port; KEY the API key the server was started with.
// `*.localhost` resolves to 127.0.0.1 inside this process only (the client
// puts the key in the host name: KEY.localhost:PORT).
import dns from "node:dns";
import { createRequire } from "node:module";
import test from "node:test";
import assert from "node:assert/strict";

const require = createRequire(process.env.NODE_CLIENTS + "/package.json");
const { AkismetClient } = require("akismet-api");

const realLookup = dns.lookup;
dns.lookup = (host, opts, cb) => {
  if (typeof opts === "function") [cb, opts] = [opts, {}];
  if (host === "localhost" || host.endsWith(".localhost")) {
    if (opts && opts.all) return cb(null, [{ address: "127.0.0.1", family: 4 }]);
    return cb(null, "127.0.0.1", 4);
  }
  return realLookup(host, opts, cb);
};

const SERVER = process.env.SERVER;
const KEY = process.env.KEY;
// Pointed at localhost:PORT, the client sends Host: KEY.localhost:PORT.
const HOST = "localhost:" + SERVER.split(":").pop();
const client = (key = KEY) =>
  new AkismetClient({ key, blog: "https://news.example", host: HOST, protocol: "http" });

const SPAM = "Make $8586 in four weeks! http://LazyCash49.com";
const ON_TOPIC =
  "In his testimony to Congress just before his retirement, Admiral Mullens stated that Pakistan actively supports terrorists. I don't think the situation has changed.";

test("verifyKey accepts the key and refuses another", async () => {
  assert.equal(await client().verifyKey(), true);
  assert.equal(await client("wrong-key").verifyKey(), false);
});

test("checkSpam: true for the seed spam, false for an on-topic seed comment", async () => {
  const c = client();
  assert.equal(await c.checkSpam({ ip: "192.0.2.1", name: "john", content: SPAM }), true);
  assert.equal(await c.checkSpam({ ip: "192.0.2.2", name: "kms123", content: ON_TOPIC }), false);
});

test("a wrong key is an error", async () => {
  await assert.rejects(client("wrong-key").checkSpam({ ip: "192.0.2.1", content: SPAM }), /Invalid API key/);
});

async function spamScore(text) {
  const r = await fetch(`http://${SERVER}/v1/classify`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).scores.spam;
}

test("submitSpam changes a later score", async () => {
  const text = "Visit my page for cheap watches";
  const before = await spamScore(text);
  for (let i = 0; i < 5; i++) await client().submitSpam({ ip: "192.0.2.3", content: text });
  const after = await spamScore(text);
  console.log(`spam score of ${JSON.stringify(text)}: ${before} -> ${after}`);
  assert.ok(after > before, `${before} -> ${after}`);
});

test("submitHam is acknowledged", async () => {
  await client().submitHam({ ip: "192.0.2.4", content: ON_TOPIC });
});
