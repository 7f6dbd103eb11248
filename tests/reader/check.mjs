// Open EPUBs in a real reading engine (epub.js in headless Chromium) and report what a reader
// would see, as JSON on stdout. tests/reader/test_reader.py runs it and judges the report.
//
//   node check.mjs CHROMIUM OUT_DIR NAME=BOOK.epub [NAME=BOOK.epub ...]
//
// For each book and each screen size: every spine document is displayed and measured (nothing
// wider than the page), the title page and the part openers are measured for centring, the first
// glossary term is checked for a visible cue and clicked (its note must come on screen, and the
// note's back-link must bring the term back), the page list epub.js reads is returned, and the
// opening pages are kept as screenshots in OUT_DIR (NAME-SIZE-DOCUMENT.png).
// One browser serves every book and size.

import { readFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [executable, outDir, ...books] = process.argv.slice(2);
const SIZES = { eink: [600, 800], phone: [390, 740] };
const OPENING = ["titlepage.xhtml", "nav.xhtml", "part-1.xhtml"];

const files = {
  "/epub.js": join(here, "node_modules/epubjs/dist/epub.min.js"),
  "/jszip.js": join(here, "node_modules/jszip/dist/jszip.min.js"),
};
const epubs = {};
for (const arg of books) {
  const [name, path] = arg.split("=");
  epubs[`/${name}.epub`] = path;
}
const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>html, body { margin: 0; padding: 0; background: #fff; } #viewer { width: 100vw; height: 100vh; }</style>
<script src="/jszip.js"></script><script src="/epub.js"></script></head>
<body><div id="viewer"></div></body></html>`;

const server = createServer((request, response) => {
  const url = request.url.split("?")[0];
  const path = files[url] || epubs[url];
  if (url === "/") {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(PAGE);
  } else if (path) {
    const type = url.endsWith(".js") ? "text/javascript" : "application/epub+zip";
    response.writeHead(200, { "content-type": type });
    response.end(readFileSync(path));
  } else {
    response.writeHead(404);
    response.end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// Runs in the page: open the book and wait for the first display.
async function openBook(url) {
  window.book = ePub(url, { openAs: "epub" });
  window.rendition = window.book.renderTo("viewer", {
    width: window.innerWidth, height: window.innerHeight, flow: "paginated", spread: "none",
  });
  await window.rendition.display();
  await window.book.loaded.pageList;
  return {
    spine: window.book.spine.spineItems.filter((item) => item.linear).map((item) => item.href),
    pageList: window.book.pageList.pageList.map((item) => ({ href: item.href, page: item.page })),
  };
}

// Runs in the page: display a target, let it settle, then measure the document shown.
async function measure([target, centred]) {
  await window.rendition.display(target);
  await new Promise((resolve) => setTimeout(resolve, 150));
  const contents = window.rendition.getContents()[0];
  const doc = contents.document;
  const layout = window.rendition.manager.layout;
  const column = layout.columnWidth;
  const overflow = [];
  for (const element of [doc.body, ...doc.body.querySelectorAll("*")]) {
    const style = doc.defaultView.getComputedStyle(element);
    if (style.display === "none" || element.closest("[hidden]")) continue;
    // A block cut across pages has one box per page (column): each must fit the page.
    const width = Math.max(0, ...[...element.getClientRects()].map((r) => r.width));
    const name = element.tagName.toLowerCase() + (element.className ? "." + element.className : "");
    const fragments = element.getClientRects().length;
    if (width > column + 1) overflow.push(`${name}: ${Math.round(width)}px wide`);
    else if (element !== doc.body && style.display === "block" && fragments === 1
             && element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0) {
      overflow.push(`${name}: content ${element.scrollWidth}px in ${element.clientWidth}px`);
    }
  }
  const centring = [];
  for (const element of doc.querySelectorAll(centred)) {
    const box = element.getBoundingClientRect();
    const range = doc.createRange();
    range.selectNodeContents(element);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    const middle = box.left + box.width / 2;
    const offset = Math.max(0, ...lines.map((r) => Math.abs(r.left + r.width / 2 - middle)));
    centring.push({
      selector: element.className, text: element.textContent.trim().slice(0, 40),
      offset: Math.round(offset), blockShare: Math.round((100 * box.width) / column),
    });
  }
  return { target, column: Math.round(column), overflow: overflow.slice(0, 10), centring };
}

// Runs in the page: where an element of the shown document is on screen (null when absent).
function onScreen(id) {
  const contents = window.rendition.getContents()[0];
  const element = contents && contents.document.getElementById(id);
  if (!element) return null;
  const frame = document.querySelector("#viewer iframe").getBoundingClientRect();
  const range = contents.document.createRange();
  range.selectNodeContents(element);
  const box = [...range.getClientRects()][0] || element.getBoundingClientRect();
  const x = frame.left + box.left + Math.min(box.width / 2, 10);
  const y = frame.top + box.top + box.height / 2;
  return { x, y, visible: x >= 0 && x < window.innerWidth && y >= 0 && y < window.innerHeight };
}

// Runs in the page: the first glossary term of the shown document and how it looks.
function firstTerm() {
  const doc = window.rendition.getContents()[0].document;
  const term = doc.querySelector("a.glossary-term");
  if (!term) return null;
  const view = doc.defaultView;
  const style = view.getComputedStyle(term);
  const parent = view.getComputedStyle(term.parentElement);
  const after = view.getComputedStyle(term, "::after").content;
  const cues = [];
  if (style.borderBottomStyle !== "none" && parseFloat(style.borderBottomWidth) > 0) cues.push("border");
  if (style.textDecorationLine !== "none") cues.push("decoration");
  if (style.color !== parent.color) cues.push("colour");
  if (after && after !== "none" && after !== "normal") cues.push("mark");
  const note = term.getAttribute("href").replace(/^.*#/, "");
  return { id: term.id, note, text: term.textContent, cues };
}

const browser = await chromium.launch({
  executablePath: executable, args: ["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"],
});
const report = {};
try {
  for (const arg of books) {
    const name = arg.split("=")[0];
    report[name] = {};
    for (const [size, [width, height]] of Object.entries(SIZES)) {
      const page = await browser.newPage({ viewport: { width, height } });
      const errors = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`${origin}/`);
      const opened = await page.evaluate(openBook, `${origin}/${name}.epub`);
      const result = { spine: opened.spine, pageList: opened.pageList, documents: [], errors };
      const dir = join(outDir, name);
      mkdirSync(dir, { recursive: true });
      for (const href of opened.spine) {
        const centred = href === "titlepage.xhtml"
          ? ".book-title, .book-subtitle, .book-editor"
          : href.startsWith("part-") ? ".part-number, .part-title" : "";
        const measured = await page.evaluate(measure, [href, centred || ":not(*)"]);
        result.documents.push(measured);
        if (OPENING.includes(href)) {
          await page.screenshot({ path: join(dir, `${size}-${href.replace(".xhtml", "")}.png`) });
        }
      }
      // The page list: its first, middle and last marks come on screen when displayed.
      const list = opened.pageList;
      result.pageTargets = [];
      for (const item of [list[0], list[Math.floor(list.length / 2)], list[list.length - 1]]) {
        if (!item) continue;
        await page.evaluate(measure, [item.href, ":not(*)"]);
        const where = await page.evaluate(onScreen, item.href.replace(/^.*#/, ""));
        result.pageTargets.push({ href: item.href, onScreen: Boolean(where && where.visible) });
      }
      // The first chapter that has a glossary term: the term's cue, its note, and back.
      for (const href of opened.spine) {
        await page.evaluate(measure, [href, ":not(*)"]);
        const term = await page.evaluate(firstTerm);
        if (!term) continue;
        const glossary = { chapter: href, ...term };
        await page.evaluate(measure, [`${href}#${term.id}`, ":not(*)"]);
        const before = await page.evaluate(onScreen, term.id);
        glossary.termOnScreen = Boolean(before && before.visible);
        await page.screenshot({ path: join(dir, `${size}-term.png`) });
        if (glossary.termOnScreen) {
          await page.mouse.click(before.x, before.y);
          await page.waitForTimeout(600);
          const note = await page.evaluate(onScreen, term.note);
          glossary.noteOnScreen = Boolean(note && note.visible);
          await page.screenshot({ path: join(dir, `${size}-note.png`) });
          const back = await page.evaluate((id) => {
            const doc = window.rendition.getContents()[0].document;
            const link = doc.getElementById(id)?.querySelector("a.glossary-back");
            return link ? link.getAttribute("href").replace(/^.*#/, "") : null;
          }, term.note);
          glossary.backLink = back;
          if (back && glossary.noteOnScreen) {
            const link = await page.evaluate((id) => {
              const doc = window.rendition.getContents()[0].document;
              const a = doc.getElementById(id).querySelector("a.glossary-back");
              a.id = a.id || "check-back-link";
              return a.id;
            }, term.note);
            const where = await page.evaluate(onScreen, link);
            await page.mouse.click(where.x, where.y);
            await page.waitForTimeout(600);
            const again = await page.evaluate(onScreen, back);
            glossary.backOnScreen = Boolean(again && again.visible);
          }
        }
        result.glossary = glossary;
        break;
      }
      report[name][size] = result;
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(report, null, 1));
