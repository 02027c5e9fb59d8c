// The memory floor of a counter: Node with one MQTT.js connection and nothing else.
import mqtt from 'mqtt';

const url = process.argv[2]!;
const client = await mqtt.connectAsync(url, { clientId: `bench-floor-${process.pid}` });
await new Promise((r) => setTimeout(r, 1000));
(globalThis as { gc?: () => void }).gc?.();
const m = process.memoryUsage();
process.send!({ idle: m.rss / 2 ** 20 });
await client.endAsync();
process.disconnect();
