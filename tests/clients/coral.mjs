// Coral's two integrations against comment-sieve serve, with request
// bodies built and signed exactly as coralproject/talk builds them:
// the Perspective calls of services/perspective/perspective.ts and the
// External Moderation Phase of services/comments/pipeline/phases/external.ts
// (JSON.stringify(body, null, 2), HMAC-SHA256, hex, "sha256=" prefix).
import crypto from "node:crypto";
import test from "node:test";
import assert from "node:assert/strict";

const SERVER = process.env.SERVER;
const KEY = process.env.KEY;
const SECRET = process.env.CORAL_SECRET;

function signed(body, secrets) {
  const text = JSON.stringify(body, null, 2);
  const sig = secrets
    .map((s) => "sha256=" + crypto.createHmac("sha256", s).update(text).digest("hex"))
    .join(",");
  return { text, sig };
}

const request = (text, parentID = null) => ({
  action: "NEW",
  comment: { body: text, parentID },
  author: { id: "user-1", role: "COMMENTER" },
  story: { id: "story-1", url: "https://news.example/story-1" },
  site: { id: "site-1" },
  tenantID: "tenant-1",
  tenantDomain: "news.example",
});

async function moderate(text, sig) {
  return fetch(`http://${SERVER}/coral/v1/moderate`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Coral-Signature": sig },
    body: text,
  });
}

const STATUSES = ["APPROVED", "NONE", "PREMOD", "REJECTED", "SYSTEM_WITHHELD"];

test("a signed external moderation request gets a status", async () => {
  const { text, sig } = signed(request("Make $8586 in four weeks! http://LazyCash49.com"), [SECRET]);
  const r = await moderate(text, sig);
  assert.equal(r.status, 200);
  const v = await r.json();
  assert.ok(STATUSES.includes(v.status), JSON.stringify(v));
  assert.ok(["REJECTED", "SYSTEM_WITHHELD"].includes(v.status), JSON.stringify(v));
  for (const a of v.actions) {
    assert.equal(a.actionType, "FLAG");
    assert.ok(["COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM"].includes(a.reason));
  }
  assert.deepEqual(v.tags, []);
});

test("rotation: an expired secret's signature beside the current one", async () => {
  const { text, sig } = signed(request("Thanks for the reporting on the budget vote."), ["expired-secret", SECRET]);
  const r = await moderate(text, sig);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).status, "NONE");
});

test("the same request with one byte changed gets a 401", async () => {
  const { text, sig } = signed(request("Make $8586 in four weeks! http://LazyCash49.com"), [SECRET]);
  const changed = text.replace("$8586", "$8587");
  assert.notEqual(changed, text);
  const r = await moderate(changed, sig);
  assert.equal(r.status, 401);
  const unsigned = await moderate(text, "");
  assert.equal(unsigned.status, 401);
});

async function perspective(op, body) {
  return fetch(`http://${SERVER}/v1alpha1/${op}?key=${KEY}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

test("Coral's comments:analyze request gets a schema-valid answer", async () => {
  // formatBody() of perspective.ts for "comments:analyze".
  const r = await perspective("comments:analyze", {
    comment: { text: "You are a stupid idiot." },
    doNotStore: true,
    requestedAttributes: { TOXICITY: {} },
    languages: ["en"],
  });
  assert.equal(r.status, 200);
  const v = await r.json();
  const s = v.attributeScores.TOXICITY.summaryScore;
  assert.equal(s.type, "PROBABILITY");
  assert.ok(typeof s.value === "number" && s.value >= 0 && s.value <= 1);
  assert.ok(s.value > 0.5, JSON.stringify(v));
  assert.deepEqual(v.languages, ["en"]);
  assert.deepEqual(v.detectedLanguages, ["en"]);
});

test("Coral's comments:suggestscore request is taken as feedback", async () => {
  // formatBody() of perspective.ts for "comments:suggestscore" (a rejection).
  const before = await (await fetch(`http://${SERVER}/v1/model`, { headers: { authorization: `Bearer ${KEY}` } })).json();
  const r = await perspective("comments:suggestscore", {
    comment: { text: "You are a stupid idiot." },
    context: {
      entries: [
        {
          text: JSON.stringify({
            url: "https://news.example/story-1?commentID=c-1",
            reply_to_id_Coral_comment_id: undefined,
            Coral_comment_id: "c-1",
          }),
        },
      ],
    },
    attributeScores: { TOXICITY: { summaryScore: { value: 1 } } },
    languages: ["en"],
    communityId: "Coral:https://news.example",
    clientToken: "comment:c-1",
  });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).clientToken, "comment:c-1");
  const after = await (await fetch(`http://${SERVER}/v1/model`, { headers: { authorization: `Bearer ${KEY}` } })).json();
  assert.equal(after.feedback_events, before.feedback_events + 1);
});
