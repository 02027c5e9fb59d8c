/** A minimal SSE reader for the bench: calls back with (event, data) for each message. */
export async function readSse(url: string, onMessage: (event: string, data: string) => void, signal: AbortSignal, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { signal, headers });
  if (!res.body) throw new Error(`no body from ${url}`);
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = res.body.getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
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
      }
    } catch {
      // aborted at the end of the run
    }
  })();
}
