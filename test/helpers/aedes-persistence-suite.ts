// aedes-persistence's own test suite (its abstract.js, run with node:test) against our indexed
// persistence: the embedded broker's persistence behaves as the stock one wherever aedes relies
// on it. Run by test/unit/broker-persistence.test.ts in a process of its own.
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { IndexedMemoryPersistence } from '../../broker-bridge/broker/persistence.ts';

const require = createRequire(import.meta.url);
const abstract = require('aedes-persistence/abstract.js') as (opts: object) => void;

abstract({ test, persistence: () => new IndexedMemoryPersistence(), testAsync: true });
