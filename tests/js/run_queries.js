// Run queries through the site's search engine (docs/assets/search.js) under Node, reading
// the client index from disk. Usage: node run_queries.js SEARCH_DIR QUERIES.json
// Prints one JSON line per query: {"query", "slugs": [...best first], "bytes"} or {"query", "error"}.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const search = require(path.join(__dirname, "../../docs/assets/search.js"));

const [dir, queriesFile] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));

async function main() {
  for (const item of queries) {
    const q = typeof item === "string" ? { query: item } : item;
    const fetched = new Map();
    const engine = new search.Engine(async (file) => {
      const data = fs.readFileSync(path.join(dir, file));
      fetched.set(file, zlib.gzipSync(data, { level: 9 }).length);
      return JSON.parse(data.toString("utf8"));
    }, async (file, version, start, length) => {
      const data = fs.readFileSync(path.join(dir, file)).subarray(start, start + length);
      fetched.set(`${file}@${start}`, data.length);  // compressed already: sent as is
      return new Uint8Array(data);
    });
    try {
      const started = process.hrtime.bigint();
      const result = await engine.search(q.query, q.options || {});
      const rows = await engine.documents(result.ids.slice(0, q.show || 0));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const docs = await engine.documents(result.ids);
      const bytes = [...fetched].filter(([f]) => !f.startsWith("d/") || rows.length).reduce((sum, [, n]) => sum + n, 0);
      console.log(JSON.stringify({ query: q.query, slugs: docs.map((d) => d.slug), total: result.total, facets: result.facets,
        files: [...fetched.keys()], ms, gzipBytes: bytes }));
    } catch (err) {
      if (err.name !== "QueryError") { console.log(JSON.stringify({ query: q.query, crash: String(err.stack || err) })); continue; }
      console.log(JSON.stringify({ query: q.query, error: err.message }));
    }
  }
}
main();
