/* The archive's client-side search: query parser, engine and user interface.
 *
 * The parser mirrors generator/query.py and the engine mirrors generator/search.py over
 * the sharded index that generator/client_index.py writes (docs/search/). The parity
 * tests run this file under Node against Whoosh. Archived text is only ever inserted
 * with textContent: nothing from a seed becomes markup here.
 */
(function (root) {
  "use strict";

  var FIELDS = ["speaker", "place", "outlet", "source", "org", "title", "quote"];
  var MAX_LENGTH = 1000;
  var MIN_PREFIX = 2;

  function QueryError(message) {
    this.name = "QueryError";
    this.message = message;
  }
  QueryError.prototype = Object.create(Error.prototype);

  /* ---------------------------------------------------------------- parser */

  var SPACE = " \t\n\r\f\v";  // only these separate words (as in query.py)
  var TOKEN = /(\()|(\))|(\[)|(\])|([A-Za-z]+):|(")|(-)(?=[^ \t\n\r\f\v])|([^ \t\n\r\f\v()\[\]":]+(?::[^ \t\n\r\f\v()\[\]":]+)*)|(:)/y;
  var KINDS = [null, "lparen", "rparen", "lbracket", "rbracket", "field", "quote", "minus", "word", "colon"];

  function tokenize(query) {
    var tokens = [];
    var pos = 0;
    while (pos < query.length) {
      if (SPACE.indexOf(query[pos]) >= 0) { pos++; continue; }
      TOKEN.lastIndex = pos;
      var m = TOKEN.exec(query);
      if (!m) throw new QueryError("cannot read the query at " + JSON.stringify(query.slice(pos, pos + 20)));
      var kind = null, value = null;
      for (var i = 1; i < KINDS.length; i++) {
        if (m[i] !== undefined) { kind = KINDS[i]; value = m[i]; break; }
      }
      if (kind === "quote") {
        var close = query.indexOf('"', TOKEN.lastIndex);
        if (close < 0) throw new QueryError('a quotation mark is not closed: add the closing " or remove the opening one');
        tokens.push(["phrase", query.slice(TOKEN.lastIndex, close)]);
        pos = close + 1;
        continue;
      }
      tokens.push([kind, value]);
      pos = TOKEN.lastIndex;
    }
    return tokens;
  }

  function parse(query) {
    if (typeof query !== "string") throw new QueryError("the query must be text");
    var length = [...query].length;
    if (length > MAX_LENGTH) throw new QueryError("the query is " + length + " characters long; the limit is " + MAX_LENGTH);
    var tokens = tokenize(query);
    var i = 0;
    function peek() { return i < tokens.length ? tokens[i] : null; }
    function take() { return tokens[i++]; }
    function isOr(t) { return t && t[0] === "word" && t[1] === "OR"; }

    function expression() {
      var parts = [conjunction()];
      while (isOr(peek())) {
        take();
        if (!peek() || peek()[0] === "rparen") throw new QueryError("OR needs something on both sides, as in: ceasefire OR truce");
        parts.push(conjunction());
      }
      return parts.length === 1 ? parts[0] : { type: "or", nodes: parts };
    }
    function conjunction() {
      var parts = [];
      while (peek() && peek()[0] !== "rparen" && !isOr(peek())) parts.push(unary());
      if (!parts.length) {
        var t = peek();
        if (!t) throw new QueryError("the query ends where a word was expected");
        if (t[0] === "rparen") throw new QueryError("empty parentheses: put words inside them or remove them");
        throw new QueryError("OR needs something on both sides, as in: ceasefire OR truce");
      }
      if (parts.every(function (p) { return p.type === "not"; })) parts.unshift({ type: "all" });
      return parts.length === 1 ? parts[0] : { type: "and", nodes: parts };
    }
    function unary() {
      var t = peek();
      if ((t[0] === "word" && t[1] === "NOT") || t[0] === "minus") {
        take();
        if (!peek() || peek()[0] === "rparen" || isOr(peek())) throw new QueryError("NOT (or -) must be followed by what to exclude, as in: -rumour");
        return { type: "not", node: unary() };
      }
      return primary();
    }
    function primary() {
      var t = take(), kind = t[0], value = t[1];
      if (kind === "lparen") {
        if (peek() && peek()[0] === "rparen") throw new QueryError("empty parentheses: put words inside them or remove them");
        var node = expression();
        if (!peek() || peek()[0] !== "rparen") throw new QueryError("a '(' is not closed: add the closing ')'");
        take();
        return node;
      }
      if (kind === "lbracket" || kind === "rbracket") throw new QueryError("square brackets are only for date ranges, as in: date:[2016-01-01 to 2016-03-31]");
      if (kind === "colon") throw new QueryError("a ':' must follow a field name, as in: speaker:obama");
      if (kind === "field") return fielded(value.toLowerCase());
      return term(null, kind, value);
    }
    function fielded(field) {
      if (field === "date") return date();
      if (FIELDS.indexOf(field) < 0) {
        throw new QueryError("unknown field '" + field + "'; the fields are " + FIELDS.concat(["date"]).map(function (f) { return f + ":"; }).join(", "));
      }
      var t = peek();
      if (!t || (t[0] !== "word" && t[0] !== "phrase")) throw new QueryError(field + ': must be followed by a word or a "quoted phrase", as in: ' + field + ':"..."');
      t = take();
      return term(field, t[0], t[1]);
    }
    function date() {
      var t = peek() ? take() : null;
      var usage = "date: must be followed by a date, as in: date:2016-02 or date:[2016-01-01 to 2016-03-31]";
      if (!t) throw new QueryError(usage);
      if (t[0] === "word") {
        var p = period(t[1]);
        return { type: "date", start: p[0], end: p[1] };
      }
      if (t[0] !== "lbracket") throw new QueryError(usage);
      var words = [];
      while (peek() && peek()[0] === "word") words.push(take()[1]);
      if (!peek() || peek()[0] !== "rbracket") throw new QueryError("a date range must end with ']', as in: date:[2016-01-01 to 2016-03-31]");
      take();
      if (words.length !== 3 || words[1].toLowerCase() !== "to") throw new QueryError("a date range is written date:[FROM to UNTIL], as in: date:[2016-01-01 to 2016-03-31]");
      var start = period(words[0])[0], end = period(words[2])[1];
      if (end < start) throw new QueryError("the date range ends (" + iso(end) + ") before it starts (" + iso(start) + "): swap the two dates");
      return { type: "date", start: start, end: end };
    }

    if (!tokens.length) return { type: "all" };
    var node = expression();
    if (peek()) {
      if (peek()[0] === "rparen") throw new QueryError("a ')' has no matching '(': remove it or add the opening one");
      throw new QueryError("unexpected " + JSON.stringify(peek()[1]) + " in the query");
    }
    return node;
  }

  function term(field, kind, value) {
    if (kind === "phrase") {
      if (!value.replace(/[ \t\n\r\f\v]/g, "")) throw new QueryError('an empty "" phrase: put words between the quotation marks');
      return { type: "phrase", field: field, text: value };
    }
    if (value.slice(-1) === "*") {
      var stem = value.replace(/\*+$/, "");
      if (stem.indexOf("*") >= 0 || [...stem].length < MIN_PREFIX) {
        throw new QueryError("'" + value + "': a prefix search needs at least " + MIN_PREFIX + " letters before a final *, as in: negotiat*");
      }
      return { type: "prefix", field: field, text: stem };
    }
    if (value.indexOf("*") >= 0) throw new QueryError("'" + value + "': * is allowed only at the end of a word, as in: negotiat*");
    return { type: "word", field: field, text: value };
  }

  /* Dates are numbers YYYYMMDD, as in facets.json. */
  function period(text) {
    var m = /^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?$/.exec(text);
    if (!m) throw new QueryError("'" + text + "' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, as in: date:2016-02");
    var y = +m[1], mo = m[2] ? +m[2] : null, d = m[3] ? +m[3] : null;
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    var unreal = new QueryError("'" + text + "' is not a real date: check the month and the day");
    if (y < 1 || (mo !== null && (mo < 1 || mo > 12))) throw unreal;
    var days = mo === null ? 31 : [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
    if (mo === null) return [y * 10000 + 101, y * 10000 + 1231];
    if (d === null) return [y * 10000 + mo * 100 + 1, y * 10000 + mo * 100 + days];
    if (d < 1 || d > days) throw unreal;
    return [y * 10000 + mo * 100 + d, y * 10000 + mo * 100 + d];
  }

  function iso(n) {
    var s = String(n);
    return s.slice(0, 4) + "-" + s.slice(4, 6) + "-" + s.slice(6, 8);
  }

  function describe(node) {
    switch (node.type) {
      case "all": return "*";
      case "word": return node.field ? node.field + ":" + node.text : node.text;
      case "prefix": return (node.field ? node.field + ":" : "") + node.text + "*";
      case "phrase": return (node.field ? node.field + ":" : "") + '"' + node.text + '"';
      case "date": return "date:[" + iso(node.start) + " to " + iso(node.end) + "]";
      case "not": return "NOT " + describe(node.node);
      case "and": return "(" + node.nodes.map(describe).join(" AND ") + ")";
      case "or": return "(" + node.nodes.map(describe).join(" OR ") + ")";
    }
    throw new Error("unknown node " + node.type);
  }

  /* -------------------------------------------------------------- analysis */

  var WORD = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu;

  function foldKey(word) {
    return word.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }

  /* The Porter stemmer exactly as Whoosh implements it (whoosh/lang/porter.py, including
   * its start-anchored matches), for typed words the archive does not contain: the index
   * already maps every word it does contain to its stem. */
  var STEP2 = { ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble", alli: "al", entli: "ent",
    eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate", alism: "al", iveness: "ive", fulness: "ful",
    ousness: "ous", aliti: "al", iviti: "ive", biliti: "ble", logi: "log" };
  var STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
  var C = "[^aeiouy]+", V = "[aeiou]+";
  var MGR0 = new RegExp("^(" + C + ")?" + V + C, "u");
  var MEQ1 = new RegExp("^(" + C + ")?" + V + C + "(" + V + ")?$", "u");
  var MGR1 = new RegExp("^(" + C + ")?" + V + C + V + C, "u");
  var S_V = new RegExp("^(" + C + ")?[aeiouy]", "u");
  var C_V = new RegExp("^" + C + "[aeiouy][^aeiouwxy]$", "u");
  var ED_ING = /^([\s\S]*)(ed|ing)$/u;
  var AT_BL_IZ = /^(at|bl|iz)$/u;
  var STEP1B = /^([^aeiouylsz])\1$/u;
  var RE2 = /^([\s\S]+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/u;
  var RE3 = /^([\s\S]+?)(icate|ative|alize|iciti|ical|ful|ness)$/u;
  var RE4A = /^([\s\S]+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/u;
  var RE4B = /^([\s\S]+?)(s|t)(ion)$/u;
  var RE5 = /^([\s\S]+?)e$/u;

  function porter(w) {
    var chars = Array.from(w), m, stem;
    if (chars.length < 3) return w;
    var firstIsY = chars[0] === "y";
    if (firstIsY) w = "Y" + w.slice(1);
    if (w.endsWith("s")) {
      if (w.endsWith("sses") || w.endsWith("ies")) w = w.slice(0, -2);
      else if (Array.from(w).slice(-2)[0] !== "s") w = w.slice(0, -1);
    }
    if (w.endsWith("eed")) {
      if (MGR0.test(w.slice(0, -3))) w = w.slice(0, -1);
    } else if ((m = ED_ING.exec(w))) {
      stem = m[1];
      if (S_V.test(stem)) {
        w = stem;
        if (AT_BL_IZ.test(w)) w += "e";
        else if (STEP1B.test(w)) w = w.slice(0, -1);
        else if (C_V.test(w)) w += "e";
      }
    }
    if (w.endsWith("y")) {
      stem = w.slice(0, -1);
      if (S_V.test(stem)) w = stem + "i";
    }
    if ((m = RE2.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP2[m[2]];
    if ((m = RE3.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP3[m[2]];
    if ((m = RE4A.exec(w))) {
      if (MGR1.test(m[1])) w = m[1];
    } else if ((m = RE4B.exec(w))) {
      if (MGR1.test(m[1] + m[2])) w = m[1] + m[2];
    }
    if ((m = RE5.exec(w))) {
      stem = m[1];
      if (MGR1.test(stem) || (MEQ1.test(stem) && !C_V.test(stem))) w = stem;
    }
    if (w.endsWith("ll") && MGR1.test(w)) w = w.slice(0, -1);
    if (firstIsY) w = "y" + w.slice(1);
    return w;
  }

  /* A typed word's indexed form when the archive does not contain it. */
  function stemOf(lower) { return foldKey(porter(lower)); }

  /* The typed words of a text that the index keeps (stop words and one-letter words go),
   * as [key, stem] pairs. */
  function keysOf(text, manifest) {
    var out = [];
    var stops = manifest._stops || (manifest._stops = new Set(manifest.stopWords));
    (text.normalize("NFC").match(WORD) || []).forEach(function (token) {
      var lower = token.toLowerCase();
      if ([...lower].length < manifest.stopMinSize || stops.has(lower)) return;
      out.push([foldKey(lower), stemOf(lower)]);
    });
    return out;
  }

  /* ---------------------------------------------------------------- engine */

  /* fetchJSON(path, version): Promise of the parsed JSON file (path relative to the search
   * folder). fetchRange(path, version, start, length): Promise of those bytes of the file
   * (a Uint8Array); rangeFetcher(base) makes one for a web server. */
  function Engine(fetchJSON, fetchRange) {
    this.fetchJSON = fetchJSON;
    this.fetchRange = fetchRange;
    this.cache = new Map();
    this.manifest = null;
  }

  /* A fetchRange for files under `base`: an HTTP range request per text. A server that
   * ignores ranges answers 200 with the whole file: it is then kept and sliced, and later
   * texts from the same file wait for it instead of fetching it again. */
  function rangeFetcher(base) {
    var whole = new Map();  // path -> Promise of the whole file, or of null if ranges work
    return function (path, version, start, length) {
      var url = base + path + "?v=" + encodeURIComponent(version);
      function get() {
        return fetch(url, { headers: { Range: "bytes=" + start + "-" + (start + length - 1) } }).then(function (r) {
          if (!r.ok) throw new Error("the search index could not be loaded (" + r.status + " for " + path + ")");
          return r.arrayBuffer().then(function (buffer) { return { partial: r.status === 206, buffer: buffer }; });
        });
      }
      function bytes(answer) {
        return answer.partial ? new Uint8Array(answer.buffer) : new Uint8Array(answer.buffer, start, length);
      }
      if (!whole.has(path)) {
        var first = get();
        whole.set(path, first.then(function (a) { return a.partial ? null : a.buffer; }, function () { whole.delete(path); return null; }));
        return first.then(bytes);
      }
      return whole.get(path).then(function (buffer) {
        return buffer ? new Uint8Array(buffer, start, length) : get().then(bytes);
      });
    };
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text();
  }

  Engine.prototype.load = function (path) {
    var self = this;
    if (!this.cache.has(path)) {
      var version = this.manifest ? this.manifest.version : "";
      this.cache.set(path, this.fetchJSON(path, version).catch(function (err) { self.cache.delete(path); throw err; }));
    }
    return this.cache.get(path);
  };

  Engine.prototype.ready = function () {
    var self = this;
    if (!this._ready) {
      this._ready = this.fetchJSON("manifest.json", String(Date.now() / 60000 | 0)).then(function (m) { self.manifest = m; return m; });
    }
    return this._ready;
  };

  Engine.prototype.shardFor = function (key) {
    var firsts = this.manifest.shards, lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  Engine.prototype.entry = function (key) {
    return this.load("t/" + this.shardFor(key) + ".json").then(function (shard) {
      return Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : null;
    });
  };

  /* Every entry whose key starts with `prefix`, in key order. */
  Engine.prototype.range = function (prefix) {
    var self = this, first = this.shardFor(prefix), last = this.shardFor(prefix + "\uffff");
    var loads = [];
    for (var i = first; i <= last; i++) loads.push(this.load("t/" + i + ".json"));
    return Promise.all(loads).then(function (shards) {
      var out = [];
      shards.forEach(function (shard) {
        Object.keys(shard).forEach(function (k) { if (k.startsWith(prefix)) out.push([k, shard[k]]); });
      });
      out.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      return out;
    });
  };

  Engine.prototype.stemsOf = function (key) {
    return this.entry("v:" + key).then(function (v) { return v === null ? [] : Array.isArray(v) ? v : [v]; });
  };

  Engine.prototype.postings = function (field, stem) {
    var code = this.manifest.fields[field];
    return this.entry(code + ":" + stem).then(function (flat) {
      var out = new Map(), doc = 0;
      if (!flat) return out;
      for (var i = 0; i < flat.length; i += 2) { doc += flat[i]; out.set(doc, flat[i + 1]); }
      return out;
    });
  };

  Engine.prototype.positions = function (field, stem) {
    var code = this.manifest.fields[field];
    return Promise.all([this.entry(code + ":" + stem), this.entry("P:" + code + ":" + stem)]).then(function (r) {
      var flat = r[0], where = r[1], out = new Map(), doc = 0;
      if (!flat) return out;
      for (var i = 0; i < flat.length; i += 2) {
        doc += flat[i];
        var p = 0, list = new Set();
        where[i / 2].forEach(function (d) { p += d; list.add(p); });
        out.set(doc, { weight: flat[i + 1], positions: list });
      }
      return out;
    });
  };

  Engine.prototype.facetData = function () { return this.load("facets.json"); };

  function fieldsOf(node, manifest) { return node.field ? [node.field] : manifest.defaultFields; }

  function orInto(target, scores) {
    scores.forEach(function (s, d) { target.set(d, (target.get(d) || 0) + s); });
    return target;
  }

  /* Evaluate a tree: a Map doc -> score, or null where the tree analyzes to nothing. */
  Engine.prototype.evaluate = function (node, ctx) {
    var self = this, m = this.manifest;
    switch (node.type) {
      case "all": {
        var all = new Map();
        for (var d = 0; d < m.documents; d++) all.set(d, 1000);
        return Promise.resolve(all);
      }
      case "word":
      case "phrase": {
        var words = keysOf(node.text, m);
        if (!words.length) return Promise.resolve(null);
        words.forEach(function (w) { ctx.keys.add(w[0]); ctx.stems.add(w[1]); });
        if (words.length > 1) return self.phrase(fieldsOf(node, m), words.map(function (w) { return [w[1]]; }));
        return self.stemsOf(words[0][0]).then(function (stems) {
          stems.forEach(function (s) { ctx.stems.add(s); });
          if (stems.indexOf(words[0][1]) < 0) stems = stems.concat([words[0][1]]);
          return self.anyField(fieldsOf(node, m), stems);
        });
      }
      case "prefix": {
        var prefix = foldKey(node.text);
        return this.range("v:" + prefix).then(function (entries) {
          var stems = new Set();
          entries.slice(0, m.maxExpansion).forEach(function (e) {
            ctx.keys.add(e[0].slice(2));
            (Array.isArray(e[1]) ? e[1] : [e[1]]).forEach(function (s) { stems.add(s); ctx.stems.add(s); });
          });
          return self.anyField(fieldsOf(node, m), Array.from(stems));
        });
      }
      case "date":
        return this.facetData().then(function (f) {
          var out = new Map();
          f.date.forEach(function (day, doc) { if (day && day >= node.start && day <= node.end) out.set(doc, 1000); });
          return out;
        });
      case "not":
        return this.evaluate(node.node, ctx).then(function (inner) { return inner === null ? null : { not: inner }; });
      case "or":
      case "and":
        return Promise.all(node.nodes.map(function (n) { return self.evaluate(n, ctx); })).then(function (parts) {
          parts = parts.filter(function (p) { return p !== null; });
          if (!parts.length) return null;
          if (node.type === "or") {
            if (parts.length === 1) return parts[0];
            return parts.reduce(function (acc, p) { return orInto(acc, p.not ? new Map() : p); }, new Map());
          }
          var positive = parts.filter(function (p) { return !p.not; });
          var negative = parts.filter(function (p) { return p.not; });
          if (!negative.length && positive.length === 1) return positive[0];
          var base;
          if (!positive.length) {
            base = new Map();
            for (var d = 0; d < m.documents; d++) base.set(d, 1000);
          } else {
            base = new Map();
            positive[0].forEach(function (s, d) {
              var total = s;
              for (var i = 1; i < positive.length; i++) {
                if (!positive[i].has(d)) return;
                total += positive[i].get(d);
              }
              base.set(d, total);
            });
          }
          negative.forEach(function (n) { n.not.forEach(function (_, d) { base.delete(d); }); });
          return base;
        });
    }
    return Promise.reject(new Error("unknown node " + node.type));
  };

  Engine.prototype.anyField = function (fields, stems) {
    var self = this, loads = [];
    fields.forEach(function (f) { stems.forEach(function (s) { loads.push(self.postings(f, s)); }); });
    return Promise.all(loads).then(function (lists) { return lists.reduce(orInto, new Map()); });
  };

  /* stems: one list of candidate stems per position of the phrase. */
  Engine.prototype.phrase = function (fields, stems) {
    var self = this;
    if (stems.some(function (list) { return !list.length; })) return Promise.resolve(new Map());
    return Promise.all(fields.map(function (field) {
      return Promise.all(stems.map(function (list) {
        return Promise.all(list.map(function (s) { return self.positions(field, s); })).then(function (maps) {
          var merged = new Map();
          maps.forEach(function (mp) {
            mp.forEach(function (v, d) {
              var cur = merged.get(d);
              if (!cur) merged.set(d, { weight: v.weight, positions: new Set(v.positions) });
              else { cur.weight += v.weight; v.positions.forEach(function (p) { cur.positions.add(p); }); }
            });
          });
          return merged;
        });
      })).then(function (perPosition) {
        var out = new Map();
        perPosition[0].forEach(function (first, d) {
          if (!perPosition.every(function (mp) { return mp.has(d); })) return;
          var found = false;
          first.positions.forEach(function (p) {
            if (found) return;
            found = perPosition.every(function (mp, i) { return mp.get(d).positions.has(p + i); });
          });
          if (found) out.set(d, perPosition.reduce(function (sum, mp) { return sum + mp.get(d).weight; }, 0));
        });
        return out;
      });
    })).then(function (maps) { return maps.reduce(orInto, new Map()); });
  };

  /* Run a query. options: {filters: {speaker: [...], place: [...], outlet: [...], year: [...]},
   * from, until (YYYY-MM-DD), sort: "relevance" | "date", facets: bool}. */
  Engine.prototype.search = function (query, options) {
    var self = this;
    options = options || {};
    var tree;
    try { tree = parse(query); } catch (err) { return Promise.reject(err); }
    var ctx = { stems: new Set(), keys: new Set() };
    return this.ready().then(function () { return self.evaluate(tree, ctx); }).then(function (scores) {
      if (scores === null) throw new QueryError("the query has only very common words (like 'the' or 'of'), which are not indexed: add a more specific word");
      if (scores.not) throw new Error("a negative query reached the top");  // the parser never lets this happen
      var filters = options.filters || {};
      var filtering = Object.keys(filters).some(function (k) { return filters[k] && filters[k].length; });
      var needFacets = options.facets || options.sort === "date" || filtering || options.from || options.until;
      return (needFacets ? self.facetData() : Promise.resolve(null)).then(function (f) {
        var ids = Array.from(scores.keys());
        if (f) ids = ids.filter(function (d) { return passes(f, d, filters, options); });
        ids.sort(function (a, b) {
          if (options.sort === "date") {
            var byDate = f.date[b] - f.date[a];
            if (byDate) return byDate;
          }
          return scores.get(b) - scores.get(a) || a - b;
        });
        return {
          tree: tree,
          total: ids.length,
          ids: ids,
          scores: scores,
          stems: ctx.stems,
          keys: ctx.keys,
          facets: options.facets && f ? countFacets(f, ids) : null,
        };
      });
    });
  };

  function ymd(text) { return text ? +text.replace(/-/g, "").padEnd(8, "0") : 0; }

  function passes(f, d, filters, options) {
    var day = f.date[d];
    if (options.from && (!day || day < ymd(options.from))) return false;
    if (options.until && (!day || day > ymd(options.until))) return false;
    if (filters.year && filters.year.length && filters.year.indexOf(String(day).slice(0, 4)) < 0) return false;
    var ok = true;
    ["speaker", "place", "outlet"].forEach(function (name) {
      var wanted = filters[name];
      if (!ok || !wanted || !wanted.length) return;
      var have = f[name].docs[d].map(function (i) { return f[name].names[i]; });
      ok = wanted.every(function (w) { return have.indexOf(w) >= 0; });
    });
    return ok;
  }

  function countFacets(f, ids) {
    var out = {};
    ["speaker", "place", "outlet"].forEach(function (name) {
      var counts = new Map();
      ids.forEach(function (d) { f[name].docs[d].forEach(function (i) { counts.set(i, (counts.get(i) || 0) + 1); }); });
      out[name] = Array.from(counts, function (e) { return [f[name].names[e[0]], e[1]]; });
    });
    var years = new Map();
    ids.forEach(function (d) { if (f.date[d]) { var y = String(f.date[d]).slice(0, 4); years.set(y, (years.get(y) || 0) + 1); } });
    out.year = Array.from(years);
    Object.keys(out).forEach(function (k) {
      out[k].sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
    });
    return out;
  }

  /* Display rows of some documents: {id, slug, title, date, outlet, speakers, text}. The
   * text of each comes alone, by range, from the texts file beside its rows file. */
  Engine.prototype.documents = function (ids) {
    var self = this, chunk = this.manifest.chunk;
    return Promise.all(ids.map(function (d) {
      var group = "d/" + Math.floor(d / chunk);
      return self.load(group + ".json").then(function (rows) {
        var r = rows[d % chunk];
        return self.text(group + ".bin", r[5], r[6]).then(function (text) {
          return { id: d, slug: r[0], title: r[1], date: r[2], outlet: r[3], speakers: r[4], text: text };
        });
      });
    }));
  };

  Engine.prototype.text = function (path, start, length) {
    var self = this, key = path + "@" + start;
    if (!this.cache.has(key)) {
      this.cache.set(key, this.fetchRange(path, this.manifest.version, start, length).then(inflate)
        .catch(function (err) { self.cache.delete(key); throw err; }));
    }
    return this.cache.get(key);
  };

  /* The stretch of `text` (about `width` characters) with the most highlighted words, as
   * [[piece, highlighted], ...]. */
  function snippet(text, keys, width) {
    width = width || 220;
    var hits = [];
    var re = new RegExp(WORD.source, "gu"), m;
    while ((m = re.exec(text))) {
      if (keys.has(foldKey(m[0]))) hits.push([m.index, m.index + m[0].length]);
    }
    var start = 0, best = -1;
    for (var i = 0; i < hits.length; i++) {
      var n = 0;
      for (var j = i; j < hits.length && hits[j][1] - hits[i][0] <= width; j++) n++;
      if (n > best) { best = n; start = hits[i][0]; }
    }
    start = Math.max(0, start - 60);
    if (start > 0) { var space = text.indexOf(" ", start); if (space >= 0 && space < start + 20) start = space + 1; }
    var end = Math.min(text.length, start + width);
    if (end < text.length) { var back = text.lastIndexOf(" ", end); if (back > start + width / 2) end = back; }
    var pieces = [], at = start;
    hits.forEach(function (h) {
      if (h[0] < start || h[1] > end) return;
      if (h[0] > at) pieces.push([text.slice(at, h[0]), false]);
      pieces.push([text.slice(h[0], h[1]), true]);
      at = h[1];
    });
    if (at < end) pieces.push([text.slice(at, end), false]);
    if (start > 0) pieces.unshift(["… ", false]);
    if (end < text.length) pieces.push([" …", false]);
    return pieces;
  }

  /* The typed forms to highlight: every word in the loaded vocabulary whose stem matched. */
  Engine.prototype.highlightKeys = function (result) {
    var keys = new Set(result.keys);
    function add(shard) {
      if (Array.isArray(shard) || !shard || typeof shard !== "object") return;  // display data, facets
      Object.keys(shard).forEach(function (k) {
        if (k.slice(0, 2) !== "v:") return;
        var v = shard[k];
        (Array.isArray(v) ? v : [v]).forEach(function (s) { if (result.stems.has(s)) keys.add(k.slice(2)); });
      });
    }
    return Promise.all(Array.from(this.cache.values()).map(function (p) { return p.then(add, function () {}); }))
      .then(function () { return keys; });
  };

  var api = { parse: parse, describe: describe, QueryError: QueryError, Engine: Engine, rangeFetcher: rangeFetcher,
              foldKey: foldKey, porter: porter, snippet: snippet };
  if (typeof module === "object" && module.exports) { module.exports = api; return; }
  root.ArchiveSearch = api;

  /* ------------------------------------------------------------------- UI */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var engine = null, siteRoot = ".";

  function setup() {
    var form = document.querySelector("form.archive-search");
    if (!form) return;
    siteRoot = form.getAttribute("data-root") || ".";
    if (!engine) {
      var base = siteRoot.replace(/\/$/, "") + "/search/";
      engine = new Engine(function (path, version) {
        return fetch(base + path + "?v=" + encodeURIComponent(version)).then(function (r) {
          if (!r.ok) throw new Error("the search index could not be loaded (" + r.status + " for " + path + ")");
          return r.json();
        });
      }, rangeFetcher(base));
    }
    headerBox(form);
    var page = document.getElementById("archive-search-page");
    if (page) searchPage(page);
    highlightArticle();
  }

  function articleUrl(slug, keys) {
    var url = siteRoot.replace(/\/$/, "") + "/articles/" + encodeURIComponent(slug) + "/";
    var list = Array.from(keys || []).slice(0, 40);
    return list.length ? url + "?h=" + encodeURIComponent(list.join(" ")) : url;
  }

  function renderSnippet(container, text, keys) {
    snippet(text, keys).forEach(function (piece) {
      container.appendChild(piece[1] ? el("mark", {}, piece[0]) : document.createTextNode(piece[0]));
    });
  }

  function headerBox(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector(".archive-suggest");
    if (!input || !list || input.dataset.ready) return;
    input.dataset.ready = "1";
    var timer = null, serial = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { list.hidden = true; input.setAttribute("aria-expanded", "false"); }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) list.hidden = true; });
    function run() {
      var q = input.value.trim(), mine = ++serial;
      if (!q) { list.hidden = true; return; }
      engine.search(q, {}).then(function (result) {
        return Promise.all([engine.documents(result.ids.slice(0, 6)), engine.highlightKeys(result)]).then(function (r) {
          if (mine !== serial) return;
          show(result, r[0], r[1]);
        });
      }).catch(function (err) {
        if (mine !== serial) return;
        list.replaceChildren(el("p", { class: "archive-suggest__message", role: "status" }, err.message));
        list.hidden = false;
      });
    }
    function show(result, rows, keys) {
      list.replaceChildren();
      var summary = el("p", { class: "archive-suggest__message", role: "status" },
        result.total ? result.total + (result.total === 1 ? " article" : " articles") : "No article matches.");
      list.appendChild(summary);
      var ol = el("ol");
      rows.forEach(function (row) {
        var li = el("li"), a = el("a", { href: articleUrl(row.slug, keys) });
        a.appendChild(el("strong", {}, row.title));
        a.appendChild(el("small", {}, [row.date, row.outlet].filter(Boolean).join(" · ")));
        var p = el("span", { class: "archive-snippet" });
        renderSnippet(p, row.text, keys);
        a.appendChild(p);
        li.appendChild(a);
        ol.appendChild(li);
      });
      list.appendChild(ol);
      if (result.total > rows.length) {
        list.appendChild(el("a", { class: "archive-suggest__all", href: siteRoot.replace(/\/$/, "") + "/search/?q=" + encodeURIComponent(input.value.trim()) }, "All " + result.total + " results"));
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  var PAGE = 20;

  function searchPage(container) {
    if (container.dataset.ready) return;
    container.dataset.ready = "1";
    var params = new URLSearchParams(location.search);
    var state = {
      q: params.get("q") || "",
      sort: params.get("sort") === "date" ? "date" : "relevance",
      from: params.get("from") || "",
      until: params.get("until") || "",
      filters: { speaker: params.getAll("speaker"), place: params.getAll("place"), outlet: params.getAll("outlet"), year: params.getAll("year") },
      shown: PAGE,
    };
    var form = el("form", { class: "archive-search-form", role: "search" });
    var q = el("input", { type: "search", name: "q", id: "archive-search-q", "aria-label": "Search query", placeholder: 'e.g. ceasefire speaker:"…" date:[2016-01-01 to 2016-03-31]' });
    q.value = state.q;
    var sort = el("select", { name: "sort", id: "archive-search-sort", "aria-label": "Order of results" });
    [["relevance", "Best match first"], ["date", "Newest first"]].forEach(function (o) {
      var opt = el("option", { value: o[0] }, o[1]);
      if (o[0] === state.sort) opt.selected = true;
      sort.appendChild(opt);
    });
    var from = el("input", { type: "date", name: "from", id: "archive-search-from" });
    var until = el("input", { type: "date", name: "until", id: "archive-search-until" });
    from.value = state.from;
    until.value = state.until;
    var button = el("button", { type: "submit", class: "md-button md-button--primary" }, "Search");
    var row = el("div", { class: "archive-search-form__row" });
    [[from, "From"], [until, "Until"]].forEach(function (pair) {
      var label = el("label", { for: pair[0].id }, pair[1] + " ");
      row.appendChild(label);
      row.appendChild(pair[0]);
    });
    row.appendChild(sort);
    form.appendChild(q);
    form.appendChild(button);
    form.appendChild(row);
    var help = el("details", { class: "archive-search-help" });
    help.appendChild(el("summary", {}, "How to write a query"));
    help.appendChild(el("p", {}, 'All words must match. "exact phrase" · a OR b · NOT word or -word · prefix* · fields speaker: place: outlet: source: org: title: quote: · dates date:2016, date:2016-02, date:[2016-01-01 to 2016-03-31]. Case, accents and word endings do not matter.'));
    var status = el("p", { class: "archive-search-status", role: "status", "aria-live": "polite" });
    var facets = el("nav", { class: "archive-facets", "aria-label": "Narrow the results" });
    var results = el("ol", { class: "archive-results" });
    var more = el("button", { type: "button", class: "md-button archive-more", hidden: "" }, "Show more results");
    [form, help, status, facets, results, more].forEach(function (node) { container.appendChild(node); });

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      state.q = q.value.trim();
      state.sort = sort.value;
      state.from = from.value;
      state.until = until.value;
      state.shown = PAGE;
      run(true);
    });
    sort.addEventListener("change", function () { form.requestSubmit(); });
    more.addEventListener("click", function () { state.shown += PAGE; run(false); });
    var serial = 0;

    function url() {
      var p = new URLSearchParams();
      if (state.q) p.set("q", state.q);
      if (state.sort === "date") p.set("sort", "date");
      if (state.from) p.set("from", state.from);
      if (state.until) p.set("until", state.until);
      Object.keys(state.filters).forEach(function (k) { state.filters[k].forEach(function (v) { p.append(k, v); }); });
      var s = p.toString();
      return location.pathname + (s ? "?" + s : "");
    }

    function run(push) {
      var mine = ++serial;
      if (push) history.replaceState(null, "", url());
      var filtering = Object.keys(state.filters).some(function (k) { return state.filters[k].length; });
      if (!state.q && !filtering && !state.from && !state.until) {
        status.textContent = "Type a query above, or pick a speaker, place or outlet from an article.";
        results.replaceChildren();
        facets.replaceChildren();
        more.hidden = true;
        return;
      }
      status.textContent = "Searching…";
      engine.search(state.q, { sort: state.sort, from: state.from, until: state.until, filters: state.filters, facets: true }).then(function (result) {
        return Promise.all([engine.documents(result.ids.slice(0, state.shown)), engine.highlightKeys(result)]).then(function (r) {
          if (mine !== serial) return;
          status.textContent = result.total ? result.total + (result.total === 1 ? " article matches." : " articles match.") : "No article matches. Try fewer words, OR, or a prefix*.";
          results.replaceChildren();
          r[0].forEach(function (row) {
            var li = el("li", { class: "archive-result" });
            var a = el("a", { href: articleUrl(row.slug, r[1]) }, row.title);
            var h = el("h2");
            h.appendChild(a);
            li.appendChild(h);
            li.appendChild(el("p", { class: "archive-result__meta" }, [row.date || "undated", row.outlet, row.speakers.join(", ")].filter(Boolean).join(" · ")));
            var p = el("p", { class: "archive-snippet" });
            renderSnippet(p, row.text, r[1]);
            li.appendChild(p);
            results.appendChild(li);
          });
          more.hidden = result.total <= state.shown;
          showFacets(result.facets);
        });
      }).catch(function (err) {
        if (mine !== serial) return;
        status.textContent = err.name === "QueryError" ? "The query cannot be run: " + err.message : err.message;
        results.replaceChildren();
        facets.replaceChildren();
        more.hidden = true;
      });
    }

    function showFacets(counts) {
      facets.replaceChildren();
      if (!counts) return;
      [["speaker", "Speakers"], ["place", "Places"], ["outlet", "Outlets"], ["year", "Years"]].forEach(function (pair) {
        var name = pair[0], chosen = state.filters[name];
        if (!counts[name].length && !chosen.length) return;
        var section = el("section", { class: "archive-facet" });
        section.appendChild(el("h2", {}, pair[1]));
        var ul = el("ul");
        var shown = counts[name].slice(0, 10);
        chosen.forEach(function (v) { if (!shown.some(function (c) { return c[0] === v; })) shown.unshift([v, 0]); });
        shown.forEach(function (c) {
          var on = chosen.indexOf(c[0]) >= 0;
          var b = el("button", { type: "button", class: "archive-facet__value", "aria-pressed": on ? "true" : "false" });
          b.appendChild(el("span", {}, c[0]));
          b.appendChild(el("span", { class: "archive-facet__count" }, String(c[1])));
          b.addEventListener("click", function () {
            if (on) state.filters[name] = chosen.filter(function (v) { return v !== c[0]; });
            else state.filters[name] = chosen.concat([c[0]]);
            state.shown = PAGE;
            run(true);
          });
          var li = el("li");
          li.appendChild(b);
          ul.appendChild(li);
        });
        section.appendChild(ul);
        facets.appendChild(section);
      });
    }

    run(false);
  }

  /* On an article opened from a result (?h=word word), mark those words in the text. */
  function highlightArticle() {
    var wanted = new URLSearchParams(location.search).get("h");
    var article = document.querySelector("article.md-content__inner");
    if (!wanted || !article || article.dataset.highlighted) return;
    article.dataset.highlighted = "1";
    var keys = new Set(wanted.split(/\s+/).filter(Boolean).map(foldKey));
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var first = null;
    nodes.forEach(function (node) {
      if (node.parentNode.closest("script, style, mark, dl.archive-meta")) return;
      var text = node.nodeValue, re = new RegExp(WORD.source, "gu"), m, at = 0, parts = [];
      while ((m = re.exec(text))) {
        if (!keys.has(foldKey(m[0]))) continue;
        if (m.index > at) parts.push(document.createTextNode(text.slice(at, m.index)));
        var mark = el("mark", { class: "archive-hit" }, m[0]);
        parts.push(mark);
        first = first || mark;
        at = m.index + m[0].length;
      }
      if (!parts.length) return;
      if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
      var frag = document.createDocumentFragment();
      parts.forEach(function (p) { frag.appendChild(p); });
      node.parentNode.replaceChild(frag, node);
    });
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
  }

  if (root.document$ && typeof root.document$.subscribe === "function") {
    root.document$.subscribe(setup);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})(typeof window !== "undefined" ? window : this);
