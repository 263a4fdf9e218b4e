// Parse queries with the site's parser (docs/assets/search.js) under Node.
// Usage: node parse_queries.js QUERIES.json -> one JSON line per query: {"tree"} or {"error"}.
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.join(__dirname, "../../docs/assets/search.js"));

for (const query of JSON.parse(fs.readFileSync(process.argv[2], "utf8"))) {
  try {
    console.log(JSON.stringify({ tree: search.describe(search.parse(query)) }));
  } catch (err) {
    console.log(JSON.stringify(err.name === "QueryError" ? { error: err.message } : { crash: String(err.stack || err) }));
  }
}
