// The review page in a real browser: headless Chromium (Debian's) driven by
// playwright-core. Registers an article, posts 20 comments through the API,
// logs in with the key, checks the held comments and their highlighted
// words, rejects one with a click and approves one with the keyboard, and
// checks the queue and the model's feedback count. Run by run.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.env.BROWSER_NODE}/package.json`);
const { chromium } = require("playwright-core");

const base = `http://${process.env.SERVER}`;
const key = process.env.KEY;
const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };

async function api(method, path, body) {
  const r = await fetch(base + path, { method, headers: auth, body: body && JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, 200, `${method} ${path}: ${text}`);
  return JSON.parse(text);
}

const COMMENTS = [
  "The protected bike lanes on Main Street will make the school run safer for our kids.",
  "You are an idiot and a moron, shut up.",
  "I cycle down Main Street every day and the new lanes are a welcome change.",
  "Anyone who votes for this is a stupid idiot.",
  "Nice weather today, going to the beach with my cat.",
  "The council should publish the cyclist counts it used for the Main Street decision.",
  "This council is full of idiots who hate drivers.",
  "Will the bike lanes on Main Street remove any parking spaces?",
  "<img src=x onerror=\"window.pwned=1;alert(1)\"> what a moron",
  "Safety data from other cities shows protected lanes reduce injuries.",
  "My favourite recipe for banana bread uses three ripe bananas.",
  "Shut up, you pathetic loser, nobody cares about your bike.",
  "Thanks to the council for listening to residents about the bike lanes.",
  "Main Street shop owners were consulted before the vote, according to the article.",
  "What a dumb idiot idea, the mayor is a clown.",
  "Buy cheap watches now http://watches.example http://deals.example http://x.example",
  "The vote on Tuesday passed seven to two, with cyclists cheering in the gallery.",
  "Bike lanes are fine but the council ignored the bus riders again.",
  "I hope the lanes connect to the river path for a safe route downtown.",
  "Go away, you stupid troll.",
];

/** The code points [s, e) of a text, as the page shows them. */
function slice(text, [s, e]) {
  return Array.from(text).slice(s, e).join("");
}

test("a moderator reviews held comments in a browser", async () => {
  await api("PUT", "/v1/articles/main-street", {
    title: "Council approves protected bike lanes on Main Street",
    body: "The city council voted on Tuesday to approve protected bike lanes on Main Street, citing safety data and cyclist counts. Shop owners and residents were consulted.",
  });
  const held = new Map();
  for (const [i, text] of COMMENTS.entries()) {
    const id = `web-${i}`;
    const v = await api("POST", "/v1/moderate", { id, text, article_id: "main-street", author: `reader${i}` });
    if (v.action === "hold") {
      held.set(id, { text, marks: v.toxic_spans.map((s) => slice(text, s)) });
    }
  }
  assert.ok(held.size >= 4 && held.size < COMMENTS.length, `held ${held.size} of ${COMMENTS.length}`);
  const expectedMarks = [...held.values()].flatMap((h) => h.marks);
  assert.ok(expectedMarks.includes("idiot"), `marks: ${expectedMarks}`);
  const before = (await api("GET", "/v1/model")).feedback_events;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
    page.on("dialog", (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });

    await page.goto(`${base}/review`);
    await page.fill("#key", key);
    await Promise.all([page.waitForURL(`${base}/review`), page.click("main.login button[type=submit]")]);
    const items = page.locator("article.item");
    assert.equal(await items.count(), held.size);
    assert.equal(await page.textContent("#pending"), String(held.size));

    // Each held comment is there with its exact highlighted words, and the
    // hostile one as plain text.
    const shown = await page.$$eval("article.item", (els) => els.map((el) => ({
      cid: el.querySelector(".cid")?.textContent.replace(/^id /, ""),
      text: el.querySelector("bdi.text").textContent,
      marks: [...el.querySelectorAll("mark.toxic")].map((m) => m.textContent),
    })));
    for (const s of shown) {
      const h = held.get(s.cid);
      assert.ok(h, `unexpected row ${s.cid}`);
      assert.equal(s.text, h.text);
      assert.deepEqual(s.marks, h.marks, s.cid);
    }
    assert.equal(await page.locator("main.queue img").count(), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);

    // Reject the first with a click; approve the next with the keyboard.
    await page.locator("article.item").first().locator("button.reject").click();
    await page.waitForFunction((n) => document.querySelectorAll("article.item").length === n, held.size - 1);
    await page.keyboard.press("a");
    await page.waitForFunction((n) => document.querySelectorAll("article.item").length === n, held.size - 2);
    await page.waitForFunction((n) => document.getElementById("pending").textContent === String(n), held.size - 2);
    const after = (await api("GET", "/v1/model")).feedback_events;
    assert.equal(after, before + 2);

    // The server agrees after a reload; the screenshot is of that page.
    await page.reload();
    assert.equal(await page.locator("article.item").count(), held.size - 2);
    const decided = await page.goto(`${base}/review?action=all`);
    assert.equal(decided.status(), 200);
    assert.equal(await page.locator("p.decided").count(), 2);
    await page.goto(`${base}/review`);
    await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    // Phone width: nothing wider than the screen.
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
    await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, "-phone.png") });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
