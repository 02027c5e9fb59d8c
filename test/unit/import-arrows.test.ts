import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Imports run one way between folders, and between the bridge's rooms, as the tables in
 * README.md and broker-bridge/README.md say. The tables are read from the READMEs, so the
 * documentation and the code cannot drift apart: a new arrow is added to the table or removed.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES: Record<string, string> = {
  '@okienko/protocol': 'protocol',
  '@okienko/hardware': 'hardware',
  '@okienko/device': 'device',
  '@okienko/broker-bridge': 'broker-bridge',
  '@okienko/dashboard': 'dashboard',
  '@okienko/sim': 'sim',
};
const SKIP = new Set(['node_modules', 'dist', '.build', 'schema']);
// Static imports, re-exports, side-effect imports and import(): all are arrows.
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** Rows of the first markdown table under a header whose first cell is `first`. */
function tableRows(markdown: string, first: string): [string, string][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\|\\s*${first}\\s*\\|`).test(l));
  if (start < 0) throw new Error(`no table starting with "${first}"`);
  const rows: [string, string][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.push([cells[0]!, cells[cells.length - 1]!]);
  }
  return rows;
}

/** `store/` → store; "protocol, `store/` (contract)" → [protocol, store]; "every room above" → all before. */
function allowed(rows: [string, string][]): Map<string, Set<string>> {
  const name = (s: string) => s.replace(/\(.*\)/, '').replace(/`/g, '').trim().replace(/\/$/, '');
  const out = new Map<string, Set<string>>();
  for (const [folder, may] of rows) {
    const above = [...out.keys()];
    const list = may === '—' ? [] : may.split(',').map(name).flatMap((n) => (n === 'every room above' ? above : [n]));
    out.set(name(folder), new Set(list));
  }
  return out;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Every import of every source under `base`, as [the file's group, the imported group, where]. */
function arrows(base: string, groupOf: (rel: string) => string | null): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const file of sources(path.join(ROOT, base))) {
    const from = groupOf(path.relative(ROOT, file));
    if (!from) continue;
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      let target: string | null = null;
      if (spec!.startsWith('.')) target = groupOf(path.relative(ROOT, path.resolve(path.dirname(file), spec!)));
      else {
        const pkg = Object.keys(PACKAGES).find((k) => spec === k || spec!.startsWith(`${k}/`));
        if (pkg) target = groupOf(path.join(PACKAGES[pkg]!, 'index.ts'));
      }
      if (target && target !== from) out.push([from, target, `${path.relative(ROOT, file)} imports ${spec}`]);
    }
  }
  return out;
}

function acyclic(graph: Map<string, Set<string>>): boolean {
  const done = new Set<string>();
  const visit = (n: string, path: Set<string>): boolean => {
    if (path.has(n)) return false;
    if (done.has(n)) return true;
    path.add(n);
    const ok = [...(graph.get(n) ?? [])].every((m) => visit(m, path));
    path.delete(n);
    done.add(n);
    return ok;
  };
  return [...graph.keys()].every((n) => visit(n, new Set()));
}

describe('one direction between folders', () => {
  const table = allowed(tableRows(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), 'folder'));
  // test/helpers is a folder of its own: the benchmarks use it, and the tests use the benchmarks.
  const folderOf = (rel: string) => {
    if (rel.startsWith(`test${path.sep}helpers${path.sep}`)) return 'test/helpers';
    if (!rel.includes(path.sep)) return '(root)'; // vitest.config.ts and the like: nothing imports them
    const top = rel.split(path.sep)[0]!;
    return top === 'node_modules' ? null : top; // node_modules: a library's own file (its test double's types)
  };

  it('lists every folder that holds code, and the table itself runs one way', () => {
    const withCode = fs
      .readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.') && sources(path.join(ROOT, e.name)).length > 0)
      .map((e) => e.name);
    expect(withCode.filter((f) => !table.has(f))).toEqual([]);
    expect(acyclic(table)).toBe(true);
  });

  it('has no import the table does not allow', () => {
    const found = [...table.keys()].filter((f) => f !== 'test/helpers').flatMap((f) => arrows(f, folderOf));
    // The scan sees imports at all (a broken pattern would find none and pass).
    expect(found.some(([from, to]) => from === 'device' && to === 'protocol')).toBe(true);
    expect(found.some(([from, to]) => from === 'bench' && to === 'test/helpers')).toBe(true);
    const forbidden = found.filter(([from, to]) => !table.get(from)?.has(to)).map(([, , where]) => where);
    expect(forbidden).toEqual([]);
  });
});

describe("one direction between the bridge's rooms", () => {
  const table = allowed(tableRows(fs.readFileSync(path.join(ROOT, 'broker-bridge/README.md'), 'utf8'), 'room'));
  // The files at the bridge's top (bridge.ts, index.ts, demo.ts) compose the rooms: they may import any.
  const roomOf = (rel: string) => {
    const parts = rel.split(path.sep);
    if (parts[0] === 'protocol') return 'protocol';
    if (parts[0] !== 'broker-bridge') return parts[0]!;
    return parts.length > 2 && table.has(parts[1]!) ? parts[1]! : '(root)';
  };

  it('has no import between rooms the table does not allow', () => {
    const found = arrows('broker-bridge', roomOf).filter(([from]) => from !== '(root)');
    expect(found.some(([from, to]) => from === 'http' && to === 'store')).toBe(true);
    const forbidden = found.filter(([from, to]) => !table.get(from)?.has(to)).map(([, , where]) => where);
    expect(forbidden).toEqual([]);
    expect(acyclic(table)).toBe(true);
  });
});
