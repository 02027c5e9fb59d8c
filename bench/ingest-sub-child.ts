// The ingest floor's subscriber, in a process of its own as the bridge is: QoS 1, no work but
// counting. The parent says how many to expect; this process says when they have all come.
import mqtt from 'mqtt';
import { endSession } from './broker-process.ts';

export interface SubRequest {
  url: string;
  clientId: string;
  /** A session the broker keeps (clean: false), as the bridge's must be. */
  persistent: boolean;
}
export type SubCommand = { type: 'expect'; n: number } | { type: 'end' };

if (process.send) {
  process.once('message', (req: SubRequest) => {
    void (async () => {
      const sub = await mqtt.connectAsync(req.url, { clientId: req.clientId, clean: !req.persistent });
      await sub.subscribeAsync('okienko/v1/#', { qos: 1 });
      let received = 0;
      let target = Number.POSITIVE_INFINITY;
      sub.on('message', () => {
        if (++received === target) process.send!({ type: 'reached' });
      });
      process.on('message', (m: SubCommand) => {
        if (m.type === 'expect') target = received + m.n;
        else
          void (async () => {
            await sub.endAsync();
            // The session would otherwise go on collecting every later run's messages.
            if (req.persistent) await endSession(req.url, req.clientId);
            process.disconnect();
          })();
      });
      process.send!({ type: 'ready' });
    })();
  });
}
