import http from 'node:http';
import { once } from 'node:events';
import type { Display, DisplaySize } from './interfaces.ts';

/**
 * A full-screen page for an HDMI screen at the counter (Chromium in kiosk mode on the Pi opens
 * http://127.0.0.1:<port>/). High contrast, letters as large as the screen allows, Polish letters
 * as they are; the page follows the lines live and shows plainly when it lost the counter.
 * Listens on loopback only: the screen is the Pi's own.
 */
export class KioskDisplay implements Display {
  private lines: string[] = [];
  private readonly clients = new Set<http.ServerResponse>();
  private constructor(
    private readonly server: http.Server,
    readonly size: DisplaySize,
  ) {}

  static async start(size: DisplaySize, port: number, host = '127.0.0.1'): Promise<KioskDisplay> {
    const server = http.createServer();
    const kiosk = new KioskDisplay(server, size);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => kiosk.handle(req, res));
    server.listen(port, host);
    await once(server, 'listening');
    return kiosk;
  }

  get url(): string {
    const a = this.server.address() as { port: number; address: string };
    return `http://${a.address}:${a.port}/`;
  }

  async show(lines: readonly string[]): Promise<void> {
    this.lines = Array.from({ length: this.size.rows }, (_, i) => Array.from(lines[i] ?? '').slice(0, this.size.cols).join(''));
    const data = `data: ${JSON.stringify(this.lines)}\n\n`;
    for (const c of this.clients) c.write(data);
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.end();
    this.server.close();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.url === '/lines') {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      res.write(`retry: 1000\ndata: ${JSON.stringify(this.lines)}\n\n`);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
    } else if (req.url === '/lines.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(this.lines));
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE(this.size));
    } else {
      res.writeHead(404).end();
    }
  }
}

const PAGE = (size: DisplaySize): string => `<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>okienko</title>
<style>
  html, body { margin: 0; height: 100%; background: #000; color: #fff; font-family: system-ui, sans-serif; }
  main { height: 100vh; display: flex; flex-direction: column; justify-content: center; padding: 0 4vw; box-sizing: border-box; }
  p { margin: 0; line-height: 1.15; font-size: min(${(100 / size.rows / 1.3).toFixed(1)}vh, ${(150 / size.cols).toFixed(1)}vw); font-weight: 700; white-space: pre; }
  p:first-child { color: #ffd400; }
  #lost { display: none; position: fixed; inset: auto 0 0 0; background: #b00; font-size: 4vh; padding: 1vh 4vw; }
  body.lost #lost { display: block; }
</style></head>
<body><main id="screen">${'<p></p>'.repeat(size.rows)}</main>
<div id="lost" role="alert">Brak połączenia z urządzeniem — informacja może być nieaktualna / Display lost the counter</div>
<script>
  const ps = document.querySelectorAll('#screen p');
  const source = new EventSource('/lines');
  source.onmessage = (e) => { document.body.classList.remove('lost'); JSON.parse(e.data).forEach((l, i) => { if (ps[i]) ps[i].textContent = l; }); };
  source.onerror = () => document.body.classList.add('lost');
</script></body></html>`;
