import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The import rules of README.md "Working on it": which stage (first folder under src/) may import
// which. A file's own stage is always allowed; the root wiring files (index, app) may import anything;
// src/config.ts is its own stage, importable from everywhere except lib/.
const RULES = {
  root: "*",
  config: ["lib"],
  ingest: ["sources", "model", "store", "lib", "config"],
  deliver: ["destinations", "model", "store", "lib", "config"],
  reconcile: ["sources", "ingest", "destinations", "model", "store", "lib", "config"],
  admin: ["reconcile", "destinations", "store", "model", "lib", "config"],
  storefront: ["attribution", "store", "lib", "config"],
  sources: ["model", "lib", "attribution", "config"],
  destinations: ["model", "lib", "config"],
  store: ["model", "lib", "config"],
  model: ["lib", "config"],
  attribution: ["model", "lib", "config"],
  lib: [],
};

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

const rel = (file) => path.relative(SRC, file).split(path.sep).join("/");

/** `model/keys.ts` → "model"; `index.ts` → "root"; `config.ts` → "config". */
function stageOf(file) {
  const r = rel(file);
  if (r === "config.ts") return "config";
  return r.includes("/") ? r.split("/")[0] : "root";
}

/** Relative specifiers of static imports and re-exports (`import type` too) and dynamic imports. */
function specifiers(text) {
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1])).filter((s) => s.startsWith("."));
}

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec.replace(/\?.*$/, ""));
  for (const candidate of [base, `${base}.ts`, path.join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** file → the files it imports, for every .ts file under src/. */
function importGraph() {
  const graph = new Map();
  const unresolved = [];
  for (const file of tsFiles(SRC)) {
    const targets = [];
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      const target = resolve(file, spec);
      if (target) targets.push(target);
      else unresolved.push(`${rel(file)}: "${spec}"`);
    }
    graph.set(file, [...new Set(targets)]);
  }
  return { graph, unresolved };
}

function forbiddenEdges(graph) {
  const problems = [];
  for (const [file, targets] of graph) {
    const from = stageOf(file);
    const allowed = RULES[from];
    if (allowed === undefined) {
      problems.push(`${rel(file)}: stage "${from}" has no import rule (add it to RULES and the README)`);
      continue;
    }
    for (const target of targets) {
      const to = stageOf(target);
      if (allowed === "*" || to === from || allowed.includes(to)) continue;
      problems.push(`${rel(file)} → ${rel(target)} (${from} may not import ${to})`);
    }
  }
  return problems;
}

/** Every import cycle, once each, as `a.ts → b.ts → a.ts` (Tarjan's strongly connected components). */
function cycles(graph) {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
    }
    if (low.get(v) !== indexOf.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (graph.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) found.push(cyclePath(graph, new Set(component), v));
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

/** One concrete cycle through `start` inside a strongly connected component (breadth-first). */
function cyclePath(graph, component, start) {
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const trail = [v];
        while (trail[0] !== start) trail.unshift(previous.get(trail[0]));
        return [...trail, start].map(rel).join(" → ");
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component].map(rel).join(", ");
}

/**
 * D1 is written and read only in src/store/ (README "Working on it"): elsewhere, a prepared statement,
 * a batch, or a string that opens with an SQL keyword is an offender, named with its line.
 */
const SQL =
  /\.prepare\(|\.batch\(|["'`]\s*(?:SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|PRAGMA|WITH)\s/;

function sqlOutsideStore(files) {
  return files
    .filter((file) => stageOf(file) !== "store")
    .flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (SQL.test(line) ? [`${rel(file)}:${i + 1}: ${line.trim()}`] : [])),
    );
}

describe("src/ layout", () => {
  const { graph, unresolved } = importGraph();

  it("finds the files and resolves every relative import", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(unresolved, "relative imports that resolve to no file under src/").toEqual([]);
  });

  it("keeps the import rules of README.md 'Working on it'", () => {
    expect(forbiddenEdges(graph), "imports that break the stage rules").toEqual([]);
  });

  it("has no import cycle between files", () => {
    expect(cycles(graph), "import cycles").toEqual([]);
  });

  it("keeps SQL in src/store/", () => {
    expect(sqlOutsideStore([...graph.keys()]), "D1 statements outside src/store/").toEqual([]);
  });
});
