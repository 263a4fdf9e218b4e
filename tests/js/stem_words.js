// Stem words with the site's Porter stemmer (docs/assets/search.js) under Node.
// Usage: node stem_words.js WORDS.json -> a JSON list of stems, in order.
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.join(__dirname, "../../docs/assets/search.js"));
console.log(JSON.stringify(JSON.parse(fs.readFileSync(process.argv[2], "utf8")).map(search.porter)));
