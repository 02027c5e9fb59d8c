#!/usr/bin/env node
// `npm run test:calendar`: the unit and browser tests under a shifted clock, at the dates that
// break date code — with Debian's faketime, which shifts Node, vitest's workers and Chromium
// alike (shared/NOTES.md). `npm test` must pass on any date; this proves it on the hard ones.
//
//   npm run test:calendar                                  every date below, unit and e2e tests
//   npm run test:calendar -- --only unit                   unit tests only (a minute a date)
//   npm run test:calendar -- "2027-02-28 23:59" test/e2e/demo.test.ts   a date (office time) and files of your choice
//
// Dates are wall-clock times in the office's zone (Europe/Warsaw); each run starts there and
// ticks on, one clock for all: without FAKETIME_DONT_RESET every process started later (the
// okienko a test starts, Chromium) began at the date again, minutes behind the test's own clock
// (an away notice's "in 5 min" read "in 3 min" in the browser). The processes run with TZ=UTC, so faketime reads the instant given as UTC, as a
// server's clock is; every office time comes from the office's zone, not the process's.
import { spawnSync } from 'node:child_process';

const ZONE = 'Europe/Warsaw';
const DATES = [
  ['2027-03-03 10:00', 'day 3 of a month (one-digit day), mid-morning'],
  ['2027-07-09 23:30', 'day 9, half an hour before midnight'],
  ['2027-07-10 00:30', 'half an hour after midnight'],
  ['2027-03-28 01:55', 'spring DST switch (last Sunday of March), 5 minutes before 02:00 jumps to 03:00'],
  ['2027-03-28 03:05', 'spring DST switch, just after'],
  ['2027-10-31 02:30', 'autumn DST switch (last Sunday of October), the hour that comes twice'],
  ['2027-10-31 03:10', 'autumn DST switch, just after'],
  ['2026-12-31 23:55', "New Year's Eve, 5 minutes before midnight"],
  ['2027-05-03 10:00', 'a Polish public holiday (Constitution Day, a Monday)'],
];

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const rest = args.filter((a, i) => a !== '--only' && args[i - 1] !== '--only');
const chosen = rest.filter((a) => /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(a));
const files = rest.filter((a) => !chosen.includes(a));
const targets = files.length ? files : only === 'unit' ? ['test/unit'] : only === 'e2e' ? ['test/e2e'] : ['test/unit', 'test/e2e'];
const dates = chosen.length ? chosen.map((d) => [d.length === 10 ? `${d} 10:00` : d, 'chosen']) : DATES;

if (spawnSync('faketime', ['-f', '+0', 'true']).status !== 0) {
  console.error('faketime is missing: apt-get install faketime (Debian\'s libfaketime)');
  process.exit(2);
}

/** The UTC instant of a wall-clock time in the office's zone ("2027-03-28 01:55"). */
function officeToUtc(wall) {
  const [date, time] = wall.split(' ');
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  const offset = (ms) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(ms).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - Math.floor(ms / 60_000) * 60_000;
  };
  // With the zone's offset of the day before and of the day after: an hour that comes twice
  // (October) is taken the first time; one that never comes (March, 02:30) the hour after.
  const wallOf = (ms) => new Date(ms + offset(ms)).toISOString().slice(0, 16).replace('T', ' ');
  const candidates = [asUtc - offset(asUtc - 86_400_000), asUtc - offset(asUtc + 86_400_000)];
  const utc = Math.min(...candidates.filter((ms) => wallOf(ms) === wall)) || Math.max(...candidates);
  return new Date(Number.isFinite(utc) ? utc : Math.max(...candidates)).toISOString().replace('T', ' ').slice(0, 19);
}

const results = [];
for (const [wall, why] of dates) {
  const utc = officeToUtc(wall);
  console.log(`\n=== ${wall} ${ZONE} (${utc} UTC): ${why} ===`);
  const run = spawnSync('faketime', ['-f', `@${utc}`, 'npx', 'vitest', 'run', ...targets], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, TZ: 'UTC', FAKETIME_DONT_RESET: '1' } });
  process.stdout.write(run.stdout);
  const plain = run.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const failed = [...new Set([...plain.matchAll(/FAIL\s+(\S+\.test\.ts)/g)].map((m) => m[1]))];
  const summary = /Tests\s+(.+)/.exec(plain)?.[1]?.trim() ?? `exit ${run.status}`;
  results.push({ wall, ok: run.status === 0, summary, failed });
}

console.log('\n=== test:calendar ===');
for (const r of results) console.log(`${r.ok ? 'pass' : 'FAIL'}  ${r.wall}  ${r.summary}${r.failed.length ? `  — ${r.failed.join(', ')}` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
