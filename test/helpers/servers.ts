import { afterAll, beforeAll } from 'vitest';
import { startMosquitto, type Mosquitto } from './mosquitto.ts';
import { startPostgres, type Postgres } from './postgres.ts';

/** A real Mosquitto and a real PostgreSQL for the tests of this file, started once, stopped after. */
export function useMosquittoAndPostgres(): { mosquitto: () => Mosquitto; postgres: () => Postgres } {
  let mosq: Mosquitto | undefined;
  let pg: Postgres | undefined;
  beforeAll(async () => {
    [mosq, pg] = await Promise.all([startMosquitto(), startPostgres()]);
  });
  afterAll(async () => {
    await mosq?.stop();
    await pg?.stop();
  });
  return { mosquitto: () => mosq!, postgres: () => pg! };
}
