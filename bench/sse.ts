import http from 'node:http';

/**
 * A minimal SSE reader for the bench: calls back with (event, data) for each message. On
 * node:http's socket events, not fetch: a browser's EventSource parses natively, and fetch's web
 * streams (a few promise hops per chunk) put their own latency into the figure measured.
 */
export async function readSse(url: string, onMessage: (event: string, data: string) => void, signal: AbortSignal, headers: Record<string, string> = {}): Promise<void> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(url, { signal, headers }, resolve).once('error', reject);
  });
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) onMessage(event, data);
    }
  });
  // Aborted at the end of the run.
  res.on('error', () => {});
}
